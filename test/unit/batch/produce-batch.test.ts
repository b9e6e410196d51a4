// produceBatch with a producer that answers without Kafka: per-record results in body order, one answer per
// part when the body joins several (a produce stream's frames), failed records answered in their place.
import test from 'ava'
import { encodeFramedRecords } from '../../../src/batch/binary-framing.js'
import { produceBatch } from '../../../src/batch/produce-batch.js'
import { Deliveries } from '../../../src/kafka/deliveries.js'
import { OpError } from '../../../src/kafka/op-error.js'
import type { Producer } from '../../../src/kafka/producer.js'
import type { ProduceBatchOp } from '../../../src/pool/messages.js'

/** Record i is written at offset 100 + i of its partition, except values named `fail`, which time out. */
const producer = {
  produceAll: async (_topic: string, records: ReadonlyArray<{ value: Buffer | null, partition: number }>, partition: number) =>
    await new Promise((resolve) => {
      const deliveries = new Deliveries(records.length, resolve)
      records.forEach((record, index) => {
        if (record.value?.toString() === 'fail') deliveries.failed(index, new OpError('timeout'))
        else deliveries.delivered(index, record.partition >= 0 ? record.partition : partition, 100 + index)
      })
    })
} as unknown as Producer

const op = (values: string[], parts?: number[]): ProduceBatchOp => ({
  op: 'produceBatch',
  topic: 't',
  partition: 1,
  partitionCount: 2,
  format: 'binary',
  body: encodeFramedRecords(values.map((value) => ({ key: null, value: Buffer.from(value) }))),
  headers: [],
  maxRecords: 10,
  parts
})

test('one body without parts; one per part with them, in order; a failed record answered in its place', async (t) => {
  const whole = await produceBatch(producer, op(['a', 'fail', 'c']))
  t.deepEqual(whole.bodies.map((body) => JSON.parse(body) as unknown), [{
    results: [{ partition: 1, offset: 100 }, { error: 'timeout', status: 503 }, { partition: 1, offset: 102 }]
  }])
  t.like(whole, { produced: 2, producedBytes: 2 })
  const split = await produceBatch(producer, op(['a', 'fail', 'c', 'dd'], [1, 2, 1]))
  t.deepEqual(split.bodies.map((body) => JSON.parse(body) as unknown), [
    { results: [{ partition: 1, offset: 100 }] },
    { results: [{ error: 'timeout', status: 503 }, { partition: 1, offset: 102 }] },
    { results: [{ partition: 1, offset: 103 }] }
  ])
  t.like(split, { produced: 3, producedBytes: 4 })
})

test('parts that do not add up to the body\'s records are refused before anything is produced', async (t) => {
  let produced = 0
  const counting = { produceAll: async () => { produced++; return new Deliveries(0, () => {}) } } as unknown as Producer
  await t.throwsAsync(produceBatch(counting, op(['a', 'b'], [1])), { message: /do not add up/ })
  t.is(produced, 0)
})

test('once the records are handed over, a body that owns its memory is given back; a view of shared memory is left alone', async (t) => {
  const handedOver: string[] = []
  const connected = {
    connected: true,
    produceAll: async (_topic: string, records: ReadonlyArray<{ value: Buffer | null }>, partition: number) => {
      // What librdkafka copies, read when handed over
      for (const record of records) handedOver.push(record.value?.toString() ?? '')
      return await producer.produceAll(_topic, records as never, partition)
    }
  } as unknown as Producer
  const framed = op(['a', 'bb'])
  const owned: ProduceBatchOp = { ...framed, body: Buffer.from(framed.body.buffer.slice(framed.body.byteOffset, framed.body.byteOffset + framed.body.length)) }
  const result = await produceBatch(connected, owned)
  t.deepEqual(handedOver, ['a', 'bb'])
  t.like(result, { produced: 2, producedBytes: 3 })
  t.is(owned.body.byteLength, 0)
  const shared = Buffer.concat([op(['c']).body, Buffer.from('tail')])
  const view: ProduceBatchOp = { ...op([]), body: shared.subarray(0, shared.length - 4) }
  await produceBatch(connected, view)
  t.is(view.body.toString('latin1', 8), 'c')
})
