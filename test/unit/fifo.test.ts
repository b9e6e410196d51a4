// The array queue of the idempotency store and the produce stream (src/fifo.ts).
import test from 'ava'
import { Fifo } from '../../src/fifo.js'

test('first in, first out; peek leaves the item; an empty queue gives undefined', (t) => {
  const queue = new Fifo<number>()
  t.is(queue.peek(), undefined)
  t.is(queue.shift(), undefined)
  queue.push(1)
  queue.push(2)
  t.is(queue.peek(), 1)
  t.is(queue.size, 2)
  t.is(queue.shift(), 1)
  t.is(queue.shift(), 2)
  t.is(queue.size, 0)
  t.is(queue.shift(), undefined)
})

test('order, size and iteration stay right across compactions, with pushes between shifts', (t) => {
  const queue = new Fifo<number>()
  const model: number[] = []
  let next = 0
  for (let round = 0; round < 5000; round++) {
    for (let i = round % 3; i > 0; i--) { queue.push(next); model.push(next++) }
    if (round % 2 === 0) t.is(queue.shift(), model.shift())
    if (round % 997 === 0) t.deepEqual([...queue], model)
  }
  t.is(queue.size, model.length)
  t.deepEqual([...queue], model)
  while (model.length > 0) t.is(queue.shift(), model.shift())
  t.is(queue.size, 0)
})
