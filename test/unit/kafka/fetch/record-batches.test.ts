// Record batch bytes of a Fetch answer → the records a read_committed reader sees (record-batches.ts).
// The batches are built by @platformatic/kafka's own encoder (the producer's wire format), so the reader
// is checked against real v2 batches, compressed ones included.
import { compressionsAlgorithms, compressionsAlgorithmsByBitmask, createRecordsBatch, type MessageRecord } from '@platformatic/kafka'
import test from 'ava'
import { execFileSync } from 'node:child_process'
import { isDeepStrictEqual } from 'node:util'
import { ChunkedBytes } from '../../../../src/kafka/fetch/chunked-bytes.js'
import { decodeBatches, decompressWith, type DecodedRecords } from '../../../../src/kafka/fetch/record-batches.js'
import { withZstd } from '../../../../src/kafka/fetch/zstd.js'
import { OpError } from '../../../../src/kafka/op-error.js'

const LOG_APPEND_TIME = 0x08
const CONTROL = 0x20
const ATTRIBUTES_AT = 21
const RECORDS_AT = 61
const decompress = decompressWith(withZstd(compressionsAlgorithmsByBitmask))

type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

interface BatchOptions {
  readonly compression?: Compression
  readonly producerId?: number
  readonly transactional?: boolean
  /** Attribute bits set after encoding (the encoder has no option for them). */
  readonly attributes?: number
  readonly headers?: boolean
}

/** A batch of `count` records from `firstOffset`: value `v<offset>`, key `k<offset>` on even offsets, timestamp 1000 + offset. */
function batch (firstOffset: number, count: number, options: BatchOptions = {}): Buffer {
  const messages: MessageRecord[] = Array.from({ length: count }, (_, i) => ({
    topic: 't',
    ...((firstOffset + i) % 2 === 0 ? { key: Buffer.from(`k${firstOffset + i}`) } : {}),
    value: Buffer.from(`v${firstOffset + i}`),
    timestamp: BigInt(1000 + firstOffset + i),
    ...(options.headers === true ? { headers: new Map([[Buffer.from('h'), Buffer.from(`x${firstOffset + i}`)]]) } : {})
  }))
  return encoded(messages, firstOffset, options)
}

function encoded (messages: MessageRecord[], firstOffset: number, options: BatchOptions): Buffer {
  const bytes = Buffer.from(createRecordsBatch(messages, {
    compression: options.compression ?? 'none',
    producerId: BigInt(options.producerId ?? -1),
    ...(options.transactional === true ? { transactionalId: 'tx' } : {})
  }).buffer)
  bytes.writeBigInt64BE(BigInt(firstOffset), 0) // the broker assigns the base offset
  bytes.writeInt16BE(bytes.readInt16BE(ATTRIBUTES_AT) | (options.attributes ?? 0), ATTRIBUTES_AT)
  return bytes
}

/** A transaction marker: a control batch of one record whose key says commit (1) or abort (0). */
function marker (offset: number, producerId: number, commit: boolean): Buffer {
  const key = Buffer.alloc(4)
  key.writeInt16BE(commit ? 1 : 0, 2)
  return encoded([{ topic: 't', key, value: Buffer.alloc(6), timestamp: 5000n }], offset, { producerId, transactional: true, attributes: CONTROL })
}

/** `plain` (an uncompressed batch) with its records section replaced by `section`, compressed with `codec`. */
function recompressed (plain: Buffer, codec: number, section: Buffer): Buffer {
  const bytes = Buffer.concat([plain.subarray(0, RECORDS_AT), section])
  bytes.writeInt32BE(bytes.length - 12, 8)
  bytes.writeInt16BE(bytes.readInt16BE(ATTRIBUTES_AT) | codec, ATTRIBUTES_AT)
  return bytes
}

const offsets = (decoded: DecodedRecords): number[] => decoded.records.map((r) => r.offset)
/** `bytes` as the socket might deliver them: chunks of the sizes given, in turn. */
function chunked (bytes: Buffer, sizes: readonly number[]): ChunkedBytes {
  const chunks: Buffer[] = []
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number
    chunks.push(bytes.subarray(at, at + size))
    at += size
  }
  return new ChunkedBytes(chunks)
}

const SPLITS = [[1], [2], [3, 1, 7], [13], [64, 5], [4096]]

/**
 * Decodes the answer whole, and split into socket chunks of several sizes: every split must give the
 * same records (fields split between chunks included).
 */
function read (batches: Buffer[], from: number, decodeBytes = Infinity, aborted: Array<{ producerId: bigint, firstOffset: bigint }> = []): DecodedRecords {
  const whole = Buffer.concat(batches)
  const decoded = decodeBatches(whole, aborted, from, decodeBytes, decompress)
  for (const sizes of SPLITS) {
    const split = decodeBatches(chunked(whole, sizes), aborted, from, decodeBytes, decompress)
    if (!isDeepStrictEqual(split, decoded)) throw new Error(`chunks of ${sizes.join(', ')} bytes decode otherwise than the whole answer`)
  }
  return decoded
}

test('records from the offset asked for on (earlier ones of its batch skipped), keys, values, timestamps, headers, start and end', (t) => {
  const decoded = read([batch(0, 5, { headers: true }), batch(5, 3)], 3)
  t.deepEqual(offsets(decoded), [3, 4, 5, 6, 7])
  t.deepEqual([decoded.start, decoded.end], [3, 8])
  t.like(decoded.records[0], { offset: 3, key: null, timestamp: 1003, headers: [{ h: Buffer.from('x3') }] })
  t.deepEqual(decoded.records[1]?.key, Buffer.from('k4'))
  t.deepEqual(decoded.records.map((r) => r.value?.toString()), ['v3', 'v4', 'v5', 'v6', 'v7'])
  t.deepEqual(decoded.records[2]?.headers, [])
})

test('log-append time: every record gets the batch\'s max timestamp', (t) => {
  const decoded = read([batch(0, 3, { attributes: LOG_APPEND_TIME })], 0)
  t.deepEqual(decoded.records.map((r) => r.timestamp), [1002, 1002, 1002])
})

test('decoding stops once the records taken reach decodeBytes; the answer then ends right after them', (t) => {
  const one = read([batch(0, 5), batch(5, 3)], 2, 1)
  t.deepEqual(offsets(one), [2])
  t.deepEqual([one.start, one.end], [2, 3])
  // Each record counts 8 + key + value bytes: offset 4 (k4, v4) 12, offset 5 (v5) 10.
  const two = read([batch(0, 5), batch(5, 3)], 4, 13)
  t.deepEqual(offsets(two), [4, 5])
  t.is(two.end, 6)
  const acrossBatches = read([batch(0, 5), batch(5, 3)], 4, 12)
  t.deepEqual(offsets(acrossBatches), [4], 'exactly filled by the last record of a batch')
  t.is(acrossBatches.end, 5)
})

test('batches wholly before the offset are stepped over; a gap before the first batch is covered', (t) => {
  const decoded = read([batch(0, 5), batch(10, 2)], 6)
  t.deepEqual(offsets(decoded), [10, 11])
  t.deepEqual([decoded.start, decoded.end], [6, 12])
})

test('no batches, or only a batch the broker cut at max_bytes: nothing known beyond the offset asked', (t) => {
  t.deepEqual(read([], 42), { start: 42, records: [], end: 42 })
  const cut = batch(42, 3).subarray(0, 40)
  t.deepEqual(read([cut], 42), { start: 42, records: [], end: 42 })
  const decoded = read([batch(40, 3), batch(43, 3).subarray(0, 70)], 41)
  t.deepEqual(offsets(decoded), [41, 42])
  t.is(decoded.end, 43)
})

for (const compression of ['gzip', 'snappy', 'lz4'] as const) {
  test(`${compression} batches are decompressed through the library's codec`, (t) => {
    const decoded = read([batch(0, 4, { compression, headers: true }), batch(4, 4, { compression })], 2, 44)
    t.deepEqual(offsets(decoded), [2, 3, 4, 5])
    t.deepEqual(decoded.records.map((r) => r.value?.toString()), ['v2', 'v3', 'v4', 'v5'])
    t.deepEqual(decoded.records[0]?.headers, [{ h: Buffer.from('x2') }])
    t.is(decoded.end, 6)
  })
}

const ZSTD = 4
/** The zstd CLI's output for `input`, written as a stream (no content size in the frame header, as librdkafka and zstd-jni write). */
const zstdCli = (input: Buffer, ...options: string[]): Buffer => execFileSync('zstd', ['-c', '-q', ...options], { input, maxBuffer: 64 << 20 })

test('zstd batches as other clients write them (one frame or several, checksum or none, several blocks) decode to the same records', (t) => {
  const plain = [batch(0, 6, { headers: true }), batch(6, 3)]
  const sections = plain.map((bytes) => bytes.subarray(RECORDS_AT))
  const frames: Array<[string, Buffer[]]> = [
    ['level 3 with checksum', sections.map((section) => zstdCli(section))],
    ['level 19 without checksum', sections.map((section) => zstdCli(section, '-19', '--no-check'))],
    // A decompressor must read on across frames: a stream may be flushed as several.
    ['two frames', sections.map((section) => Buffer.concat([zstdCli(section.subarray(0, 20)), zstdCli(section.subarray(20))]))]
  ]
  for (const [name, compressed] of frames) {
    const zstd = plain.map((bytes, i) => recompressed(bytes, ZSTD, compressed[i] as Buffer))
    t.is((zstd[0] as Buffer).readInt16BE(ATTRIBUTES_AT) & 0x07, ZSTD)
    t.deepEqual(read(zstd, 0), read(plain, 0), name)
    t.deepEqual(offsets(read(zstd, 4, 20)), [4, 5], name)
  }
  // 3,000 records of 300 bytes: about 1 MB, many zstd blocks (128 KiB each at most).
  const messages: MessageRecord[] = Array.from({ length: 3000 }, (_, i) => ({ topic: 't', key: Buffer.from(`k${i}`), value: Buffer.from(`{"n":${i},"pad":"${String(i * 7919).repeat(60)}"}`.slice(0, 300)) }))
  const large = encoded(messages, 100, {})
  const largeZstd = recompressed(large, ZSTD, zstdCli(large.subarray(RECORDS_AT)))
  t.true(largeZstd.length < large.length / 2)
  const decoded = read([largeZstd], 100)
  t.deepEqual(decoded, read([large], 100))
  t.is(decoded.records.length, 3000)
  t.deepEqual(decoded.records[2999]?.value, messages[2999]?.value)
})

test('snappy as the Java client writes it (snappy-java framing, several blocks) is decompressed', (t) => {
  const plain = batch(0, 6, { headers: true })
  const section = plain.subarray(RECORDS_AT)
  // snappy-java cuts the stream into blocks at its buffer size, not at record boundaries.
  const blocks = [section.subarray(0, 25), section.subarray(25)].map((part) => {
    const block = compressionsAlgorithms.snappy.compressSync(part)
    const length = Buffer.alloc(4)
    length.writeInt32BE(block.length)
    return Buffer.concat([length, block])
  })
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
  const framed = recompressed(plain, 2, Buffer.concat([header, ...blocks]))
  t.deepEqual(read([framed, batch(6, 2, { compression: 'snappy' })], 1), read([plain, batch(6, 2)], 1))
  t.deepEqual(offsets(read([framed], 1)), [1, 2, 3, 4, 5])
})

test('a batch in a codec no Kafka version defines is the named error unsupported_compression_type', (t) => {
  for (const codec of [5, 6, 7]) {
    t.throws(() => read([batch(0, 2, { attributes: codec })], 0), { instanceOf: OpError, message: 'unsupported_compression_type' })
  }
})

test('zstd: the library\'s codec where node:zlib has zstd (Node ≥ 22.15), fzstd where it has not', (t) => {
  const native = { decompressSync: (data: Buffer) => data, available: true }
  t.is(withZstd({ ...compressionsAlgorithmsByBitmask, [ZSTD]: native })[ZSTD], native)
  // The library's zstd codec on a Node without it throws an error of its own.
  const missing = { decompressSync: (_data: Buffer): Buffer => { throw new Error('zstd is not supported in the current Node.js version') }, available: false }
  const replaced = withZstd({ ...compressionsAlgorithmsByBitmask, [ZSTD]: missing })[ZSTD]
  t.true(replaced?.available)
  t.deepEqual(replaced?.decompressSync(zstdCli(Buffer.from('zstd records'))), Buffer.from('zstd records'))
  t.is(withZstd(compressionsAlgorithmsByBitmask)[ZSTD]?.available, true)
})

test('transaction markers are skipped but covered; aborted transactions are dropped, committed ones kept', (t) => {
  const decoded = read([
    batch(0, 2, { transactional: true, producerId: 7 }), // aborted
    batch(2, 2, { transactional: true, producerId: 8 }), // committed
    marker(4, 7, false),
    marker(5, 8, true),
    batch(6, 2),
    batch(8, 1, { transactional: true, producerId: 7 }), // a later transaction of 7, committed
    marker(9, 7, true)
  ], 0, Infinity, [{ producerId: 7n, firstOffset: 0n }])
  t.deepEqual(offsets(decoded), [2, 3, 6, 7, 8])
  t.is(decoded.end, 10)
})

test('an aborted transaction before the offset asked for is still tracked to its marker', (t) => {
  const batches = [batch(0, 2, { transactional: true, producerId: 7 }), batch(2, 2, { transactional: true, producerId: 7 }), marker(4, 7, false), batch(5, 1, { transactional: true, producerId: 7 })]
  const decoded = read(batches, 3, Infinity, [{ producerId: 7n, firstOffset: 0n }])
  t.deepEqual(offsets(decoded), [5])
  t.deepEqual([decoded.start, decoded.end], [3, 6])
})

test('decoded records own their bytes: a cached record does not keep the answer it came in alive', (t) => {
  const encoded = batch(0, 200, { headers: true })
  const answer = Buffer.allocUnsafeSlow(encoded.length) // an ArrayBuffer of its own, as a socket chunk has
  encoded.copy(answer)
  const decoded = decodeBatches(answer, [], 100, 1, decompress)
  const [record] = decoded.records
  const pieces = [record?.key, record?.value, record?.headers?.[0]?.h] as Buffer[]
  t.deepEqual(pieces, [Buffer.from('k100'), Buffer.from('v100'), Buffer.from('x100')])
  for (const bytes of pieces) t.not(bytes.buffer, answer.buffer)
})

test('each record has memory of its own: a Buffer posted from a worker is cloned with all the memory it views', (t) => {
  const messages: MessageRecord[] = Array.from({ length: 64 }, (_, i) => ({ topic: 't', value: Buffer.alloc(1024, i), timestamp: 1n }))
  const decoded = decodeBatches(encoded(messages, 0, {}), [], 0, Infinity, decompress)
  t.is(decoded.records.length, 64)
  for (const record of decoded.records) t.true((record.value as Buffer).buffer.byteLength <= 8 * 1024, `${(record.value as Buffer).buffer.byteLength} bytes viewed`)
})

test('any answer, split anywhere: the records of random batches (sizes, codecs, offsets, limits) as when read whole', (t) => {
  let seed = 42
  const random = (below: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % below }
  const codecs: Compression[] = ['none', 'none', 'gzip', 'snappy', 'lz4', 'zstd']
  for (let round = 0; round < 150; round++) {
    const batches: Buffer[] = []
    let next = random(3)
    for (let b = 1 + random(4); b > 0; b--) {
      const messages: MessageRecord[] = Array.from({ length: 1 + random(40) }, () => ({
        topic: 't',
        ...(random(3) === 0 ? {} : { key: Buffer.alloc(random(40), 0x6b) }),
        value: Buffer.alloc(random(300), 0x76),
        timestamp: BigInt(1000 + random(100))
      }))
      batches.push(encoded(messages, next, { compression: codecs[random(codecs.length)] as Compression }))
      next += messages.length + random(2)
    }
    const whole = Buffer.concat(batches)
    const from = random(next + 1)
    const decodeBytes = random(2) === 0 ? Infinity : 1 + random(2000)
    const expected = decodeBatches(whole, [], from, decodeBytes, decompress)
    const sizes = Array.from({ length: 1 + random(4) }, () => 1 + random(random(2) === 0 ? 16 : 2048))
    t.deepEqual(decodeBatches(chunked(whole, sizes), [], from, decodeBytes, decompress), expected, `round ${round}, chunks of ${sizes.join(', ')}`)
    t.true(expected.records.every((r, i) => r.offset >= from && (i === 0 || r.offset > (expected.records[i - 1]?.offset ?? -1))))
  }
})
