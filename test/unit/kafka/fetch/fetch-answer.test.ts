// The §4.8 answer rules (src/kafka/fetch/fetch-answer.ts). Pure.
import test from 'ava'
import { FetchAnswer } from '../../../../src/kafka/fetch/fetch-answer.js'
import type { FetchedRecord } from '../../../../src/pool/messages.js'

const records = (from: number, count: number, size: number): FetchedRecord[] =>
  Array.from({ length: count }, (_, i) => ({ offset: from + i, key: null, value: Buffer.alloc(size) }))

test('the first record always, even larger than max_bytes; then while the total stays within it', (t) => {
  const big = new FetchAnswer(10, Infinity)
  big.addFrom(records(0, 3, 100), 0)
  t.deepEqual(big.records.map((r) => r.offset), [0])
  t.true(big.full)
  t.is(big.next, 1)

  const answer = new FetchAnswer(3 * 18, Infinity) // three records of 10 bytes + 8 overhead
  answer.addFrom(records(0, 10, 10), 2)
  t.deepEqual(answer.records.map((r) => r.offset), [2, 3, 4])
  t.is(answer.bytes, 54)
  t.is(answer.payloadBytes, 30)
  t.true(answer.full)
})

test('records are added across runs from the offset asked; binary answers hold one', (t) => {
  const answer = new FetchAnswer(1000, Infinity)
  answer.addFrom(records(0, 5, 1), 3)
  t.false(answer.full)
  t.is(answer.room, 1000 - 2 * 9)
  answer.addFrom([{ offset: 7, value: null }, { offset: 9, value: null }], 6)
  t.deepEqual(answer.records.map((r) => r.offset), [3, 4, 7, 9])
  t.is(answer.next, 10)

  const binary = new FetchAnswer(1000, 1)
  binary.addFrom(records(10, 5, 1), 11)
  t.deepEqual(binary.records.map((r) => r.offset), [11])
  t.true(binary.full)
})

test('an empty answer', (t) => {
  const answer = new FetchAnswer(100, Infinity)
  answer.addFrom(records(0, 3, 1), 3)
  t.is(answer.count, 0)
  t.is(answer.next, 0)
  t.false(answer.full)
})

test('wanted: the record bytes a random read decodes for the answer (any one record fills a binary answer)', (t) => {
  const json = new FetchAnswer(1000, Infinity)
  t.is(json.wanted, 1000)
  json.addFrom(records(0, 2, 92), 0) // two records of 100 bytes as counted
  t.is(json.wanted, 800)
  const binary = new FetchAnswer(1000, 1)
  t.is(binary.wanted, 1)
  const nearlyFull = new FetchAnswer(200, Infinity)
  nearlyFull.addFrom(records(0, 2, 92), 0)
  t.is(nearlyFull.wanted, 1, 'a full answer still reports one byte: reads then stop at one record')
})
