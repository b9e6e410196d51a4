// Successful delivery reports → the offset answered (native/offset-runs.h, applied by the producer in
// librdkafka's order): never one that is not the record's.
import test from 'ava'
import { loadAddon } from '../../../src/kafka/addon.js'
import { UNKNOWN_OFFSET } from '../../../src/kafka/deliveries.js'

const U = UNKNOWN_OFFSET

function answers (reports: ReadonlyArray<readonly [number, number]>): number[] {
  return loadAddon().answerOffsets(reports.map(([partition, reported]) => ['t', partition, reported]))
}

test('offsets the broker assigned are answered as reported', (t) => {
  t.deepEqual(answers([[0, 0], [0, 1], [1, 0], [0, 2], [1, 7]]), [0, 1, 0, 2, 7])
})

test('a batch the broker answered DUPLICATE_SEQUENCE_NUMBER (reported −1, 0, 1, …) answers −1 for every record', (t) => {
  // As librdkafka 2.12 reported it: a batch of 3 at offsets 0–2, then a batch of 4 answered DUPLICATE_SEQUENCE_NUMBER.
  t.deepEqual(answers([[0, 0], [0, 1], [0, 2], [0, -1], [0, 0], [0, 1], [0, 2]]), [0, 1, 2, U, U, U, U])
  // The producer's first batch to the partition, another partition's reports in between.
  t.deepEqual(answers([[0, -1], [1, 5], [0, 0], [1, 6], [0, 1]]), [U, 5, U, 6, U])
})

test('the batch after a run of unknown offsets is answered again', (t) => {
  // The records reported −1, 0, 1 lie at g…g+2 (g ≥ 0): the next batch starts at 3 or later.
  t.deepEqual(answers([[0, -1], [0, 0], [0, 1], [0, 3], [0, 4]]), [U, U, U, 3, 4])
  t.deepEqual(answers([[0, -1], [0, 0], [0, 1], [0, 40]]), [U, U, U, 40])
  // Another run right after (a second duplicate batch), then a genuine one.
  t.deepEqual(answers([[0, -1], [0, 0], [0, -1], [0, 0], [0, 9]]), [U, U, U, U, 9])
})

test('records acknowledged implicitly (reported −1001) answer −1', (t) => {
  t.deepEqual(answers([[0, 4], [0, -1001], [0, -1001], [0, 7], [0, 8]]), [4, U, U, 7, 8])
})

test('partitions of different topics are told apart', (t) => {
  t.deepEqual(loadAddon().answerOffsets([['a', 0, -1], ['b', 0, 0], ['a', 0, 0], ['b', 0, 1]]), [U, 0, U, 1])
})
