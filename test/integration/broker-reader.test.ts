// The fetch path's Kafka client against the real broker (src/kafka/fetch/broker-reader.ts): stateless
// reads from any offset, offsets, and its failures as named errors within the deadline.
import test from 'ava'
import { BrokerReader } from '../../src/kafka/fetch/broker-reader.js'
import { OpError } from '../../src/kafka/op-error.js'
import { Producer } from '../../src/kafka/producer.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'

const config = {
  common: { 'bootstrap.servers': KAFKA, 'security.protocol': 'plaintext' },
  producer: { acks: -1, 'enable.idempotence': true, 'linger.ms': 1 },
  securityProtocol: 'PLAINTEXT' as const,
  requestTimeoutMs: 3000,
  produceTimeoutMs: 10_000
}
const limits = { maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20 }

test('reads from any offset, in any order; offsets; out of range and unknown topics are named errors, fast', async (t) => {
  const topic = await createTopic(t)
  const producer = new Producer(config)
  t.teardown(async () => { await producer.close(5000) })
  for (let i = 0; i < 20; i++) await producer.produce({ op: 'produce', topic, partition: 0, key: null, value: Buffer.from(`n${i}`), headers: [] })
  const reader = new BrokerReader(config)
  t.teardown(async () => { await reader.close() })
  const deadline = (): number => Date.now() + 5000

  for (const offset of [15, 3, 19, 0, 7]) {
    const read = await reader.read(topic, 0, offset, limits, deadline())
    const from = read.records.filter((r) => r.offset >= offset)
    t.deepEqual(from.map((r) => r.value?.toString()), Array.from({ length: 20 - offset }, (_, i) => `n${offset + i}`), `from ${offset}`)
    t.true(read.start <= offset)
    t.is(read.end, 20)
    t.is(read.lastStable, 20)
  }
  const atEnd = await reader.read(topic, 0, 20, { ...limits, maxWaitMs: 100 }, deadline())
  t.deepEqual([atEnd.records.length, atEnd.start, atEnd.end], [0, 20, 20])
  t.deepEqual(await reader.watermarks(topic, 0, deadline()), { earliest: 0, latest: 20 })

  const beyond = await t.throwsAsync(reader.read(topic, 0, 21, limits, deadline()), { instanceOf: OpError })
  t.is(beyond?.error, 'offset_out_of_range')
  const started = Date.now()
  const unknown = await t.throwsAsync(reader.read(`${topic}-none`, 0, 0, limits, deadline()), { instanceOf: OpError })
  t.is(unknown?.error, 'unknown_topic_or_partition')
  t.true(Date.now() - started < 2000, `unknown topic named after ${Date.now() - started} ms`)
  const noPartition = await t.throwsAsync(reader.read(topic, 5, 0, limits, deadline()), { instanceOf: OpError })
  t.is(noPartition?.error, 'unknown_topic_or_partition')
})

test('an unreachable broker fails the read with `timeout` by its deadline, not later', async (t) => {
  // Loaded beforehand: a thread's first read compiles the library (about a second of CPU, several on a
  // loaded machine), which no deadline can interrupt; this test is about waiting for the broker.
  await import('@platformatic/kafka')
  const reader = new BrokerReader({ ...config, common: { 'bootstrap.servers': '127.0.0.1:1', 'security.protocol': 'plaintext' } })
  t.teardown(async () => { await reader.close() })
  const started = Date.now()
  const failed = await t.throwsAsync(reader.read('any', 0, 0, limits, Date.now() + 1000), { instanceOf: OpError })
  t.is(failed?.error, 'timeout')
  t.true(Date.now() - started < 1500, `failed after ${Date.now() - started} ms`)
})
