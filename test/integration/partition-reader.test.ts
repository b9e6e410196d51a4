// The addon's PartitionReader (native/partition-reader.cc) against the real broker: assigned partitions read
// in packed pulls, every record exactly once and in each partition's order, the end of each partition; bad
// arguments and a closed reader refused with librdkafka's codes, never a crash.
import test from 'ava'
import type { NativePartitionReader } from '../../src/kafka/addon.js'
import { assignedReader } from '../../src/kafka/assigned-consumer.js'
import { Producer } from '../../src/kafka/producer.js'
import { forEachPulledEntry } from '../../src/kafka/pulled-entries.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'

const config = {
  common: { 'bootstrap.servers': KAFKA },
  producer: { acks: -1, 'enable.idempotence': true, 'linger.ms': 1 },
  securityProtocol: 'PLAINTEXT' as const,
  requestTimeoutMs: 10_000,
  produceTimeoutMs: 10_000
}
/** librdkafka's RD_KAFKA_RESP_ERR__INVALID_ARG and RD_KAFKA_RESP_ERR__DESTROY. */
const ERR_INVALID_ARG = -186
const ERR_DESTROY = -197

function reader (t: { teardown: (fn: () => void) => void }): NativePartitionReader {
  const created = assignedReader({
    common: config.common,
    clientId: 'test-partition-reader',
    groupId: 'test-partition-reader',
    autoOffsetReset: 'earliest',
    properties: { 'enable.partition.eof': true, log_level: 0 }
  })
  t.teardown(() => created.close())
  return created
}

test('reads every record of the assigned partitions once, in order, with null and empty keys and values, then each end', async (t) => {
  const topic = await createTopic(t, 3)
  const producer = new Producer(config)
  t.teardown(async () => { await producer.close(5000) })
  const sent: string[][] = [[], [], []]
  const records = Array.from({ length: 3000 }, (_, i) => {
    const partition = i % 3
    const key = i % 7 === 0 ? null : i % 11 === 0 ? Buffer.alloc(0) : Buffer.from(`k${i}`)
    const value = i % 5 === 0 ? null : i % 13 === 0 ? Buffer.alloc(0) : Buffer.from(`v${i}`.repeat(1 + (i % 4)))
    sent[partition]?.push(`${key?.toString() ?? '-'}|${value?.toString() ?? '-'}`)
    return { partition, key, value, headers: [] }
  })
  const deliveries = await producer.produceAll(topic, records)
  t.is(deliveries.failure(0), undefined)

  const partitions = reader(t)
  const metadata = await partitions.partitions(topic, 10_000)
  t.deepEqual(metadata.topics.map((m) => [m.name, m.partitions.map((p) => p.id).sort()]), [[topic, [0, 1, 2]]])
  partitions.assign(topic, [0, 1, 2], -2)
  const read: string[][] = [[], [], []]
  const ended = new Set<number>()
  while (ended.size < 3) {
    forEachPulledEntry(await partitions.pull(500, 1000), {
      record: (partition, key, value) => { read[partition]?.push(`${key?.toString() ?? '-'}|${value?.toString() ?? '-'}`) },
      endOfPartition: (partition) => { ended.add(partition) }
    })
  }
  t.deepEqual(read, sent)
})

test('a missing topic has no partitions; bad arguments throw ERR__INVALID_ARG; a closed reader throws ERR__DESTROY', async (t) => {
  const partitions = reader(t)
  const missing = await partitions.partitions('test-no-such-topic-partition-reader', 10_000)
  t.deepEqual(missing.topics.flatMap((m) => m.partitions), [])
  const invalid = { code: ERR_INVALID_ARG }
  const loose = partitions as unknown as Record<string, (...args: unknown[]) => unknown>
  for (const [method, args] of [
    ['pull', [0, 100]], ['pull', [100_001, 100]], ['pull', [1.5, 100]], ['pull', [10, 0]], ['pull', ['10', 100]],
    ['assign', ['', [0], -2]], ['assign', ['t', 'no', -2]], ['assign', ['t', [-1], -2]], ['assign', ['t', [0], -3]],
    ['partitions', ['a'.repeat(250), 1000]], ['partitions', ['t\0x', 1000]], ['partitions', ['t', -1]]
  ] as const) {
    t.throws(() => loose[method]?.apply(partitions, [...args]), invalid, `${method}(${JSON.stringify(args)})`)
  }
  partitions.close()
  partitions.close()
  t.throws(() => partitions.pull(10, 100), { code: ERR_DESTROY })
  t.throws(() => partitions.assign('t', [0], -2), { code: ERR_DESTROY })
})
