// Stateless fetch by (topic, partition, offset) (SPEC §4.8, §5): each answer is built from the records
// the log holds from the offset asked, read by Kafka Fetch requests of its own or from the read cache
// those requests filled. No consumer position is shared between readers, so no reader ever waits behind
// another's seek or sees records of another reader's position (README, Architecture).
import type { KafkaConfig } from '../config.js'
import type { FetchedRecord, FetchOp, FetchResult, OffsetsOp } from '../pool/messages.js'
import { BrokerReader, type PartitionRead, type ReadLimits } from './fetch/broker-reader.js'
import { ExpectedOffsets } from './fetch/expected-offsets.js'
import { FetchAnswer } from './fetch/fetch-answer.js'
import { ReadCache } from './fetch/read-cache.js'
import { resolveOffset } from './offset-resolution.js'
import { OpError } from './op-error.js'

/**
 * Bytes asked of the broker when a read continues a cached run (a sequential reader: what it will ask
 * next is fetched with it), and when it does not (random access: little read-ahead is wasted, though
 * the broker always returns at least the whole batch holding the offset).
 */
const READ_AHEAD_BYTES = 512 * 1024
const RANDOM_READ_BYTES = 16 * 1024
/**
 * A sequential reader (one asking for the offset right after an earlier answer) finds this much cached
 * beyond its answer: below it, the next run is read in the background, so that its next requests do not
 * wait for the broker.
 */
const READ_AHEAD_LOW_BYTES = 256 * 1024
/** Offsets right after recent answers (where sequential readers will ask next) remembered per partition. */
const EXPECTED_PER_PARTITION = 128

/** A fetch's records and the high watermark to report with them, encoded where the op runs (pool/service.ts). */
export interface FetchedRecords extends Omit<FetchResult, 'encoded'> {
  readonly fetched: readonly FetchedRecord[]
  readonly highWatermark: number
}

/** A broker read under way and its number among the reads sent (Fetcher.readsSent). */
interface SharedRead {
  readonly seq: number
  readonly result: Promise<PartitionRead>
}

export class Fetcher {
  private readonly reader: BrokerReader
  private readonly cache: ReadCache
  /** Broker reads under way, by partition, offset and limits: identical misses share one. */
  private readonly reading = new Map<string, SharedRead>()
  /** Broker reads sent so far (a read's `seq` is its number). */
  private readsSent = 0
  /** Offsets right after recent answers, per partition: a fetch at one of them is a sequential reader's. */
  private readonly expected = new ExpectedOffsets(EXPECTED_PER_PARTITION)

  constructor (private readonly config: KafkaConfig, bufferBytes: number) {
    this.reader = new BrokerReader(config)
    this.cache = new ReadCache(bufferBytes)
  }

  async fetch (op: FetchOp): Promise<FetchedRecords> {
    const deadline = Date.now() + op.maxWaitMs + this.config.requestTimeoutMs
    const partition = `${op.topic}\u0000${op.partition}`
    let cursor: number
    if (op.offset.kind === 'exact') {
      // Checked by the broker (offset_out_of_range), or known to lie in a cached run.
      cursor = op.offset.value
    } else {
      const { earliest, latest } = await this.reader.watermarks(op.topic, op.partition, deadline)
      const resolution = resolveOffset(op.offset, earliest, latest)
      if (resolution.kind === 'outOfRange') throw outOfRange(earliest, latest)
      if (resolution.kind === 'empty') return { fetched: [], highWatermark: latest, records: 0, bytes: 0, next: latest }
      cursor = resolution.offset
    }
    const sequential = this.expected.take(partition, cursor)
    const answer = new FetchAnswer(op.maxBytes, op.format.kind === 'binary' ? 1 : Infinity)
    // Kafka answers min_bytes above max_bytes as soon as max_bytes are there.
    const minBytes = Math.min(op.minBytes, op.maxBytes)
    let lastStable = this.cache.lastStable(partition)
    let waited = false
    // The cache's last stable offset is what an earlier fetch saw: an answer that is not full asks the broker
    // at least once, so that records written since are answered and the high watermark is current. A shared
    // read sent before this request began may have been answered before a record acknowledged by then was
    // written: only a read sent after it counts.
    const sentBefore = this.readsSent
    let askedBroker = false
    for (;;) {
      cursor = this.fromCache(partition, cursor, answer)
      if (answer.full) break
      let limits: ReadLimits
      const onward = sequential || this.cache.endsAt(partition, cursor)
      const readBytes = Math.max(onward ? READ_AHEAD_BYTES : RANDOM_READ_BYTES, answer.room)
      // A random read decodes only what its answer takes: the rest of the batch would not be read again.
      const decodeBytes = onward ? Infinity : answer.wanted
      if (cursor < lastStable) {
        // The log holds more than the cache: read it now.
        limits = { maxWaitMs: 0, minBytes: 1, maxBytes: readBytes, decodeBytes }
      } else if (!waited && (answer.count === 0 || answer.bytes < minBytes)) {
        // Kafka's long poll: the broker answers once min_bytes are there or max_wait_time passed.
        limits = { maxWaitMs: op.maxWaitMs, minBytes: minBytes - answer.bytes, maxBytes: readBytes, decodeBytes }
        waited = true
      } else if (!askedBroker) {
        limits = { maxWaitMs: 0, minBytes: 1, maxBytes: readBytes, decodeBytes }
      } else {
        break
      }
      const { read, seq } = await this.read(op.topic, op.partition, partition, cursor, limits, deadline)
      const fresh = seq > sentBefore
      if (fresh) askedBroker = true
      lastStable = Math.max(lastStable, read.lastStable)
      answer.addFrom(read.records, cursor)
      const next = answer.full ? answer.next : read.end
      if (next <= cursor && limits.maxWaitMs === 0 && fresh) break
      cursor = next
    }
    if (answer.count > 0) {
      this.expected.add(partition, answer.next)
      if (sequential) this.readAhead(op.topic, op.partition, partition, answer.next, lastStable)
    }
    return {
      fetched: answer.records,
      highWatermark: Math.max(lastStable, answer.next),
      records: answer.count,
      bytes: answer.payloadBytes,
      // The cursor passed what read_committed left out after the last record; a full answer stops at it.
      next: answer.full ? answer.next : Math.max(cursor, answer.next)
    }
  }

  async offsets (op: OffsetsOp): Promise<{ offset: number }> {
    const deadline = Date.now() + this.config.requestTimeoutMs
    if (op.at.kind === 'exact') {
      return { offset: Math.max(await this.reader.listOffset(op.topic, op.partition, BigInt(op.at.value), deadline), -1) }
    }
    const { earliest, latest } = await this.reader.watermarks(op.topic, op.partition, deadline)
    const resolution = resolveOffset(op.at, earliest, latest)
    if (resolution.kind === 'outOfRange') throw outOfRange(earliest, latest)
    return { offset: resolution.kind === 'empty' ? -1 : resolution.offset }
  }

  /** Records held in the read cache (the metrics' read-ahead). */
  get cachedRecords (): number { return this.cache.records }

  async close (): Promise<void> {
    await this.reader.close()
  }

  /** Adds the cached records from `cursor` on (across adjacent runs); returns the offset after them. */
  private fromCache (partition: string, cursor: number, answer: FetchAnswer): number {
    for (;;) {
      if (answer.full) return cursor
      const run = this.cache.find(partition, cursor)
      if (run === undefined) return cursor
      answer.addFrom(run.records, cursor)
      cursor = answer.full ? answer.next : run.end
    }
  }

  /** Starts reading the next run when less than READ_AHEAD_LOW_BYTES are cached after `offset` (nothing waits for it). */
  private readAhead (topic: string, partitionNumber: number, partition: string, offset: number, lastStable: number): void {
    const { end, bytes } = this.cache.ahead(partition, offset, READ_AHEAD_LOW_BYTES)
    if (bytes >= READ_AHEAD_LOW_BYTES || end >= lastStable) return
    const limits = { maxWaitMs: 0, minBytes: 1, maxBytes: READ_AHEAD_BYTES }
    this.read(topic, partitionNumber, partition, end, limits, Date.now() + this.config.requestTimeoutMs).catch(() => {})
  }

  /**
   * One broker read into the cache, shared by identical concurrent reads, with its `seq`; a read past the
   * log's end is a 416.
   */
  private async read (topic: string, partitionNumber: number, partition: string, offset: number, limits: ReadLimits, deadline: number): Promise<{ read: PartitionRead, seq: number }> {
    // A read sharing another's may get fewer bytes than it asked: the caller then reads on.
    const key = `${partition}\u0000${offset}\u0000${limits.maxWaitMs}\u0000${limits.minBytes}\u0000${limits.decodeBytes ?? Infinity}`
    let shared = this.reading.get(key)
    if (shared === undefined) {
      const started: SharedRead = {
        seq: ++this.readsSent,
        result: this.reader.read(topic, partitionNumber, offset, limits, deadline).then((read) => {
          this.cache.add(partition, { start: read.start, end: read.end, records: read.records }, read.lastStable)
          return read
        })
      }
      shared = started
      this.reading.set(key, started)
      void started.result.catch(() => {}).finally(() => this.reading.delete(key))
    }
    try {
      return { read: await shared.result, seq: shared.seq }
    } catch (err) {
      if (!(err instanceof OpError) || err.error !== 'offset_out_of_range') throw err
      const { earliest, latest } = await this.reader.watermarks(topic, partitionNumber, deadline)
      throw outOfRange(earliest, latest)
    }
  }
}

function outOfRange (earliest: number, latest: number): OpError {
  return new OpError('offset_out_of_range', { earliest, latest })
}
