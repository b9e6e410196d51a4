// The gateway's Prometheus metrics (SPEC §8), on prom-client. Everything counted here is known on the
// main thread: workers report records and bytes with each result, and pool state is read at scrape time.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { combineStats, EMPTY_STATS } from '../kafka/client-stats.js'
import type { PoolStats } from '../pool/kafka-client.js'
import type { ClientStats, CommittedOffsetSample, TailProgress } from '../pool/messages.js'
import { renderOffsetFamilies, type PartitionOffsets } from './offset-families.js'
import { TrafficFamilies } from './traffic-families.js'

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export class GatewayMetrics {
  readonly registry = new Registry()
  /** Requests, produced and fetched records, outside the registry (traffic-families.ts). */
  private readonly traffic = new TrafficFamilies()
  /** The offset families as of the last offsets refresh (offset-families.ts), outside the registry. */
  private offsetFamilies = familiesBytes(renderOffsetFamilies({ forEach: () => {}, get: () => undefined }, []))
  private readonly skippedRecords: Counter<'reason'>
  private readonly skippedSeen = new Map<string, number>()
  private readonly tailRecords: Counter
  private tailRecordsSeen = 0
  private readonly tailCaughtUp: Gauge
  private readonly tailCatchUpSeconds: Gauge

  /** `clients` gathers the librdkafka statistics of every worker (at scrape time). */
  constructor (pool: () => PoolStats, clients: () => Promise<readonly ClientStats[]>) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    this.skippedRecords = new Counter({ name: 'kastlex_consumer_offsets_skipped_total', help: '__consumer_offsets records not decoded', labelNames: ['reason'], registers })
    this.tailRecords = new Counter({ name: 'kastlex_offsets_tail_records_total', help: '__consumer_offsets records read by the offsets tail', registers })
    this.tailCaughtUp = new Gauge({ name: 'kastlex_offsets_tail_caught_up', help: '1 once the offsets tail has read every partition up to its end at start', registers })
    this.tailCatchUpSeconds = new Gauge({ name: 'kastlex_offsets_tail_catch_up_seconds', help: 'Seconds the offsets tail took to catch up (0 until it has)', registers })
    const poolGauge = (name: string, help: string, read: (stats: PoolStats) => number): Gauge =>
      new Gauge({ name, help, registers, collect () { this.set(read(pool())) } })
    poolGauge('kastlex_worker_pool_size', 'Kafka worker threads', (stats) => stats.size)
    poolGauge('kastlex_worker_pool_queue_depth', 'Kafka operations waiting for a worker', (stats) => stats.queueDepth)
    poolGauge('kastlex_worker_pool_utilization', 'Busy Kafka workers ÷ pool size', (stats) => stats.utilization)

    // One gathering per scrape, shared by the four librdkafka gauges (prom-client collects them in turn).
    let gathering: Promise<ClientStats> | undefined
    const gathered = (): Promise<ClientStats> => {
      gathering ??= clients().then(combineStats, () => EMPTY_STATS).finally(() => { setImmediate(() => { gathering = undefined }) })
      return gathering
    }
    const clientGauge = (name: string, help: string, read: (stats: ClientStats) => number): Gauge =>
      new Gauge({ name, help, registers, async collect () { this.set(read(await gathered())) } })
    clientGauge('kastlex_producer_queue_messages', 'Messages in the librdkafka producer queues, all workers', (s) => s.producerQueueMessages)
    clientGauge('kastlex_producer_queue_bytes', 'Bytes in the librdkafka producer queues, all workers', (s) => s.producerQueueBytes)
    clientGauge('kastlex_fetch_queue_messages', 'Records the fetch path holds read ahead (read cache), all workers', (s) => s.fetchQueueMessages)
    new Gauge({
      name: 'kastlex_broker_rtt_seconds',
      help: 'Average broker round-trip time seen by the producers (librdkafka statistics)',
      labelNames: ['broker'],
      registers,
      async collect () {
        this.reset()
        for (const [broker, seconds] of (await gathered()).brokerRtt) this.set({ broker }, seconds)
      }
    })
  }

  /** `kastlex_streams_active` (SPEC §8): open streams per transport, read at scrape time. */
  streamsActive<T extends string> (transports: readonly T[], read: (transport: T) => number): void {
    new Gauge({
      name: 'kastlex_streams_active',
      help: 'Open streams',
      labelNames: ['transport'],
      registers: [this.registry],
      collect () { for (const transport of transports) this.set({ transport }, read(transport)) }
    })
  }

  /** Request body bytes held now (SPEC §10.6a), read at scrape time. */
  bodyBytesInFlight (read: () => number): void {
    new Gauge({ name: 'kastlex_http_request_body_bytes_in_flight', help: 'Request body bytes reserved by requests not yet ended', registers: [this.registry], collect () { this.set(read()) } })
  }

  request (method: string, route: string, status: number, seconds: number): void {
    this.traffic.request(method, route, status, seconds)
  }

  produced (topic: string, bytes: number, records = 1): void {
    this.traffic.produce(topic, records, bytes)
  }

  fetched (topic: string, records: number, bytes: number): void {
    if (records === 0) return
    this.traffic.fetch(topic, records, bytes)
  }

  /** The whole Prometheus text: the registry's, the traffic families, then the offset families. */
  async text (): Promise<Buffer> {
    return Buffer.concat([Buffer.from(`${await this.registry.metrics()}\n${this.traffic.render()}`), this.offsetFamilies])
  }

  /** Replaces the offset series with the latest refresh: series of deleted topics and groups disappear. */
  offsets (highWatermarks: PartitionOffsets, committed: readonly CommittedOffsetSample[]): void {
    this.offsetFamilies = familiesBytes(renderOffsetFamilies(highWatermarks, committed))
  }

  /** The offsets tail's progress as it reports it (running totals). */
  tail ({ records, caughtUp }: TailProgress): void {
    if (records > this.tailRecordsSeen) this.tailRecords.inc(records - this.tailRecordsSeen)
    this.tailRecordsSeen = records
    if (caughtUp === undefined) return
    this.tailCaughtUp.set(1)
    this.tailCatchUpSeconds.set(caughtUp.seconds)
  }

  /** Counts of skipped records as the offsets tail reports them (running totals). */
  skipped (totals: ReadonlyArray<readonly [string, number]>): void {
    for (const [reason, total] of totals) {
      const added = total - (this.skippedSeen.get(reason) ?? 0)
      if (added > 0) this.skippedRecords.inc({ reason }, added)
      this.skippedSeen.set(reason, total)
    }
  }
}

/**
 * The families as the bytes a scrape sends: encoded once per refresh, so that a scrape copies bytes instead of
 * joining and flattening a string of megabytes in V8's heap, where it would stay until a full collection.
 */
function familiesBytes (text: string): Buffer {
  return Buffer.from(`${text}\n`)
}
