// The settings of a harness run (bench/compare/harness.ts) from BENCH_* variables; what differs between
// its entries (bench:compare, bench) is which contenders run and the defaults.
import { envInt } from '../env.js'
import type { Contender } from './contender.js'
import { WORKLOADS, type Workload } from './workloads.js'

export interface Config {
  port: number
  durationSec: number
  runs: number
  produceThreads: number
  fetchRecords: number
  fetchBatchBytes: number
  contenders: readonly Contender[]
  workloads: readonly Workload[]
}

/** What an entry decides: its contenders, and the defaults of BENCH_DURATION, BENCH_RUNS and BENCH_WORKLOADS. */
export interface Entry {
  /** read when the harness starts, so that a bad variable is reported as its failure */
  contenders: () => readonly Contender[]
  durationSec: string
  runs: string
  /** the workloads run when BENCH_WORKLOADS is unset or empty */
  workloads: readonly Workload[]
}

/** The items of `all` named in the comma-separated `name` (matched by `key`), or `fallback` when none are. */
export function pick<T> (name: string, all: readonly T[], key: (t: T) => string, fallback: readonly T[] = all): readonly T[] {
  const wanted = (process.env[name] || '').split(',').map((s) => s.trim()).filter((s) => s !== '')
  const unknown = wanted.filter((w) => !all.some((t) => key(t) === w))
  if (unknown.length > 0) throw new Error(`${name}: unknown ${unknown.join(', ')}; choose from ${all.map(key).join(', ')}`)
  return wanted.length === 0 ? fallback : all.filter((t) => wanted.includes(key(t)))
}

export function readConfig (entry: Entry): Config {
  return {
    port: envInt('BENCH_PORT', '18092', 1, 64535),
    durationSec: envInt('BENCH_DURATION', entry.durationSec, 1, 3600),
    runs: envInt('BENCH_RUNS', entry.runs, 1, 100),
    produceThreads: envInt('BENCH_WRK_THREADS', '2', 1, 64),
    fetchRecords: envInt('BENCH_FETCH_RECORDS', '25000', 100, 10_000_000),
    // A random read costs the whole Kafka batch holding its offset (the broker sends no less): fixed, so that
    // reports compare. 16 KiB is the Java producer's batch.size; librdkafka's own reaches 1 MB.
    fetchBatchBytes: envInt('BENCH_FETCH_BATCH_BYTES', '16384', 1024, 1_000_000),
    contenders: entry.contenders(),
    workloads: pick('BENCH_WORKLOADS', WORKLOADS, (w) => w.name, entry.workloads)
  }
}
