// The comparison report: the median of the runs of every contender and workload, the targets
// checked against them, as markdown and JSON.
import type { MachineInfo } from '../report.js'
import type { Sample } from './contender.js'
import type { WrkErrors } from './wrk.js'
import { PRODUCE_PARTITIONS, STREAM_CONSUMERS } from './workloads.js'

export interface Row {
  contenderId: string
  contender: string
  version?: string
  workload: string
  connections: number
  status: 'ok' | 'failed' | 'skipped'
  note?: string
  samples: Sample[]
  /** per metric, the median of the samples (errors and wraps: summed) */
  median?: Sample
}

export interface TargetCheck {
  kastlex: string
  target: string
  measured: number | null
  limit: number
  /** The limit is an upper bound (≤), else a lower one (≥). */
  atMost: boolean
  met: boolean | null
}

export interface CompareReport {
  machine: MachineInfo
  config: Record<string, string | number | boolean>
  rows: Row[]
  targets: TargetCheck[]
}

const median = (values: Array<number | null>): number | null => {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b)
  if (xs.length === 0) return null
  const mid = xs.length >> 1
  return xs.length % 2 === 1 ? xs[mid] : Math.round((xs[mid - 1] + xs[mid]) / 2 * 1000) / 1000
}

const sum = (values: Array<number | null>): number | null =>
  values.every((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0)

function sumErrors (samples: Sample[]): Sample['errors'] {
  const first = samples[0].errors
  if ('client' in first) return { client: samples.reduce((a, s) => a + ('client' in s.errors ? s.errors.client : 0), 0) }
  const total: WrkErrors = { connect: 0, read: 0, write: 0, timeout: 0, status: 0 }
  for (const s of samples) for (const k of Object.keys(total) as Array<keyof WrkErrors>) total[k] += 'client' in s.errors ? 0 : s.errors[k]
  return total
}

export function summarize (samples: Sample[]): Sample {
  const m = (pick: (s: Sample) => number | null): number | null => median(samples.map(pick))
  return {
    durationSec: m((s) => s.durationSec) ?? 0,
    requestsPerSec: m((s) => s.requestsPerSec),
    producedPerSec: m((s) => s.producedPerSec),
    fetchedPerSec: m((s) => s.fetchedPerSec),
    latencyP50Ms: m((s) => s.latencyP50Ms),
    latencyP99Ms: m((s) => s.latencyP99Ms),
    latencyP999Ms: m((s) => s.latencyP999Ms),
    errors: sumErrors(samples),
    wraps: sum(samples.map((s) => s.wraps)),
    cpuSecPer10k: m((s) => s.cpuSecPer10k),
    cpuUsPerRequest: m((s) => s.cpuUsPerRequest),
    cpuUsMainThread: m((s) => s.cpuUsMainThread),
    cpuUsOtherThreads: m((s) => s.cpuUsOtherThreads),
    peakRssMb: m((s) => s.peakRssMb),
    peakRssScope: samples.every((s) => s.peakRssScope === 'workload') ? 'workload' : 'process'
  }
}

/** The targets of issues 5 and 11, for every KastleX setting measured. */
export function checkTargets (rows: Row[]): TargetCheck[] {
  const ok = (contenderId: string, workload: string): Sample | undefined =>
    rows.find((r) => r.contenderId === contenderId && r.workload === workload && r.status === 'ok')?.median
  const checks: TargetCheck[] = []
  const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
    a != null && b != null && b > 0 ? Math.round(a / b * 100) / 100 : null
  for (const k of [...new Set(rows.filter((r) => r.contenderId.startsWith('kastlex') && r.status === 'ok').map((r) => r.contenderId))]) {
    const name = rows.find((r) => r.contenderId === k)?.contender ?? k
    const add = (target: string, measured: number | null, limit: number, atMost = false): void => {
      checks.push({ kastlex: name, target, measured, limit, atMost, met: measured === null ? null : atMost ? measured <= limit : measured >= limit })
    }
    const p64 = ok(k, 'produce-64')
    add('produce-64 req/s ÷ Strimzi Bridge', ratio(p64?.requestsPerSec, ok('strimzi', 'produce-64')?.requestsPerSec), 3)
    add('produce-64 req/s ÷ kafka-pixy', ratio(p64?.requestsPerSec, ok('pixy', 'produce-64')?.requestsPerSec), 3)
    add('produce-64 req/s ÷ bare uWS', ratio(p64?.requestsPerSec, ok('bare-uws', 'produce-64')?.requestsPerSec), 0.4)
    add('produce-64 p99 ms', p64?.latencyP99Ms ?? null, 25, true)
    // issue 15: one record per request against kafka-pixy, and the gateway's CPU beyond what HTTP and Kafka cost
    for (const workload of ['produce-64', 'produce-256']) {
      const measured = ok(k, workload)
      add(`${workload} req/s ÷ kafka-pixy (issue 15)`, ratio(measured?.requestsPerSec, ok('pixy', workload)?.requestsPerSec), 1.5)
      const floor = sumOf(ok('bare-uws', workload)?.cpuUsPerRequest, ok('direct', workload)?.cpuUsPerRequest)
      add(`${workload} CPU µs per request ÷ (bare uWS + direct producer per record)`, ratio(measured?.cpuUsPerRequest, floor), 1.3, true)
    }
    add('fetch-json records/s ÷ Strimzi Bridge', ratio(ok(k, 'fetch-json')?.fetchedPerSec, ok('strimzi', 'fetch-json')?.fetchedPerSec), 3)
    add('fetch-json p99 ms', ok(k, 'fetch-json')?.latencyP99Ms ?? null, 100, true)
    add('fetch-binary p99 ms', ok(k, 'fetch-binary')?.latencyP99Ms ?? null, 10, true)
    add('produce-256 peak RSS MB', ok(k, 'produce-256')?.peakRssMb ?? null, 250, true)
    // issue 11
    add('fetch-random answers/s', ok(k, 'fetch-random')?.requestsPerSec ?? null, 3000)
    add('fetch-random p99 ms', ok(k, 'fetch-random')?.latencyP99Ms ?? null, 50, true)
    // not an issue target: how much of what the broker and the Fetch client allow the gateway delivers
    add('fetch-random answers/s ÷ direct Fetch', ratio(ok(k, 'fetch-random')?.requestsPerSec, ok('direct-fetch', 'fetch-random')?.requestsPerSec), 0.5)
    add('fetch-fanin p99 ms', ok(k, 'fetch-fanin')?.latencyP99Ms ?? null, 25, true)
    // issue 13: records/s of a batch workload against one-record requests and the Kafka ceiling
    const b100 = ok(k, 'batch-100')
    add('batch-100 records/s ÷ kafka-pixy produce-64 req/s', ratio(b100?.producedPerSec, ok('pixy', 'produce-64')?.requestsPerSec), 3)
    add('batch-100 records/s ÷ direct producer (same records in flight)', ratio(b100?.producedPerSec, ok('direct', 'batch-100')?.producedPerSec), 0.7)
    add('batch-100 p99 ms per batch', b100?.latencyP99Ms ?? null, 50, true)
    add('batch-100 peak RSS MB', b100?.peakRssMb ?? null, 300, true)
    const ws = ok(k, 'ws-produce')
    add('ws-produce records/s ÷ kafka-pixy produce-64 req/s', ratio(ws?.producedPerSec, ok('pixy', 'produce-64')?.requestsPerSec), 3)
    add('ws-produce records/s ÷ direct producer (same records in flight)', ratio(ws?.producedPerSec, ok('direct', 'ws-produce')?.producedPerSec), 0.7)
    add('ws-produce p99 ms per frame', ws?.latencyP99Ms ?? null, 50, true)
    add('ws-produce peak RSS MB', ws?.peakRssMb ?? null, 300, true)
    // not an issue target: ws-produce's p99 is its window's (workloads.ts); this is the stream's own
    const ws100 = ok(k, 'ws-produce-100')
    add('ws-produce-100 records/s ÷ direct producer (same records in flight)', ratio(ws100?.producedPerSec, ok('direct', 'ws-produce-100')?.producedPerSec), 0.7)
    add('ws-produce-100 p99 ms per frame', ws100?.latencyP99Ms ?? null, 50, true)
    // issue 14: 32 streams at 10,000 records/s produced, p99 from produce to receipt ≤ 50 ms; every record
    // reaching every stream of its partition is this benchmark's own check
    const stream = ok(k, 'stream')
    const streamsPerPartition = STREAM_CONSUMERS / PRODUCE_PARTITIONS
    add('stream records/s delivered ÷ (produced × streams per partition)', ratio(stream?.fetchedPerSec, (stream?.producedPerSec ?? 0) * streamsPerPartition), 0.99)
    add('stream p99 ms produce → receipt', stream?.latencyP99Ms ?? null, 50, true)
  }
  return checks
}

const sumOf = (a: number | null | undefined, b: number | null | undefined): number | null => a != null && b != null ? a + b : null

const cell = (v: number | string | null | undefined): string => (v === null || v === undefined ? '–' : String(v))

function errorsCell (e: Sample['errors']): string {
  if ('client' in e) return `${e.client} (client)`
  const total = e.connect + e.read + e.write + e.timeout + e.status
  return total === 0 ? '0' : `${total} (c ${e.connect} / r ${e.read} / w ${e.write} / t ${e.timeout} / status ${e.status})`
}

/** µs per request; KastleX's as "total (main thread + other threads)". */
export function cpuUsCell (s: Pick<Sample, 'cpuUsPerRequest' | 'cpuUsMainThread' | 'cpuUsOtherThreads'>): string {
  if (s.cpuUsPerRequest === null) return '–'
  if (s.cpuUsMainThread === null || s.cpuUsOtherThreads === null) return String(s.cpuUsPerRequest)
  return `${s.cpuUsPerRequest} (${s.cpuUsMainThread} + ${s.cpuUsOtherThreads})`
}

function spread (samples: Sample[], pick: (s: Sample) => number | null): string {
  const xs = samples.map(pick).filter((v): v is number => v !== null)
  return xs.length < 2 ? '' : ` (${Math.min(...xs)}–${Math.max(...xs)})`
}

export function markdown (report: CompareReport, workloads: ReadonlyArray<{ name: string, description: string }>): string {
  const { machine, config } = report
  const lines = [
    `# KastleX comparison benchmark, ${machine.date}`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryMb} MB, ${machine.os}, node ${machine.node}; ` +
      'the load generator, Kafka and the contender share these cores.',
    `Load generator: ${config.wrk}. Kafka: embedded Apache Kafka broker at ${config.kafka} (one node, KRaft). ` +
      `Records of ${config.recordBytes} B (random bytes); produce acks=all; fetch topic pre-filled with ${config.fetchRecordsPerPartition} records on each of its ${config.readers} partitions` +
      (config.fetchBatchBytes === undefined ? '.' : `, in Kafka batches of up to ${config.fetchBatchBytes} B (librdkafka batch.size; a random read costs its whole batch).`),
    `Each workload: ${config.warmupSec} s warm-up, then ${config.durationSec} s measured; ${config.runs} run(s), the contenders taking turns within each run; every cell is the median ` +
      '(requests/s with min–max in brackets; errors and wraps are summed). Compare ratios within one report: the machine is shared and noisy.',
    'CPU = user + system seconds of the contender\'s process per 10 000 requests (records for the direct producer, reads for the direct Fetch), and the same in µs per request; ' +
      'for KastleX split as "total (main thread + other threads)", the other threads being the Kafka workers, librdkafka\'s and libuv\'s (each a median of its own). ' +
      'Peak RSS = VmHWM, reset before each measured run.',
    '',
    '| workload | what |',
    '|---|---|',
    ...workloads.map((w) => `| ${w.name} | ${w.description} |`),
    '',
    '| contender | workload | conns | req/s | produced rec/s | fetched rec/s | p50 ms | p99 ms | p99.9 ms | errors | wraps | CPU s / 10k | CPU µs / req (main + other) | peak RSS MB | note |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|---|'
  ]
  for (const r of report.rows) {
    const m = r.median
    if (r.status !== 'ok' || m === undefined) {
      lines.push(`| ${r.contender} | ${r.workload} | ${r.connections} | – | – | – | – | – | – | – | – | – | – | – | ${r.status}: ${r.note ?? ''} |`)
      continue
    }
    lines.push(`| ${r.version ?? r.contender} | ${r.workload} | ${r.connections} | ${cell(m.requestsPerSec)}${spread(r.samples, (s) => s.requestsPerSec)} | ` +
      `${cell(m.producedPerSec)} | ${cell(m.fetchedPerSec)} | ${cell(m.latencyP50Ms)} | ${cell(m.latencyP99Ms)} | ${cell(m.latencyP999Ms)} | ` +
      `${errorsCell(m.errors)} | ${cell(m.wraps)} | ${cell(m.cpuSecPer10k)} | ${cpuUsCell(m)} | ${cell(m.peakRssMb)} | ` +
      `${m.peakRssScope === 'process' ? 'RSS since start; ' : ''}${r.note ?? ''} |`)
  }
  lines.push('', '| KastleX | target | measured | limit | met |', '|---|---|--:|--:|---|')
  for (const t of report.targets) {
    lines.push(`| ${t.kastlex} | ${t.target} | ${cell(t.measured)} | ${t.atMost ? '≤' : '≥'} ${t.limit} | ${t.met === null ? 'not measured' : t.met ? 'yes' : 'no'} |`)
  }
  return lines.join('\n') + '\n'
}
