// A contender of the comparison benchmark and one measurement of it. HTTP contenders (KastleX, the
// peers, the bare-uWS ceiling) are all measured the same way by httpSession(); the direct producer
// measures itself.
import { encodeFramedRecords } from '../../src/batch/binary-framing.js'
import type { RequestTemplate } from './peers/peer.js'
import { cpuPerRequest, cpuTicks, type CpuPerRequest } from './cpu.js'
import { log, peakRssMb, resetPeakRss, type ServerProcess } from './processes.js'
import { runWrk, writeScript, type ClientPlan, type WrkErrors } from './wrk.js'
import { hasProduce, type BatchBodyFormat, type Workload } from './workloads.js'

export interface BenchContext {
  root: string
  kafka: string
  warmupSec: number
  durationSec: number
  /** wrk threads for produce-only workloads (the others run one thread per connection) */
  produceThreads: number
  /** where the generated Lua scripts and bodies go */
  scriptDir: string
  /** HTTP port of the contender being measured */
  port: number
  produceTopic: string
  fetchTopic: string
  /** the partitions of fetchTopic, one per reader */
  fetchPartitions: number[]
  /** records pre-filled in each partition of fetchTopic */
  fetchRecordsPerPartition: number
  body: Buffer
}

/** One measured run of one workload. */
export interface Sample {
  durationSec: number
  /** completed HTTP answers per second (any status); null for the direct producer */
  requestsPerSec: number | null
  /** records stored per second (2xx to produce requests; delivery reports for the direct producer) */
  producedPerSec: number | null
  /** records read per second */
  fetchedPerSec: number | null
  latencyP50Ms: number | null
  latencyP99Ms: number | null
  latencyP999Ms: number | null
  errors: WrkErrors | { client: number }
  /** readers that reached the end of their partition and started again at offset 0 */
  wraps: number | null
  /** user + system CPU seconds of the contender's process per 10 000 requests (records for the producer) */
  cpuSecPer10k: number | null
  /** the same in µs per request */
  cpuUsPerRequest: number | null
  /** KastleX: the part of cpuUsPerRequest spent on its main thread, and on its other threads (workers, librdkafka's) */
  cpuUsMainThread: number | null
  cpuUsOtherThreads: number | null
  peakRssMb: number | null
  /** what the peak RSS covers: this workload (reset via clear_refs) or the process's life */
  peakRssScope: 'workload' | 'process'
}

export interface Session {
  /** e.g. "Strimzi Kafka Bridge 0.33.1"; shown in the report */
  version?: string
  measure (workload: Workload): Promise<Sample>
  close (): Promise<void>
}

export interface Contender {
  /** short name for BENCH_CONTENDERS */
  id: string
  name: string
  /** why this contender does not run a workload, or undefined when it does */
  skip (workload: Workload): string | undefined
  open (ctx: BenchContext): Promise<Session>
}

/** An HTTP server under test: where it listens and how its clients produce and read. */
export interface HttpTarget {
  server: ServerProcess
  baseUrl: string
  /** false for the bare-uWS ceiling, which stores nothing */
  storesRecords: boolean
  /** KastleX: its CPU is shown split into the main thread and the other threads; the others show the total */
  splitsThreads: boolean
  plan (workload: Workload): Promise<ClientPlan>
}

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits
const perSec = (n: number | null, sec: number): number | null => n === null ? null : Math.round(n / sec)

/** Measures an HTTP target with wrk: a warm-up run, then the measured run. */
export function httpSession (name: string, target: HttpTarget, ctx: BenchContext, version?: string): Session {
  let scripts = 0
  return {
    version,
    async measure (workload) {
      const plan = await target.plan(workload)
      const script = await writeScript(ctx.scriptDir, `${name.replace(/\W+/g, '-')}-${workload.name}-${scripts++}`, workload, plan)
      log(`${name} ${workload.name}: ${ctx.warmupSec} s warm-up, then ${ctx.durationSec} s measured`)
      await runWrk(target.baseUrl, workload, ctx.warmupSec, ctx.produceThreads, script)
      target.server.assertAlive(`during the ${workload.name} warm-up`)
      const pid = target.server.pid
      const rssReset = resetPeakRss(pid)
      const cpu0 = cpuTicks(pid)
      const r = await runWrk(target.baseUrl, workload, ctx.durationSec, ctx.produceThreads, script)
      const cpu = cpuPerRequest(cpu0, cpuTicks(pid), r.requests)
      const rss = peakRssMb(pid)
      target.server.assertAlive(`during ${workload.name}`)
      const errorCount = Object.values(r.errors).reduce((a, b) => a + b, 0)
      if (errorCount > 0) log(`${name} ${workload.name}: errors ${JSON.stringify(r.errors)}`)
      return {
        durationSec: round(r.durationSec),
        requestsPerSec: Math.round(r.requests / r.durationSec),
        producedPerSec: target.storesRecords && hasProduce(workload) ? perSec(r.produced, r.durationSec) : null,
        fetchedPerSec: perSec(r.fetched, r.durationSec),
        latencyP50Ms: r.p50Ms,
        latencyP99Ms: r.p99Ms,
        latencyP999Ms: r.p999Ms,
        errors: r.errors,
        wraps: r.wraps,
        ...cpuColumns(cpu, target.splitsThreads),
        peakRssMb: rss,
        peakRssScope: rssReset ? 'workload' : 'process'
      }
    },
    close: () => target.server.stop()
  }
}

/** The CPU fields of a sample; `split`: with the main thread's and the other threads' shares. */
export function cpuColumns (cpu: CpuPerRequest | null, split: boolean): Pick<Sample, 'cpuSecPer10k' | 'cpuUsPerRequest' | 'cpuUsMainThread' | 'cpuUsOtherThreads'> {
  return {
    cpuSecPer10k: cpu === null ? null : round(cpu.totalUs / 100),
    cpuUsPerRequest: cpu?.totalUs ?? null,
    cpuUsMainThread: split ? cpu?.mainUs ?? null : null,
    cpuUsOtherThreads: split ? cpu?.otherUs ?? null : null
  }
}

/** KastleX's batch request (SPEC §10.4): `records` copies of the value, null keys, in the workload's format. */
export function batchProduce (path: string, batch: { records: number, format: BatchBodyFormat }, value: Buffer): RequestTemplate {
  const records = Array.from({ length: batch.records }, () => ({ key: null, value }))
  return batch.format === 'binary'
    ? { method: 'POST', path, headers: { 'Content-Type': 'application/vnd.kastlex.batch' }, body: encodeFramedRecords(records) }
    : { method: 'POST', path, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(records.map(() => ({ value: value.toString('base64'), value_encoding: 'base64' })))) }
}

/** The plain produce request of KastleX and the bare server: the body is the record value. */
export const rawProduce = (path: string, body: Buffer): RequestTemplate =>
  ({ method: 'POST', path, headers: { 'Content-Type': 'application/binary' }, body })
