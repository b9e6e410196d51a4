// The records a read_committed consumer sees in one partition of a Kafka Fetch answer, read straight
// from the answer's record bytes (message format v2): control batches (transaction markers) and the
// batches of aborted transactions are left out, as the Java consumer filters them (the broker sends
// those; filtering is the client's job).
//
// The broker always sends whole batches, and a producer's batch holds hundreds of records: a random read
// that wants one record would otherwise decode all of them. Batches wholly before the offset asked for
// are stepped over by their length, records before it by their varint lengths, and decoding stops once
// the records taken reach `decodeBytes`. Only the records taken are copied out of the answer (one copy
// per record), so that a cached record does not keep the whole socket chunk alive. CRCs are not checked
// (the library did not either; TCP and the broker's own checks cover the transfer).
import type { FetchedRecord } from '../message-format.js'
import { OpError } from '../op-error.js'

/** Batch attributes (KIP-98): bits 0–2 compression codec, bit 3 log-append time, bit 4 transactional, bit 5 control. */
const COMPRESSION = 0x07
const LOG_APPEND_TIME = 0x08
const TRANSACTIONAL = 0x10
const CONTROL = 0x20

/** Byte positions in a v2 batch: base offset (int64), length of the rest (int32), … then the records. */
const LENGTH_AT = 8
const LOG_OVERHEAD = 12
const ATTRIBUTES_AT = 21
const LAST_OFFSET_DELTA_AT = 23
const FIRST_TIMESTAMP_AT = 27
const MAX_TIMESTAMP_AT = 35
const PRODUCER_ID_AT = 43
const RECORD_COUNT_AT = 57
const RECORDS_AT = 61

/** Counted per record besides key and value, as max_bytes counts (read-cache.ts's recordBytes). */
const RECORD_OVERHEAD_BYTES = 8

export interface AbortedTransaction { readonly producerId: bigint, readonly firstOffset: bigint }

/** A compressed batch's records section → its uncompressed bytes. */
export type Decompress = (codec: number, compressed: Buffer) => Buffer

/** Decompression by codec number through the library's codecs (its compressionsAlgorithmsByBitmask). */
export function decompressWith (codecs: Readonly<Record<number, { decompressSync: (data: Buffer) => Buffer } | undefined>>): Decompress {
  return (codec, compressed) => {
    const algorithm = codecs[codec]
    if (algorithm === undefined) throw new OpError('unsupported_compression_type')
    return algorithm.decompressSync(compressed)
  }
}

export interface DecodedRecords {
  /** The offset asked for. */
  readonly start: number
  /** Records of [start, end), in log order. */
  readonly records: FetchedRecord[]
  /**
   * The offset after the last batch read, or after the last record taken when decoding stopped at
   * `decodeBytes`: everything in [start, end) is known (records or gaps).
   */
  readonly end: number
}

const NO_HEADERS: FetchedRecord['headers'] = Object.freeze([])

/** Reads the signed (zigzag) and unsigned varints of a record; positions beyond `limit` are malformed. */
class VarintReader {
  position = 0
  constructor (readonly bytes: Buffer) {}

  unsigned (): number {
    let value = 0
    let scale = 1
    let byte: number
    do {
      byte = this.bytes[this.position++] as number
      if (byte === undefined) throw new Error('record batch: truncated varint')
      value += (byte & 0x7f) * scale
      scale *= 128
    } while ((byte & 0x80) !== 0)
    return value
  }

  signed (): number {
    const zigzag = this.unsigned()
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2
  }
}

/** The bytes of a record's key, value or header: their start in the batch body, −1 for null. */
interface Span { start: number, length: number }

interface LocatedRecord {
  readonly offset: number
  readonly timestamp: number
  readonly key: Span
  readonly value: Span
  readonly headers: ReadonlyArray<readonly [Span, Span]>
}

function span (reader: VarintReader): Span {
  const length = reader.signed()
  if (length < 0) return { start: -1, length: 0 }
  const start = reader.position
  reader.position += length
  if (reader.position > reader.bytes.length) throw new Error('record batch: record runs past its batch')
  return { start, length }
}

/** The batch's records section, uncompressed. */
function recordsOf (bytes: Buffer, batchStart: number, batchEnd: number, attributes: number, decompress: Decompress): Buffer {
  const section = bytes.subarray(batchStart + RECORDS_AT, batchEnd)
  const codec = attributes & COMPRESSION
  return codec === 0 ? section : decompress(codec, section)
}

/** An abort marker's control record key: version (int16) then type (int16), 0 = abort. */
function isAbortMarker (records: Buffer): boolean {
  const reader = new VarintReader(records)
  reader.signed() // length
  reader.position++ // attributes
  reader.signed() // timestamp delta
  reader.signed() // offset delta
  const key = span(reader)
  return key.start >= 0 && key.length >= 4 && records.readInt16BE(key.start + 2) === 0
}

export function decodeBatches (bytes: Buffer, aborted: readonly AbortedTransaction[], from: number, decodeBytes: number, decompress: Decompress): DecodedRecords {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
  const abortedProducers = new Set<bigint>()
  const records: FetchedRecord[] = []
  let taken = 0
  let end = from
  for (let at = 0; at + LOG_OVERHEAD <= bytes.length;) {
    const batchEnd = at + LOG_OVERHEAD + bytes.readInt32BE(at + LENGTH_AT)
    // The broker cuts its answer at max_bytes, possibly inside a batch.
    if (batchEnd > bytes.length || batchEnd < at + RECORDS_AT) break
    const firstOffset = Number(bytes.readBigInt64BE(at))
    const attributes = bytes.readInt16BE(at + ATTRIBUTES_AT)
    const lastOffset = firstOffset + bytes.readInt32BE(at + LAST_OFFSET_DELTA_AT)
    const producerId = bytes.readBigInt64BE(at + PRODUCER_ID_AT)
    const batchStart = at
    at = batchEnd
    while (pending.length > 0 && Number((pending[0] as AbortedTransaction).firstOffset) <= lastOffset) {
      abortedProducers.add((pending.shift() as AbortedTransaction).producerId)
    }
    if ((attributes & CONTROL) !== 0) {
      if (isAbortMarker(recordsOf(bytes, batchStart, batchEnd, attributes, decompress))) abortedProducers.delete(producerId)
    } else if (lastOffset >= from && ((attributes & TRANSACTIONAL) === 0 || !abortedProducers.has(producerId))) {
      const body = recordsOf(bytes, batchStart, batchEnd, attributes, decompress)
      const timestamps = {
        first: Number(bytes.readBigInt64BE(batchStart + FIRST_TIMESTAMP_AT)),
        max: (attributes & LOG_APPEND_TIME) === 0 ? undefined : Number(bytes.readBigInt64BE(batchStart + MAX_TIMESTAMP_AT))
      }
      const count = bytes.readInt32BE(batchStart + RECORD_COUNT_AT)
      const reader = new VarintReader(body)
      const located: LocatedRecord[] = []
      let stoppedAt: number | undefined
      for (let i = 0; i < count; i++) {
        const length = reader.signed()
        const recordEnd = reader.position + length
        reader.position++ // attributes (unused in v2)
        const timestampDelta = reader.signed()
        const offset = firstOffset + reader.signed()
        if (offset >= from) {
          if (taken >= decodeBytes) {
            stoppedAt = offset
            break
          }
          const key = span(reader)
          const value = span(reader)
          const headerCount = reader.signed()
          const headers: Array<readonly [Span, Span]> = []
          for (let h = 0; h < headerCount; h++) headers.push([span(reader), span(reader)])
          located.push({ offset, timestamp: timestamps.max ?? timestamps.first + timestampDelta, key, value, headers })
          taken += RECORD_OVERHEAD_BYTES + key.length + value.length
        }
        if (recordEnd > body.length) throw new Error('record batch: record runs past its batch')
        reader.position = recordEnd
      }
      copyOut(body, located, records)
      if (stoppedAt !== undefined) return { start: from, records, end: stoppedAt }
    }
    end = Math.max(end, lastOffset + 1)
  }
  return { start: from, records, end }
}

/**
 * Appends the located records to `records`, each copied out of `body` in one piece of its own: a record
 * must not share its memory with others (a Buffer posted from a worker thread is cloned with all of the
 * memory it views: a view of a whole batch's copy cost a batch per binary answer).
 */
function copyOut (body: Buffer, located: readonly LocatedRecord[], records: FetchedRecord[]): void {
  for (const record of located) {
    let lower = body.length
    let upper = 0
    const cover = (s: Span): void => {
      if (s.start < 0) return
      lower = Math.min(lower, s.start)
      upper = Math.max(upper, s.start + s.length)
    }
    cover(record.key)
    cover(record.value)
    for (const [name, value] of record.headers) { cover(name); cover(value) }
    const copy = Buffer.from(body.subarray(lower, Math.max(lower, upper)))
    const bytesOf = (s: Span): Buffer | null => s.start < 0 ? null : copy.subarray(s.start - lower, s.start - lower + s.length)
    records.push({
      offset: record.offset,
      key: bytesOf(record.key),
      value: bytesOf(record.value),
      timestamp: record.timestamp,
      headers: record.headers.length === 0
        ? NO_HEADERS
        : record.headers.map(([name, value]) => ({ [bytesOf(name)?.toString('utf8') ?? '']: bytesOf(value) }))
    })
  }
}
