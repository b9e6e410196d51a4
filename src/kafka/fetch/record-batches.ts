// The records a read_committed consumer sees in one partition of a Kafka Fetch answer, read straight
// from the answer's record bytes (message format v2): control batches (transaction markers) and the
// batches of aborted transactions are left out, as the Java consumer filters them (the broker sends
// those; filtering is the client's job).
//
// The broker always sends whole batches, and a producer's batch holds hundreds of records: a random read
// that wants one record would otherwise decode all of them. Batches wholly before the offset asked for
// are stepped over by their length, records before it by their varint lengths, and decoding stops once
// the records taken reach `decodeBytes`. The answer is read in the socket's chunks (chunked-bytes.ts) and
// only the records taken are copied out of it (one copy per record), so that a cached record does not
// keep a chunk alive. CRCs are not checked (the library did not either; TCP and the broker's own checks
// cover the transfer).
import type { FetchedRecord } from '../../pool/messages.js'
import { OpError } from '../op-error.js'
import { ChunkedBytes, VarintReader } from './chunked-bytes.js'

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

const SNAPPY = 2
/**
 * snappy-java's stream framing, which the Java client writes around its snappy blocks (librdkafka and the
 * library write one bare block): this magic, a version and a compatible version (int32 each), then blocks
 * each prefixed with its length (int32).
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_BYTES = 16

/** Decompression by codec number through the library's codecs (its compressionsAlgorithmsByBitmask). */
export function decompressWith (codecs: Readonly<Record<number, { decompressSync: (data: Buffer) => Buffer, available: boolean } | undefined>>): Decompress {
  return (codec, compressed) => {
    const algorithm = codecs[codec]
    // The library lists zstd also where node:zlib has none (Node < 22.15); its codec then throws an error of its own.
    if (algorithm === undefined || !algorithm.available) throw new OpError('unsupported_compression_type')
    if (codec === SNAPPY && isXerialFramed(compressed)) return Buffer.concat(xerialBlocks(compressed).map((block) => algorithm.decompressSync(block)))
    return algorithm.decompressSync(compressed)
  }
}

function isXerialFramed (compressed: Buffer): boolean {
  return compressed.length >= XERIAL_HEADER_BYTES && compressed.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)
}

/** The snappy blocks of a snappy-java stream. */
function xerialBlocks (framed: Buffer): Buffer[] {
  const blocks: Buffer[] = []
  for (let at = XERIAL_HEADER_BYTES; at < framed.length;) {
    if (at + 4 > framed.length) throw new Error('record batch: truncated snappy block length')
    const end = at + 4 + framed.readInt32BE(at)
    if (end > framed.length || end < at + 4) throw new Error('record batch: snappy block runs past its batch')
    blocks.push(framed.subarray(at + 4, end))
    at = end
  }
  return blocks
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

/**
 * A record from its key on, read from `tail`: a copy of the record's remaining bytes of its own (a record
 * must not share memory with others: a Buffer posted from a worker thread is cloned with all the memory
 * it views, and a cached record must not keep the answer it came in alive).
 */
function recordFrom (tail: Buffer, offset: number, timestamp: number): FetchedRecord {
  const reader = new VarintReader(tail)
  const key = reader.bytes()
  const value = reader.bytes()
  const headerCount = reader.signed()
  if (headerCount <= 0) return { offset, key, value, timestamp, headers: NO_HEADERS }
  const headers: Array<Record<string, Buffer | null>> = []
  for (let h = 0; h < headerCount; h++) headers.push({ [reader.bytes()?.toString('utf8') ?? '']: reader.bytes() })
  return { offset, key, value, timestamp, headers }
}

/** The batch's records section, uncompressed, and where in it the records start. */
function recordsOf (bytes: ChunkedBytes, batchStart: number, batchEnd: number, attributes: number, decompress: Decompress): { body: ChunkedBytes, at: number } {
  const codec = attributes & COMPRESSION
  if (codec === 0) return { body: bytes, at: batchStart + RECORDS_AT }
  return { body: ChunkedBytes.of(decompress(codec, bytes.copy(batchStart + RECORDS_AT, batchEnd))), at: 0 }
}

/** An abort marker's control record key: version (int16) then type (int16), 0 = abort. */
function isAbortMarker ({ body, at }: { body: ChunkedBytes, at: number }): boolean {
  const reader = new VarintReader(body, at)
  reader.signed() // length
  reader.position++ // attributes
  reader.signed() // timestamp delta
  reader.signed() // offset delta
  const key = reader.bytes()
  return key !== null && key.length >= 4 && key.readInt16BE(2) === 0
}

export function decodeBatches (answer: Buffer | ChunkedBytes, aborted: readonly AbortedTransaction[], from: number, decodeBytes: number, decompress: Decompress): DecodedRecords {
  const bytes = answer instanceof ChunkedBytes ? answer : ChunkedBytes.of(answer)
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
      const { body, at: recordsAt } = recordsOf(bytes, batchStart, batchEnd, attributes, decompress)
      const bodyEnd = body === bytes ? batchEnd : body.length
      const timestamps = {
        first: Number(bytes.readBigInt64BE(batchStart + FIRST_TIMESTAMP_AT)),
        max: (attributes & LOG_APPEND_TIME) === 0 ? undefined : Number(bytes.readBigInt64BE(batchStart + MAX_TIMESTAMP_AT))
      }
      const count = bytes.readInt32BE(batchStart + RECORD_COUNT_AT)
      const reader = new VarintReader(body, recordsAt)
      for (let i = 0; i < count; i++) {
        const length = reader.signed()
        const recordEnd = reader.position + length
        if (recordEnd > bodyEnd) throw new Error('record batch: record runs past its batch')
        reader.position++ // attributes (unused in v2)
        const timestampDelta = reader.signed()
        const offset = firstOffset + reader.signed()
        if (offset >= from) {
          if (taken >= decodeBytes) return { start: from, records, end: offset }
          const record = recordFrom(body.copy(reader.position, recordEnd), offset, timestamps.max ?? timestamps.first + timestampDelta)
          records.push(record)
          taken += RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0)
        }
        reader.position = recordEnd
      }
    }
    end = Math.max(end, lastOffset + 1)
  }
  return { start: from, records, end }
}
