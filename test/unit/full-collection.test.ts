// One full garbage collection on demand (src/full-collection.ts), allowed as main.ts allows it.
import test from 'ava'
import { Worker } from 'node:worker_threads'
import { allowFullCollection, fullCollection } from '../../src/full-collection.js'

allowFullCollection()

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

test('a worker thread started afterwards collects its own heap too', async (t) => {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads')
    import(workerData.module).then(({ fullCollection }) => {
      let garbage = Array.from({ length: 500000 }, (_, i) => ({ i, s: 'record ' + i }))
      const held = process.memoryUsage().heapUsed
      garbage = undefined
      fullCollection()
      parentPort.postMessage(held - process.memoryUsage().heapUsed)
    })`, { eval: true, workerData: { module: new URL('../../src/full-collection.js', import.meta.url).href } })
  const freed = await new Promise<number>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject) })
  await worker.terminate()
  t.true(freed > 20 * 2 ** 20, `${Math.round(freed / 2 ** 20)} MB freed in the worker`)
})
