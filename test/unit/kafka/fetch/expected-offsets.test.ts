// Where sequential readers ask next (src/kafka/fetch/expected-offsets.ts). Pure: no Kafka.
import test from 'ava'
import { ExpectedOffsets } from '../../../../src/kafka/fetch/expected-offsets.js'

test('an offset added is expected once, on its own partition only', (t) => {
  const expected = new ExpectedOffsets(4)
  expected.add('a', 10)
  t.false(expected.take('b', 10), 'another partition')
  t.false(expected.take('a', 11))
  t.true(expected.take('a', 10))
  t.false(expected.take('a', 10), 'taken: no longer expected')
})

test('a partition keeps its last perPartition offsets', (t) => {
  const expected = new ExpectedOffsets(3)
  for (const offset of [1, 2, 3]) expected.add('p', offset)
  t.true(expected.take('p', 2))
  expected.add('p', 4)
  t.true(expected.take('p', 1), 'a taken offset made room: 1 is still there')
  expected.add('p', 5)
  expected.add('p', 6)
  t.false(expected.take('p', 3), 'the oldest made room')
  t.deepEqual([4, 5, 6].map((o) => expected.take('p', o)), [true, true, true])
  expected.add('p', 7)
  expected.add('p', 7)
  t.true(expected.take('p', 7))
  t.false(expected.take('p', 7), 'added twice, expected once')
})

test('many sequential readers of many partitions are all recognised', (t) => {
  const expected = new ExpectedOffsets(128)
  const next = new Map<string, number>()
  for (let p = 0; p < 300; p++) for (let reader = 0; reader < 64; reader++) next.set(`t\u0000${p}\u0000${reader}`, reader * 1000)
  for (const [key, offset] of next) expected.add(key.slice(0, key.lastIndexOf('\u0000')), offset)
  let recognised = 0
  for (let round = 0; round < 5; round++) {
    for (const [key, offset] of next) {
      const partition = key.slice(0, key.lastIndexOf('\u0000'))
      if (expected.take(partition, offset)) recognised++
      next.set(key, offset + 1)
      expected.add(partition, offset + 1)
    }
  }
  t.is(recognised, 5 * 300 * 64)
})
