// Record batches of a Fetch answer → the records a read_committed reader sees (record-batches.ts). Pure.
import test from 'ava'
import { decodeBatches, type RawBatch } from '../../../../src/kafka/fetch/record-batches.js'

const TRANSACTIONAL = 0x10
const CONTROL = 0x20

function batch (firstOffset: number, count: number, options: { attributes?: number, producerId?: number, timestamp?: number } = {}): RawBatch {
  return {
    firstOffset: BigInt(firstOffset),
    attributes: options.attributes ?? 0,
    lastOffsetDelta: count - 1,
    firstTimestamp: BigInt(options.timestamp ?? 1000),
    maxTimestamp: BigInt((options.timestamp ?? 1000) + 99),
    producerId: BigInt(options.producerId ?? -1),
    records: Array.from({ length: count }, (_, i) => ({
      offsetDelta: i,
      timestampDelta: BigInt(i),
      key: null,
      value: Buffer.from(`v${firstOffset + i}`),
      headers: [[Buffer.from('h'), Buffer.from('x')]] as const
    }))
  }
}

/** A transaction marker: a control batch of one record whose key says commit (1) or abort (0). */
function marker (offset: number, producerId: number, commit: boolean): RawBatch {
  const key = Buffer.alloc(4)
  key.writeInt16BE(commit ? 1 : 0, 2)
  return { ...batch(offset, 1, { attributes: TRANSACTIONAL | CONTROL, producerId }), records: [{ offsetDelta: 0, timestampDelta: 0n, key, value: null, headers: [] }] }
}

const offsets = (decoded: ReturnType<typeof decodeBatches>): number[] => decoded.records.map((r) => r.offset)

test('whole batches (the first may start before the offset asked for), timestamps, headers, start and end', (t) => {
  const decoded = decodeBatches([batch(0, 5), batch(5, 3)], [], 3)
  t.deepEqual(offsets(decoded), [0, 1, 2, 3, 4, 5, 6, 7])
  t.deepEqual([decoded.start, decoded.end], [0, 8])
  t.like(decoded.records[3], { offset: 3, timestamp: 1003, headers: [{ h: Buffer.from('x') }] })
  t.deepEqual(decoded.records[3]?.value, Buffer.from('v3'))
  const logAppend = decodeBatches([batch(0, 2, { attributes: 0x08 })], [], 0)
  t.deepEqual(logAppend.records.map((r) => r.timestamp), [1099, 1099], 'log-append time: the batch\'s max timestamp')
})

test('no batches: nothing known beyond the offset asked', (t) => {
  t.deepEqual(decodeBatches([], [], 42), { start: 42, records: [], end: 42 })
})

test('transaction markers are skipped but covered; aborted transactions are dropped, committed ones kept', (t) => {
  const decoded = decodeBatches([
    batch(0, 2, { attributes: TRANSACTIONAL, producerId: 7 }), // aborted
    batch(2, 2, { attributes: TRANSACTIONAL, producerId: 8 }), // committed
    marker(4, 7, false),
    marker(5, 8, true),
    batch(6, 2),
    batch(8, 1, { attributes: TRANSACTIONAL, producerId: 7 }), // a later transaction of 7, committed
    marker(9, 7, true)
  ], [{ producerId: 7n, firstOffset: 0n }], 0)
  t.deepEqual(offsets(decoded), [2, 3, 6, 7, 8])
  t.is(decoded.end, 10)
})

test('decoded records own their bytes: a cached record does not keep the socket chunk it came in alive', (t) => {
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  const raw = batch(0, 1)
  const viewed: RawBatch = { ...raw, records: [{ ...raw.records[0] as RawBatch['records'][number], key: chunk.subarray(0, 2), value: chunk.subarray(2, 5), headers: [[Buffer.from('h'), chunk.subarray(5, 6)]] }] }
  const [record] = decodeBatches([viewed], [], 0).records
  const pieces = [record?.key, record?.value, record?.headers?.[0]?.h] as Buffer[]
  t.deepEqual(pieces, [Buffer.from('aa'), Buffer.from('aaa'), Buffer.from('a')])
  for (const bytes of pieces) t.not(bytes.buffer, chunk.buffer)
})
