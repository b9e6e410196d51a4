// The native producer's single-record call (native/producer.cc produceOne), without a broker: what it refuses
// at once, what it throws, and that nothing given to it crashes the process.
import test from 'ava'
import { loadAddon, type NativeProducerHandle } from '../../../src/kafka/addon.js'

/** librdkafka's RD_KAFKA_RESP_ERR__INVALID_ARG */
const INVALID_ARG = -186

function producer (t: { teardown: (fn: () => void) => void }): NativeProducerHandle {
  const { ProducerHandle } = loadAddon()
  // nothing listens on port 1: records stay queued, and close() drops them without reports
  const handle = new ProducerHandle({ 'bootstrap.servers': '127.0.0.1:1', 'linger.ms': '1' }, () => {})
  t.teardown(() => handle.close())
  return handle
}

test('produceOne queues a record with key, value and headers, and a tombstone (0: taken)', (t) => {
  const handle = producer(t)
  t.is(handle.produceOne('t', Buffer.from('k'), Buffer.from('v'), [['h', 'x']], -1, 1, Date.now()), 0)
  t.is(handle.produceOne('t', Buffer.from('k'), null, [], 3, 2, Date.now()), 0)
  t.is(handle.produceOne('t', null, Buffer.alloc(0), [], 0, 3, Date.now()), 0)
})

test('produceOne refuses a key or value that is no Buffer, and throws on a bad topic, partition, batch or time', (t) => {
  const handle = producer(t)
  const call = handle.produceOne.bind(handle) as (...args: unknown[]) => number
  t.is(call('t', null, 'text', [], -1, 1, 0), INVALID_ARG)
  t.is(call('t', 42, Buffer.from('v'), [], -1, 1, 0), INVALID_ARG)
  t.is(call('t', null, Buffer.from('v'), 'no headers', -1, 1, 0), 0, 'headers that are no array: none')
  for (const args of [
    [undefined, null, Buffer.from('v'), [], -1, 1, 0],
    ['t'.repeat(300), null, Buffer.from('v'), [], -1, 1, 0],
    ['t', null, Buffer.from('v'), [], -2, 1, 0],
    ['t', null, Buffer.from('v'), [], 2 ** 31, 1, 0],
    ['t', null, Buffer.from('v'), [], -1, -1, 0],
    ['t', null, Buffer.from('v'), [], -1, 1, 'now']
  ]) {
    t.throws(() => call(...args), undefined, JSON.stringify(args[0])?.slice(0, 20))
  }
})

test('produceOne on a closed producer throws', (t) => {
  const handle = producer(t)
  handle.close()
  t.throws(() => handle.produceOne('t', null, Buffer.from('v'), [], -1, 1, 0), { message: /closed/ })
})
