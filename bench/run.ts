// Quick A/B benchmark of KastleX alone: the harness of bench:compare (bench/compare/harness.ts) with
// KastleX for each KASTLEX_WORKERS setting in BENCH_WORKERS, one run of produce-64, fetch-json and
// fetch-binary; same report (bench/results/compare-<timestamp>.{md,json}).
//
//   npm run bench
//   BENCH_WORKERS=2,0  BENCH_DURATION=15 (seconds, after a 3 s warm-up)  BENCH_PORT=18092
//   and bench:compare's other variables (BENCH_RUNS=1, BENCH_WORKLOADS, ...)
import { envInts } from './env.js'
import { kastlex } from './compare/contenders.js'
import { runEntry } from './compare/harness.js'
import { WORKLOADS } from './compare/workloads.js'

const QUICK = ['produce-64', 'fetch-json', 'fetch-binary']

runEntry({
  contenders: () => envInts('BENCH_WORKERS', '2,0', 0, 256).map(kastlex),
  durationSec: '15',
  runs: '1',
  workloads: WORKLOADS.filter((w) => QUICK.includes(w.name))
})
