// The fetch consumer's read-ahead buffer of one partition: which reads it serves without a seek.
import test from 'ava'
import type { FetchedRecord } from '../../../src/kafka/message-format.js'
import { PartitionStream, recordBytes } from '../../../src/kafka/partition-stream.js'

const record = (offset: number, size = 10): FetchedRecord =>
  ({ offset, key: null, value: Buffer.alloc(size, offset) })

function streamWith (from: number, offsets: number[]): PartitionStream {
  const stream = new PartitionStream('t', 0, from)
  for (const offset of offsets) stream.push(record(offset))
  return stream
}

const offsetsOf = (records: FetchedRecord[]): number[] => records.map((r) => r.offset)

test('a sequential reader takes the next records; the stream serves from its cursor up to what it read', (t) => {
  const stream = streamWith(5, [5, 6, 7, 8])
  t.true(stream.serves(5))
  t.true(stream.serves(9), 'the offset right after the last record read is the next to arrive')
  t.false(stream.serves(4))
  t.false(stream.serves(10))
  t.deepEqual(offsetsOf(stream.take(Infinity, 2)), [5, 6])
  t.is(stream.cursor, 7)
  t.deepEqual(offsetsOf(stream.take(Infinity, Infinity)), [7, 8])
  t.is(stream.bytes, 0)
})

test('the last answer is kept: asking for its offset again returns the same records without a seek', (t) => {
  const stream = streamWith(0, [0, 1, 2, 3, 4])
  t.deepEqual(offsetsOf(stream.take(Infinity, 2)), [0, 1])
  t.deepEqual(offsetsOf(stream.take(Infinity, 2)), [2, 3])
  t.true(stream.serves(2), 'the last answer started at 2')
  t.false(stream.serves(1), 'only the last answer is kept')
  stream.advanceTo(2)
  t.is(stream.bytes, 3 * recordBytes(record(0)))
  t.deepEqual(offsetsOf(stream.take(Infinity, Infinity)), [2, 3, 4])
})

test('asking again from inside the last answer returns its rest', (t) => {
  const stream = streamWith(0, [0, 1, 2, 3])
  t.deepEqual(offsetsOf(stream.take(Infinity, 3)), [0, 1, 2])
  stream.advanceTo(1)
  t.deepEqual(offsetsOf(stream.take(Infinity, Infinity)), [1, 2, 3])
})

test('advancing skips records before the offset; a gap left by compaction is crossed', (t) => {
  const stream = streamWith(0, [0, 1, 4, 5])
  stream.advanceTo(2)
  t.is(stream.bytes, 2 * recordBytes(record(0)))
  t.deepEqual(offsetsOf(stream.take(Infinity, Infinity)), [4, 5])
})

test('take stops at maxBytes but returns at least one record', (t) => {
  const stream = new PartitionStream('t', 0, 0)
  stream.push(record(0, 100))
  stream.push(record(1, 100))
  t.deepEqual(offsetsOf(stream.take(50, Infinity)), [0])
  t.deepEqual(offsetsOf(stream.take(1_000, Infinity)), [1])
})

test('an answer is complete at the end of the partition, at max_bytes, or when the read-ahead is full', (t) => {
  const stream = streamWith(0, [0, 1, 2])
  const size = recordBytes(record(0))
  t.false(stream.complete(10, 4 * size), 'records 3 to 9 are in the log and max_bytes allows more')
  t.true(stream.complete(3, 4 * size), 'latest reached')
  t.true(stream.complete(10, 3 * size), 'max_bytes buffered')
  stream.paused = true
  t.true(stream.complete(10, 4 * size), 'paused: nothing more arrives before a take')
  stream.paused = false
  stream.atEnd = true
  t.true(stream.complete(10, 4 * size), 'the consumer reported the end')
})

test('a reset forgets the read-ahead and the last answer', (t) => {
  const stream = streamWith(0, [0, 1, 2])
  stream.take(Infinity, 2)
  stream.reset(10)
  t.is(stream.bytes, 0)
  t.false(stream.serves(0))
  t.true(stream.serves(10))
  t.false(stream.serves(11))
})

test('changed() resolves on the next record, or after its timeout', async (t) => {
  const stream = new PartitionStream('t', 0, 0)
  const waiting = stream.changed(60_000)
  stream.push(record(0))
  await waiting
  t.is(stream.records.length, 1)
  await stream.changed(1)
  t.pass()
})
