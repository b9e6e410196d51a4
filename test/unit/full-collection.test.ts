// One full garbage collection on demand (src/full-collection.ts).
import test from 'ava'
import { fullCollection } from '../../src/full-collection.js'

test('collects what is no longer reachable at once, in this thread, and again when called again', (t) => {
  for (let round = 0; round < 2; round++) {
    let garbage: Array<{ i: number, s: string }> | undefined = Array.from({ length: 500_000 }, (_, i) => ({ i, s: `record ${i}` }))
    const held = process.memoryUsage().heapUsed
    t.is(garbage.length, 500_000)
    garbage = undefined
    fullCollection()
    const freed = held - process.memoryUsage().heapUsed
    t.true(freed > 20 * 2 ** 20, `round ${round}: ${Math.round(freed / 2 ** 20)} MB freed`)
  }
})
