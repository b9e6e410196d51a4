// One gateway against a prepared broker: start-to-ready, the offsets tail's catch-up, idle RSS, and what
// the /metrics and /api/v1/topics answers cost at this size.
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { startGateway } from '../gateway.js'
import { request } from '../http.js'
import { GROUP_PREFIX, type ScaleSize } from './fill.js'

const POLL_MS = 500
const CATCH_UP_TIMEOUT_MS = 600_000
/** After the catch-up, before idle RSS is read. */
export const SETTLE_MS = 5_000
/**
 * After the catch-up, before the settled idle RSS is read: V8 collects an idle heap's garbage only after
 * several seconds without allocation (its memory reducer), so at SETTLE_MS the RSS still holds some of the
 * catch-up's and the scrapes' (131-169 MB over ten runs of `large`, against 130-145 MB 15-70 s later).
 */
export const SETTLED_MS = 30_000
const SCRAPES = 3

export interface Answer { readonly bytes: number, readonly ms: number }

export interface Measurement {
  readonly readySec: number
  /** The tail's own figures (kastlex_offsets_tail_*), null where the gateway has none (before issue 15). */
  readonly tailCatchUpSec: number | null
  readonly tailRecords: number | null
  readonly tailRecordsPerSec: number | null
  /** From spawn until /metrics showed every group's last commit (resolution: the offsets refresh interval). */
  readonly observedCatchUpSec: number
  readonly rssAtReadyMb: number | null
  readonly peakRssMb: number | null
  readonly idleRssMb: number | null
  /** VmRSS SETTLED_MS after the catch-up, the answers below included; null before this field existed. */
  readonly settledRssMb: number | null
  /** When idle: V8's heap (used, total) and memory outside it held by JavaScript objects (Buffers), from /metrics. */
  readonly heapUsedMb: number | null
  readonly heapTotalMb: number | null
  readonly externalMb: number | null
  /** Median of SCRAPES answers. */
  readonly metrics: Answer
  readonly topics: Answer
  /** Series per metric family in /metrics, the largest first. */
  readonly series: Record<string, number>
}

export interface GatewaySetup { readonly root: string, readonly port: number, readonly workers: number, readonly kafka: string }

export async function measure (setup: GatewaySetup, size: ScaleSize): Promise<Measurement> {
  const started = Date.now()
  const gateway = await startGateway(setup)
  try {
    const readySec = (Date.now() - started) / 1000
    const rssAtReadyMb = rssMb(gateway.pid)
    // every group's last commit (offset `commits`) of every partition it owns
    const expected = size.topics * size.partitions
    const committed = new RegExp(`^kafka_consumer_group_offset\\{consumer_group="${GROUP_PREFIX}\\d+",[^}]*\\} ${size.commits}$`, 'gm')
    let text = ''
    while ((text.match(committed)?.length ?? 0) < expected) {
      gateway.assertAlive('while the offsets tail caught up')
      if (Date.now() - started > CATCH_UP_TIMEOUT_MS) throw new Error(`the offsets tail did not catch up within ${CATCH_UP_TIMEOUT_MS / 1000} s`)
      await sleep(POLL_MS)
      text = (await get(setup.port, '/metrics')).text
    }
    const caughtUpAt = Date.now()
    const observedCatchUpSec = (caughtUpAt - started) / 1000
    const peakRssMb = gateway.peakRssMb()
    await sleep(SETTLE_MS)
    const scrapes = []
    for (let i = 0; i < SCRAPES; i++) scrapes.push(await get(setup.port, '/metrics'))
    const topics = []
    for (let i = 0; i < SCRAPES; i++) topics.push(await get(setup.port, '/api/v1/topics'))
    const last = scrapes[scrapes.length - 1].text
    const idleRssMb = rssMb(gateway.pid)
    await sleep(Math.max(0, caughtUpAt + SETTLED_MS - Date.now()))
    const settledRssMb = rssMb(gateway.pid)
    const tailCatchUpSec = gauge(last, 'kastlex_offsets_tail_caught_up') === 1 ? gauge(last, 'kastlex_offsets_tail_catch_up_seconds') : null
    const tailRecords = gauge(last, 'kastlex_offsets_tail_records_total')
    return {
      readySec,
      tailCatchUpSec,
      tailRecords,
      tailRecordsPerSec: tailCatchUpSec !== null && tailRecords !== null && tailCatchUpSec > 0 ? Math.round(tailRecords / tailCatchUpSec) : null,
      observedCatchUpSec,
      rssAtReadyMb,
      peakRssMb,
      idleRssMb,
      settledRssMb,
      heapUsedMb: megabytes(gauge(last, 'nodejs_heap_size_used_bytes')),
      heapTotalMb: megabytes(gauge(last, 'nodejs_heap_size_total_bytes')),
      externalMb: megabytes(gauge(last, 'nodejs_external_memory_bytes')),
      metrics: median(scrapes),
      topics: median(topics),
      series: seriesPerFamily(last)
    }
  } finally {
    await gateway.stop()
  }
}

async function get (port: number, path: string): Promise<Answer & { text: string }> {
  const t0 = performance.now()
  const res = await request(port, { path, timeoutMs: 60_000 })
  const ms = Math.round((performance.now() - t0) * 10) / 10
  if (res.status !== 200) throw new Error(`GET ${path}: status ${res.status}`)
  return { bytes: res.body.length, ms, text: res.body.toString('utf8') }
}

const median = (answers: ReadonlyArray<Answer>): Answer => {
  const sorted = [...answers].sort((a, b) => a.ms - b.ms)
  return { bytes: sorted[sorted.length >> 1].bytes, ms: sorted[sorted.length >> 1].ms }
}

/** The value of an unlabelled series, or null when absent. */
function gauge (text: string, name: string): number | null {
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]
  return value === undefined ? null : Number(value)
}

const megabytes = (bytes: number | null): number | null => bytes === null ? null : Math.round(bytes / 2 ** 20 * 10) / 10

function seriesPerFamily (text: string): Record<string, number> {
  const counts = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const name = /^[^{ ]+/.exec(line)?.[0] ?? line
    counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]))
}

/** VmRSS in MB, or null where /proc is unavailable. */
function rssMb (pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? null : Math.round(Number(kb) / 102.4) / 10
  } catch {
    return null
  }
}
