// The measured window of a client process of the benchmark (the ceilings, the WebSocket produce client):
// a warm-up, then `durationSec` counted, then one line "result <json>" on stdout, which the benchmark
// reads back with readResult().
import { percentile } from '../../stats.js'
import { cpuSeconds } from '../cpu.js'
import { peakRssMb, resetPeakRss } from '../processes.js'

export interface WindowResult {
  durationSec: number
  /** Operations finished in the window: records delivered (producer), reads answered (fetch). */
  operations: number
  records: number
  recordsPerSec: number
  errors: number
  firstError: string | null
  latencyP50Ms: number | null
  latencyP99Ms: number | null
  latencyP999Ms: number | null
  /** CPU seconds of this process in the window */
  cpuSec: number
  peakRssMb: number | null
}

export class MeasuredWindow {
  #measuring = false
  #operations = 0
  #records = 0
  #errors = 0
  #firstError: string | undefined
  #latenciesUs: number[] = []

  /** An operation that started at `startedNs` (process.hrtime.bigint()) finished with `records` records. */
  done (startedNs: bigint | undefined, records: number): void {
    if (!this.#measuring) return
    this.#operations++
    this.#records += records
    if (startedNs !== undefined) this.#latenciesUs.push(Number(process.hrtime.bigint() - startedNs) / 1000)
  }

  /** A failed operation: counted in the window; the first failure is kept whenever it happened. */
  failed (err: unknown): void {
    this.note(err)
    if (this.#measuring) this.#errors++
  }

  /** A failure of no operation in particular (a client's error event): reported if it was the first. */
  note (err: unknown): void {
    this.#firstError ??= err instanceof Error ? err.message : String(err)
  }

  /** Waits out the warm-up, counts for `durationSec`, and returns what was counted. */
  async measure (warmupSec: number, durationSec: number): Promise<WindowResult> {
    await sleep(warmupSec * 1000)
    const cpu0 = cpuSeconds(process.pid)
    resetPeakRss(process.pid) // where not allowed, the peak RSS covers the warm-up as well
    const t0 = process.hrtime.bigint()
    this.#measuring = true
    await sleep(durationSec * 1000)
    this.#measuring = false
    const elapsedSec = Number(process.hrtime.bigint() - t0) / 1e9
    const latencies = Float64Array.from(this.#latenciesUs).sort()
    return {
      durationSec: Math.round(elapsedSec * 1000) / 1000,
      operations: this.#operations,
      records: this.#records,
      recordsPerSec: Math.round(this.#records / elapsedSec),
      errors: this.#errors,
      firstError: this.#firstError ?? null,
      latencyP50Ms: ms(percentile(latencies, 50)),
      latencyP99Ms: ms(percentile(latencies, 99)),
      latencyP999Ms: ms(percentile(latencies, 99.9)),
      cpuSec: cpuSeconds(process.pid) - cpu0,
      peakRssMb: peakRssMb(process.pid)
    }
  }
}

/** The arguments of a producer ceiling: `<brokers> <topic> <inFlight> <warmupSec> <durationSec>`; exits 2 on bad ones. */
export interface ProducerCeilingArgs {
  readonly brokers: string
  readonly topic: string
  readonly inFlight: number
  readonly warmupSec: number
  readonly durationSec: number
}

export function producerCeilingArgs (script: string, argv: readonly string[]): ProducerCeilingArgs {
  const [brokers = '127.0.0.1:9092', topic = '', inFlightText = '64', warmupText = '3', durationText = '15'] = argv
  const args = { brokers, topic, inFlight: Number(inFlightText), warmupSec: Number(warmupText), durationSec: Number(durationText) }
  if (topic === '' || !(args.inFlight >= 1) || !(args.warmupSec >= 0) || !(args.durationSec > 0)) {
    process.stderr.write(`usage: ${script} <brokers> <topic> <inFlight> <warmupSec> <durationSec>\n`)
    process.exit(2)
  }
  return args
}

export function printResult (result: object): void {
  process.stdout.write(`result ${JSON.stringify(result)}\n`)
}

/** The result line of a client process's output. */
export function readResult<T> (stdout: string, what: string, exit: { code: number | null, signal: string | null }): T {
  const line = stdout.split('\n').find((l) => l.startsWith('result '))
  if (line === undefined) throw new Error(`${what} printed no result (${exit.signal ?? `exit code ${exit.code}`})`)
  return JSON.parse(line.slice('result '.length)) as T
}

/** µs → ms with 2 decimals */
const ms = (us: number | null): number | null => us === null ? null : Math.round(us / 10) / 100

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
