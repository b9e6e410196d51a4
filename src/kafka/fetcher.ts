// Stateless fetch by (topic, partition, offset) over one warm librdkafka consumer per thread.
//
// The consumer is assigned (never subscribed: no group is joined, nothing is committed) the partitions
// clients read, and keeps reading ahead into a bounded buffer per partition (src/kafka/partition-stream.ts).
// A client that reads sequentially asks for the offset right after what it got, which the buffer already
// holds (or, when its answer was lost, for the same offset again, kept too): no seek, no offset lookup.
// Any other offset is checked against the log (416) and the partition re-positioned.
//
// Records are pulled in batches by one loop (`pump`) rather than librdkafka's flowing mode: a seek then
// runs between two batches, when no record of the old position can still be on its way to JavaScript
// (librdkafka drops those still queued), so a re-positioned partition never mixes old and new records.
import Kafka from '@platformatic/rdkafka'
import type { KafkaConfig } from '../config.js'
import type { FetchOp, FetchResult, OffsetsOp } from '../pool/messages.js'
import { assignedConsumer } from './assigned-consumer.js'
import { Connection } from './connection.js'
import { fetchReply } from './message-format.js'
import { resolveOffset } from './offset-resolution.js'
import { OpError } from './op-error.js'
import { PartitionStream } from './partition-stream.js'
import { STATISTICS_INTERVAL_MS } from './producer.js'

/**
 * Read-ahead per partition before the consumer pauses it (resumed below half). Smaller leaves more of the
 * consumer's one queue to partitions whose readers wait (32 readers, 4 MB → 1 MB: JSON p99 halved at
 * −1 % records/s, binary unchanged, peak RSS 480 → 270 MB); 512 KB cost 7 % of JSON records/s.
 */
const PAUSE_BYTES = 1024 * 1024
/** Partitions a thread keeps assigned; the least recently used beyond this is released. */
const MAX_STREAMS = 256
/** A partition nobody read for this long is released. */
const IDLE_MS = 60_000
/**
 * Records per batch, and how long a batch waits for the next record (also the longest a seek waits for
 * the pump). With `fetch.wait.max.ms` below it bounds the cost of a seek: 20 and 25 ms → 50 ms per
 * random read, 5 and 10 ms → 20 ms, for +0.75 % of a core in the gateway and +1.5 % in the broker with
 * 32 caught-up partitions idle.
 */
const BATCH_RECORDS = 500
const BATCH_WAIT_MS = 5
/** After a failed batch (e.g. the broker is down), before the next. */
const BATCH_RETRY_MS = 200
export class Fetcher {
  private readonly consumer: Kafka.KafkaConsumer
  private readonly connection: Connection
  private readonly streams = new Map<string, PartitionStream>()
  /** Requests on one partition run one at a time: each may re-position it. */
  private readonly locks = new Map<string, Promise<unknown>>()
  private pumping = false
  private closed = false
  /** Seeks wait here for the gap between two batches. */
  private seeks: Array<() => Promise<void>> = []
  /** Wakes the pump when it sleeps for lack of partitions or seeks. */
  private wakePump: () => void = () => {}
  private pumpStopped: Promise<void> = Promise.resolve()
  private readonly sweeper: NodeJS.Timeout
  /** The latest librdkafka statistics JSON. */
  statistics: string | undefined

  constructor (private readonly config: KafkaConfig) {
    this.consumer = assignedConsumer({
      common: config.common,
      clientId: 'kastlex',
      groupId: 'kastlex-fetch',
      autoOffsetReset: 'error',
      properties: {
        'enable.partition.eof': true,
        // The broker answers a caught-up fetch as soon as data arrives; this bounds how long a seek
        // waits for the fetch already in flight (see BATCH_WAIT_MS).
        'fetch.wait.max.ms': 10,
        'fetch.min.bytes': 1,
        // The queue all partitions share. While it is full librdkafka backs partitions off in an order
        // that starves the last ones (32 JSON readers, 2 s: partition 0 got 21,000 records, partition 31
        // 1,200); a larger queue is full less often (16 → 32 MB: JSON p99 750–1,050 → 380–570 ms at
        // −3 % records/s, +25 MB RSS; 64 MB helped no more).
        'queued.max.messages.kbytes': 32768,
        // With the queue full (the pump is the bottleneck), librdkafka backs every partition off before
        // fetching it again: its default of 1000 ms stalled readers of many partitions for a second
        // (32 sequential readers: 166 → 1,478 requests/s with 10 ms).
        'fetch.queue.backoff.ms': 10,
        // Small per-partition fetches interleave the partitions in the consumer's one queue, so a reader
        // does not wait behind other partitions' megabytes (32 readers, medians of 3: binary p99 242 →
        // 16 ms, JSON p99 4.9 → 2.9 s, at 4 % fewer JSON records/s; 16 KB cost more, 256 KB helped less).
        'max.partition.fetch.bytes': 64 * 1024,
        'statistics.interval.ms': STATISTICS_INTERVAL_MS
      }
    })
    this.connection = new Connection(this.consumer, config.requestTimeoutMs)
    this.connection.ready().catch(() => { /* reported to each request, which retries */ })
    this.consumer.on('data', (message) => this.received(message))
    this.consumer.on('partition.eof', (eof) => this.reachedEnd(eof))
    this.consumer.on('event.stats', (event: { message?: string }) => { this.statistics = event.message })
    this.consumer.setDefaultConsumeTimeout(BATCH_WAIT_MS)
    this.sweeper = setInterval(() => this.releaseIdle(), IDLE_MS / 2).unref()
  }

  async fetch (op: FetchOp): Promise<FetchResult> {
    await this.ready()
    const key = `${op.topic}\u0000${op.partition}`
    return await this.exclusive(key, () => this.fetchExclusive(op, key))
  }

  async offsets (op: OffsetsOp): Promise<{ offset: number }> {
    await this.ready()
    if (op.at.kind === 'exact') return { offset: await this.offsetForTime(op.topic, op.partition, op.at.value) }
    const { lowOffset, highOffset } = await this.watermarks(op.topic, op.partition)
    const resolution = resolveOffset(op.at, lowOffset, highOffset)
    if (resolution.kind === 'outOfRange') throw outOfRange(lowOffset, highOffset)
    return { offset: resolution.kind === 'empty' ? -1 : resolution.offset }
  }

  async close (): Promise<void> {
    clearInterval(this.sweeper)
    this.closed = true
    this.wakePump()
    await this.pumpStopped
    if (!this.consumer.isConnected()) return
    for (const stream of this.streams.values()) stream.wake()
    this.streams.clear()
    // Closing a consumer that still has partitions assigned never returns.
    this.consumer.unassign()
    await new Promise<void>((resolve) => this.consumer.disconnect(() => resolve()))
  }

  private async ready (): Promise<void> {
    await this.connection.ready()
    if (!this.pumping) {
      this.pumping = true
      this.pumpStopped = this.pump()
    }
  }

  /** Pulls batches while partitions are assigned; runs queued seeks between batches. */
  private async pump (): Promise<void> {
    while (!this.closed) {
      const seeks = this.seeks
      if (seeks.length > 0) {
        this.seeks = []
        // Readers that wrap around together (e.g. all at offset 0 again) must not queue behind each other.
        await Promise.all(seeks.map(async (seek) => await seek()))
      } else if (this.streams.size === 0) {
        await new Promise<void>((resolve) => { this.wakePump = resolve })
      } else {
        // node-rdkafka emits 'data' and 'partition.eof' for the batch before calling back.
        const failed = await new Promise<boolean>((resolve) => this.consumer.consume(BATCH_RECORDS, (err) => resolve(Boolean(err))))
        if (failed) await new Promise((resolve) => setTimeout(resolve, BATCH_RETRY_MS))
      }
    }
  }

  private async fetchExclusive (op: FetchOp, key: string): Promise<FetchResult> {
    let stream = this.streams.get(key)
    let offset: number
    let latestKnown = -1
    const requested = op.offset
    if (requested.kind === 'exact' && stream !== undefined && stream.serves(requested.value)) {
      // Sequential read (or the last one again): the offset lies within what this partition has read.
      offset = requested.value
    } else {
      const { lowOffset, highOffset } = await this.watermarks(op.topic, op.partition)
      const resolution = resolveOffset(requested, lowOffset, highOffset)
      if (resolution.kind === 'outOfRange') throw outOfRange(lowOffset, highOffset)
      if (resolution.kind === 'empty') return { reply: fetchReply([], highOffset, op.format), records: 0, bytes: 0 }
      offset = resolution.offset
      latestKnown = highOffset
      stream = await this.position(key, op.topic, op.partition, offset)
    }
    stream.lastUsed = Date.now()
    stream.advanceTo(offset)
    await this.awaitRecords(stream, op, Math.max(latestKnown, this.cachedHighWatermark(stream)))
    // Binary answers with one record: the next ones stay buffered for the reader's next request.
    const records = stream.take(op.maxBytes, op.format.kind === 'binary' ? 1 : Infinity)
    if (stream.paused && stream.bytes < PAUSE_BYTES / 2) {
      this.resume(stream)
      this.wakeLeader(stream)
    }
    const highWatermark = Math.max(latestKnown, this.cachedHighWatermark(stream), stream.cursor)
    return {
      reply: fetchReply(records, highWatermark, op.format),
      records: records.length,
      bytes: records.reduce((sum, record) => sum + (record.key?.length ?? 0) + (record.value?.length ?? 0), 0)
    }
  }

  /**
   * Kafka's long-poll. What the log already holds (below `latest`, up to `max_bytes`, and up to the
   * read-ahead, as a broker's answer is bounded per partition) is always waited for, up to the request
   * timeout, so that a fetch returns what a broker would even with `max_wait_time=0`. Beyond that,
   * answer once `min_bytes` are buffered or `max_wait_time` passed.
   */
  private async awaitRecords (stream: PartitionStream, op: FetchOp, latest: number): Promise<void> {
    const start = Date.now()
    const deadline = start + op.maxWaitMs
    const hardDeadline = start + Math.max(op.maxWaitMs, this.config.requestTimeoutMs)
    for (;;) {
      const caughtUp = stream.complete(latest, op.maxBytes)
      const enough = stream.records.length > 0 ? stream.bytes >= op.minBytes : op.minBytes === 0
      if (caughtUp && enough) return
      const until = caughtUp ? deadline : hardDeadline
      const now = Date.now()
      if (now >= until) return
      await stream.changed(until - now)
    }
  }

  /** The partition's stream, positioned so that `offset` is next (assigning or seeking if needed). */
  private async position (key: string, topic: string, partition: number, offset: number): Promise<PartitionStream> {
    const existing = this.streams.get(key)
    if (existing !== undefined && existing.serves(offset)) return existing
    if (existing === undefined) {
      this.releaseOverCapacity()
      const stream = new PartitionStream(topic, partition, offset)
      this.streams.set(key, stream)
      try {
        this.consumer.incrementalAssign([{ topic, partition, offset }])
      } catch (err) {
        this.streams.delete(key)
        throw OpError.fromKafka(err)
      }
      this.wakePump()
      return stream
    }
    existing.reset(offset)
    try {
      await new Promise<void>((resolve, reject) => {
        this.seeks.push(async () => await new Promise<void>((done) => {
          this.consumer.seek({ topic, partition, offset }, this.config.requestTimeoutMs, (err) => {
            if (err) reject(OpError.fromKafka(err))
            else resolve()
            done()
          })
        }))
        this.wakePump()
      })
    } catch (err) {
      this.release(key, existing)
      throw err
    }
    if (existing.paused) this.resume(existing)
    this.wakeLeader(existing)
    return existing
  }

  private resume (stream: PartitionStream): void {
    this.consumer.resume([{ topic: stream.topic, partition: stream.partition }])
    stream.paused = false
  }

  /**
   * librdkafka wakes the leader's broker thread neither on resume() nor on a seek of a partition that is
   * already fetching: with nothing else to fetch that thread sleeps up to a second before it fetches
   * the partition again (1 MB read-ahead, 32 binary readers: p99 49–81 ms without this, 8–11 ms with).
   * Any request to that broker wakes it; a watermark query is the cheapest, and its answer is not needed.
   */
  private wakeLeader (stream: PartitionStream): void {
    this.consumer.queryWatermarkOffsets(stream.topic, stream.partition, this.config.requestTimeoutMs, () => {})
  }

  private received (message: Kafka.Message): void {
    const stream = this.streams.get(`${message.topic}\u0000${message.partition}`)
    if (stream === undefined || message.offset < stream.nextOffset) return
    stream.push(message)
    if (!stream.paused && stream.bytes > PAUSE_BYTES) {
      this.consumer.pause([{ topic: stream.topic, partition: stream.partition }])
      stream.paused = true
    }
  }

  private reachedEnd (eof: Kafka.EofEvent): void {
    const stream = this.streams.get(`${eof.topic}\u0000${eof.partition}`)
    if (stream === undefined || eof.offset < stream.nextOffset) return
    // An end beyond nextOffset is real only after records of the current position (compaction or
    // transaction markers leave gaps); right after a seek back it is the old position's end.
    if (eof.offset > stream.nextOffset && !stream.receivedSinceReset) return
    stream.atEnd = true
    stream.wake()
  }

  private cachedHighWatermark (stream: PartitionStream): number {
    try {
      return this.consumer.getWatermarkOffsets(stream.topic, stream.partition).highOffset
    } catch {
      return -1
    }
  }

  private watermarks (topic: string, partition: number): Promise<Kafka.WatermarkOffsets> {
    return new Promise((resolve, reject) => {
      this.consumer.queryWatermarkOffsets(topic, partition, this.config.requestTimeoutMs, (err, offsets) => {
        if (err) reject(OpError.fromKafka(err))
        else resolve(offsets)
      })
    })
  }

  private offsetForTime (topic: string, partition: number, timestamp: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.consumer.offsetsForTimes([{ topic, partition, offset: timestamp }], this.config.requestTimeoutMs, (err, offsets) => {
        if (err) reject(OpError.fromKafka(err))
        else resolve(Math.max(offsets[0]?.offset ?? -1, -1))
      })
    })
  }

  private async exclusive<T> (key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve()
    const current = previous.then(work, work)
    const settled = current.catch(() => {})
    this.locks.set(key, settled)
    void settled.then(() => { if (this.locks.get(key) === settled) this.locks.delete(key) })
    return await current
  }

  private release (key: string, stream: PartitionStream): void {
    this.streams.delete(key)
    stream.wake()
    try {
      this.consumer.incrementalUnassign([{ topic: stream.topic, partition: stream.partition }])
    } catch { /* already gone with the topic */ }
  }

  private releaseIdle (): void {
    const cutoff = Date.now() - IDLE_MS
    for (const [key, stream] of this.streams) {
      if (stream.lastUsed < cutoff && !this.locks.has(key)) this.release(key, stream)
    }
  }

  private releaseOverCapacity (): void {
    if (this.streams.size < MAX_STREAMS) return
    let oldest: [string, PartitionStream] | undefined
    for (const entry of this.streams) {
      if (this.locks.has(entry[0])) continue
      if (oldest === undefined || entry[1].lastUsed < oldest[1].lastUsed) oldest = entry
    }
    if (oldest !== undefined) this.release(...oldest)
  }
}

function outOfRange (earliest: number, latest: number): OpError {
  return new OpError('offset_out_of_range', { earliest, latest })
}
