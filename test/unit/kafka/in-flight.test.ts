// InFlightBatches: numbers recycled once a batch is answered, so opaques stay small integers; reports find their batch.
import test from 'ava'
import { Deliveries } from '../../../src/kafka/deliveries.js'
import { InFlightBatches, RECORDS_PER_BATCH, recordId, recordIndex } from '../../../src/kafka/in-flight.js'

const batch = (size = 1): Deliveries => new Deliveries(size, () => {})

test('a report\'s opaque finds its batch; an answered batch\'s number is taken by the next one', (t) => {
  const inFlight = new InFlightBatches()
  const [a, b, c] = [batch(3), batch(), batch()]
  t.deepEqual([inFlight.add(a), inFlight.add(b)], [0, 1])
  t.is(inFlight.batchOf(recordId(0, 2)), a)
  t.is(recordIndex(recordId(0, 2)), 2)
  t.is(inFlight.batchOf(recordId(1, 0)), b)
  t.is(recordIndex(recordId(1, 999_999)), 999_999)
  inFlight.delete(0)
  t.is(inFlight.batchOf(2), undefined)
  t.is(inFlight.add(c), 0)
  t.is(inFlight.size, 2)
  t.true(recordId(2047, 999_999) < 2 ** 31 && RECORDS_PER_BATCH > 1_000_000)
})

test('takeAll empties it; deleting again changes nothing; the freed numbers are used before new ones', (t) => {
  const inFlight = new InFlightBatches()
  const batches = [batch(), batch(), batch()]
  for (const each of batches) inFlight.add(each)
  inFlight.delete(1)
  t.deepEqual(inFlight.takeAll(), [batches[0], batches[2]])
  t.is(inFlight.size, 0)
  inFlight.delete(0)
  t.is(inFlight.size, 0)
  t.deepEqual([inFlight.add(batch()), inFlight.add(batch()), inFlight.add(batch()), inFlight.add(batch())].sort(), [0, 1, 2, 3])
})
