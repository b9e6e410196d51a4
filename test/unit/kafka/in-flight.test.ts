// InFlightBatches: numbers recycled once a batch is answered; reports find their batch by number.
import test from 'ava'
import { Deliveries } from '../../../src/kafka/deliveries.js'
import { InFlightBatches } from '../../../src/kafka/in-flight.js'

const batch = (size = 1): Deliveries => new Deliveries(size, () => {})

test('a report\'s number finds its batch; an answered batch\'s number is taken by the next one', (t) => {
  const inFlight = new InFlightBatches()
  const [a, b, c] = [batch(3), batch(), batch()]
  t.deepEqual([inFlight.add(a), inFlight.add(b)], [0, 1])
  t.is(inFlight.get(0), a)
  t.is(inFlight.get(1), b)
  inFlight.delete(0)
  t.is(inFlight.get(0), undefined)
  t.is(inFlight.add(c), 0)
  t.is(inFlight.size, 2)
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
