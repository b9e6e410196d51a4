// KastleX comparison benchmark (issue 5): every contender under every workload (bench/compare/harness.ts).
//
//   npm run bench:compare
//   BENCH_DURATION=10 (seconds measured, after a 3 s warm-up)   BENCH_RUNS=3 (the report gives medians)
//   BENCH_CONTENDERS=bare-uws,kastlex-2,kastlex-0,direct,strimzi,pixy   BENCH_WORKLOADS=produce-64,...
//   BENCH_PORT=18092   BENCH_WRK_THREADS=2 (produce workloads)   BENCH_FETCH_RECORDS=25000 (per partition)
//   BENCH_FETCH_BATCH_BYTES=16384 (the fetch topic's Kafka batches: librdkafka batch.size of the pre-fill)
import { pick } from './config.js'
import { CONTENDERS } from './contenders.js'
import { runEntry } from './harness.js'
import { WORKLOADS } from './workloads.js'

runEntry({ contenders: () => pick('BENCH_CONTENDERS', CONTENDERS, (c) => c.id), durationSec: '10', runs: '3', workloads: WORKLOADS })
