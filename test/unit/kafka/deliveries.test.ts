// Deliveries: each record's outcome by index, the batch answered once, when the last record has one.
import test from 'ava'
import { Deliveries } from '../../../src/kafka/deliveries.js'
import { OpError } from '../../../src/kafka/op-error.js'

test('answers once every record has an outcome, each in its place', (t) => {
  const answered: Deliveries[] = []
  const deliveries = new Deliveries(3, (done) => answered.push(done))
  deliveries.delivered(2, 1, 70)
  deliveries.failed(1, new OpError('message_too_large'))
  t.is(answered.length, 0)
  deliveries.delivered(0, 0, 12)
  t.deepEqual(answered, [deliveries])
  t.deepEqual([deliveries.partitions, deliveries.offsets], [[0, -1, 1], [12, -1, 70]])
  t.deepEqual([0, 1, 2].map((index) => deliveries.failure(index)?.error), [undefined, 'message_too_large', undefined])
})

test('failRest fails only the records still without an outcome, and answers once', (t) => {
  let answers = 0
  const deliveries = new Deliveries(4, () => answers++)
  deliveries.delivered(1, 3, 5)
  deliveries.failed(3, new OpError('invalid_record'))
  deliveries.failRest(new OpError('timeout'))
  t.is(answers, 1)
  t.deepEqual([0, 1, 2, 3].map((index) => deliveries.failure(index)?.error), ['timeout', undefined, 'timeout', 'invalid_record'])
  t.deepEqual(deliveries.offsets, [-1, 5, -1, -1])
})
