// The records a read_committed consumer sees in one partition of a Kafka Fetch answer: the raw record
// batches minus control batches (transaction markers) and the batches of aborted transactions, as the
// Java consumer filters them (the broker sends those; filtering is the client's job).
import type { FetchedRecord } from '../message-format.js'

/** Batch attributes (KIP-98): bit 3 log-append time, bit 4 transactional, bit 5 control. */
const LOG_APPEND_TIME = 0x08
const TRANSACTIONAL = 0x10
const CONTROL = 0x20

/** What this module reads of @platformatic/kafka's RecordsBatch. */
export interface RawBatch {
  readonly firstOffset: bigint
  readonly attributes: number
  readonly lastOffsetDelta: number
  readonly firstTimestamp: bigint
  readonly maxTimestamp: bigint
  readonly producerId: bigint
  readonly records: ReadonlyArray<{
    readonly offsetDelta: number
    readonly timestampDelta: bigint
    readonly key: Buffer | null
    readonly value: Buffer | null
    readonly headers: ReadonlyArray<readonly [Buffer | null, Buffer | null]>
  }>
}

export interface AbortedTransaction { readonly producerId: bigint, readonly firstOffset: bigint }

export interface DecodedRecords {
  /**
   * Where the first batch received starts (at or before the offset asked for: the broker sends whole
   * batches), or the offset asked for when none came.
   */
  readonly start: number
  /** Records of [start, end), in log order. */
  readonly records: FetchedRecord[]
  /** The offset after the last batch received: everything in [start, end) is known (records or gaps). */
  readonly end: number
}

/** An abort marker's control record key: version (int16) then type (int16), 0 = abort. */
function isAbortMarker (batch: RawBatch): boolean {
  const key = batch.records[0]?.key
  return key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === 0
}

/**
 * A copy of bytes the client decoded as a view of the socket chunk they arrived in: a cached record must
 * hold its own bytes, not the whole chunk (a 1 KB record kept a 64 KB chunk alive, beyond the budget).
 */
const owned = (bytes: Buffer | null): Buffer | null => bytes === null ? null : Buffer.from(bytes)

export function decodeBatches (batches: readonly RawBatch[], aborted: readonly AbortedTransaction[], from: number): DecodedRecords {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
  const abortedProducers = new Set<bigint>()
  const records: FetchedRecord[] = []
  const start = Math.min(from, batches.length === 0 ? from : Number((batches[0] as RawBatch).firstOffset))
  let end = from
  for (const batch of batches) {
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta)
    end = Math.max(end, Number(lastOffset) + 1)
    while (pending.length > 0 && (pending[0] as AbortedTransaction).firstOffset <= lastOffset) {
      abortedProducers.add((pending.shift() as AbortedTransaction).producerId)
    }
    if ((batch.attributes & CONTROL) !== 0) {
      if (isAbortMarker(batch)) abortedProducers.delete(batch.producerId)
      continue
    }
    if ((batch.attributes & TRANSACTIONAL) !== 0 && abortedProducers.has(batch.producerId)) continue
    const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0
    for (const record of batch.records) {
      records.push({
        offset: Number(batch.firstOffset) + record.offsetDelta,
        key: owned(record.key),
        value: owned(record.value),
        timestamp: Number(logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + record.timestampDelta),
        headers: record.headers.map(([name, value]) => ({ [name?.toString('utf8') ?? '']: owned(value) }))
      })
    }
  }
  return { start, records, end }
}
