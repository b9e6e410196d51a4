// The native admin client (src/kafka/admin-client.ts, native/) against the real broker.
import test, { type ExecutionContext } from 'ava'
import Kafka from '@platformatic/rdkafka'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { AdminClient, AdminError } from '../../src/kafka/admin-client.js'
import type { GroupDescription } from '../../src/pool/group-snapshot.js'
import { KAFKA, createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'

const TIMEOUT_MS = 10_000

// @platformatic/rdkafka aborts the process when a disconnected client is garbage collected: keep
// every client this file creates reachable until the process ends.
const clients: unknown[] = []

function adminClient (t: ExecutionContext, brokers = KAFKA): AdminClient {
  const admin = new AdminClient({ 'bootstrap.servers': brokers, 'client.id': 'admin-client-test', log_level: 0 })
  t.teardown(() => admin.close())
  return admin
}

function uniqueGroup (t: ExecutionContext): string {
  return `test-group-${t.title.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40)}-${randomBytes(4).toString('hex')}`
}

/** Polls `probe` until `done` holds, failing after `timeoutMs`: no fixed sleeps. */
async function until<T> (what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const value = await eventually(probe, done, timeoutMs)
  if (!done(value)) throw new Error(`${what}: not reached in ${timeoutMs} ms, last seen ${JSON.stringify(value)}`)
  return value
}

// A fresh broker creates __consumer_offsets on the first group lookup and answers
// coordinator_load_in_progress while it loads (the gateway retries that, src/pool/service.ts; the raw
// client does not). The tests below list and describe groups directly, so they start once a group
// lookup (which creates the topic) and a listing both answer without error.
test.before('the group coordinator has loaded', async () => {
  const admin = new AdminClient({ 'bootstrap.servers': KAFKA, 'client.id': 'admin-client-test', log_level: 0 })
  const loaded = async (): Promise<string> => {
    try {
      const [probe] = await admin.describeGroups(['admin-client-test-probe'], TIMEOUT_MS)
      if (probe?.error !== null) return `describeGroups: ${probe?.error}`
      await admin.listGroups(TIMEOUT_MS)
      return 'loaded'
    } catch (err) {
      return (err as Error).message
    }
  }
  try {
    await until('group coordinator loaded', loaded, (seen) => seen === 'loaded', 60_000)
  } finally {
    admin.close()
  }
})

async function produce (topic: string, records: Array<{ partition: number, value: string, timestamp?: number }>): Promise<void> {
  const producer = new Kafka.Producer({ 'bootstrap.servers': KAFKA, 'linger.ms': 0, log_level: 0 } as Kafka.ProducerGlobalConfig)
  clients.push(producer)
  await new Promise<void>((resolve, reject) => producer.connect({ timeout: TIMEOUT_MS }, (err) => { if (err) reject(err); else resolve() }))
  try {
    for (const record of records) producer.produce(topic, record.partition, Buffer.from(record.value), null, record.timestamp ?? null)
    await new Promise<void>((resolve, reject) => producer.flush(TIMEOUT_MS, (err) => { if (err) reject(err); else resolve() }))
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  }
}

async function disconnect (client: Kafka.KafkaConsumer): Promise<void> {
  if (client.isConnected()) await new Promise<void>((resolve) => client.disconnect(() => resolve()))
}

/** A classic-protocol group member subscribed to `topic` that has consumed `count` records. */
async function consumeAsGroup (t: ExecutionContext, topic: string, groupId: string, count: number): Promise<Kafka.KafkaConsumer> {
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': KAFKA,
    'group.id': groupId,
    'client.id': 'admin-client-test-consumer',
    'enable.auto.commit': false,
    log_level: 0
  } as Kafka.ConsumerGlobalConfig, { 'auto.offset.reset': 'earliest' })
  clients.push(consumer)
  t.teardown(async () => { await disconnect(consumer) })
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: TIMEOUT_MS }, (err) => { if (err) reject(err); else resolve() }))
  consumer.setDefaultConsumeTimeout(200)
  consumer.subscribe([topic])
  let consumed = 0
  await until('records consumed', async () => {
    const batch = await new Promise<Kafka.Message[]>((resolve, reject) =>
      consumer.consume(count - consumed, (err, messages) => { if (err) reject(err); else resolve(messages) }))
    consumed += batch.length
    return consumed
  }, (n) => n >= count)
  return consumer
}

test('describeTopicConfigs: a dynamic topic config, the defaults, and a missing topic as a per-topic error', async (t) => {
  const topic = await createTopic(t, 1, { 'cleanup.policy': 'compact' })
  const admin = adminClient(t)
  const missing = `${topic}-missing`
  const [config, absent] = await admin.describeTopicConfigs([topic, missing], TIMEOUT_MS)

  t.is(config?.topic, topic)
  t.is(config?.error, null)
  t.deepEqual(config?.entries.find((e) => e.name === 'cleanup.policy'),
    { name: 'cleanup.policy', value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false, isSensitive: false, isReadOnly: false })
  t.like(config?.entries.find((e) => e.name === 'retention.ms'), { value: '604800000', source: 'DEFAULT_CONFIG', isDefault: true })
  // Kafka 4 (KRaft) stores the cluster-wide min.insync.replicas as a dynamic default broker config.
  t.like(config?.entries.find((e) => e.name === 'min.insync.replicas'), { source: 'DYNAMIC_DEFAULT_BROKER_CONFIG', isDefault: false })
  t.deepEqual(absent, { topic: missing, error: 'unknown_topic_or_partition', entries: [] })
})

test('a live consumer group: listed, Stable with its member and assignment, committed offsets kept once it is Empty', async (t) => {
  const topic = await createTopic(t, 2)
  const groupId = uniqueGroup(t)
  await produce(topic, [
    { partition: 0, value: 'a' }, { partition: 0, value: 'b' }, { partition: 0, value: 'c' },
    { partition: 1, value: 'd' }, { partition: 1, value: 'e' }
  ])
  const consumer = await consumeAsGroup(t, topic, groupId, 5)
  consumer.commitSync([{ topic, partition: 0, offset: 3 }, { topic, partition: 1, offset: 2 }])
  const admin = adminClient(t)

  const listed = await until('group listed', async () => await admin.listGroups(TIMEOUT_MS), (groups) => groups.some((g) => g.groupId === groupId))
  t.deepEqual(listed.find((g) => g.groupId === groupId), { groupId, state: 'Stable', isSimpleConsumerGroup: false, type: 'Classic' })

  const [stable] = await until('group Stable with one member', async () => await admin.describeGroups([groupId], TIMEOUT_MS),
    ([group]) => group?.state === 'Stable' && group.members.length === 1)
  t.like(stable, { groupId, error: null, isSimpleConsumerGroup: false, state: 'Stable', type: 'Classic', partitionAssignor: 'range' })
  t.like(stable?.coordinator, { id: 1, host: '127.0.0.1', port: Number(KAFKA.split(':')[1]) })
  const member = stable?.members[0]
  t.is(member?.clientId, 'admin-client-test-consumer')
  t.regex(member?.memberId ?? '', /^admin-client-test-consumer-/)
  t.is(member?.groupInstanceId, null)
  t.truthy(member?.host)
  t.deepEqual(sortPartitions(member?.assignment ?? []), [{ topic, partition: 0 }, { topic, partition: 1 }])

  // The binding's commitSync sends neither a leader epoch nor metadata.
  const expectedOffsets = [
    { topic, partition: 0, offset: 3, leaderEpoch: null, metadata: null, error: null },
    { topic, partition: 1, offset: 2, leaderEpoch: null, metadata: null, error: null }
  ]
  t.deepEqual(sortPartitions(await admin.listGroupOffsets(groupId, TIMEOUT_MS)), expectedOffsets)

  await disconnect(consumer) // leaves the group
  const [empty] = await until('group Empty', async () => await admin.describeGroups([groupId], TIMEOUT_MS), ([group]) => group?.state === 'Empty')
  t.like(empty, { groupId, error: null, state: 'Empty', members: [] })
  t.like((await admin.listGroups(TIMEOUT_MS)).find((g) => g.groupId === groupId), { state: 'Empty' })
  t.deepEqual(sortPartitions(await admin.listGroupOffsets(groupId, TIMEOUT_MS)), expectedOffsets)
})

function sortPartitions<T extends { topic: string, partition: number }> (items: T[]): T[] {
  return [...items].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}

test('an unknown group is described as Dead with no members, and has no committed offsets', async (t) => {
  const admin = adminClient(t)
  const groupId = uniqueGroup(t)
  // On a broker that just started, the group coordinator may still be loading (not_coordinator, state Unknown).
  const [group] = await until('coordinator ready', async () => await admin.describeGroups([groupId], TIMEOUT_MS),
    ([described]) => described?.error !== 'not_coordinator' && described?.error !== 'coordinator_load_in_progress')
  // Observed with librdkafka 2.12 and Kafka 4.1: no error, state Dead (the classic DescribeGroups answer).
  t.like(group, { groupId, error: null, state: 'Dead', members: [], partitionAssignor: '' } satisfies Partial<GroupDescription>)
  t.deepEqual(await admin.listGroupOffsets(groupId, TIMEOUT_MS), [])
  t.false((await admin.listGroups(TIMEOUT_MS)).some((g) => g.groupId === groupId))
})

test('describeGroups answers in the order asked', async (t) => {
  const admin = adminClient(t)
  const ids = [uniqueGroup(t), uniqueGroup(t), uniqueGroup(t)]
  t.deepEqual((await admin.describeGroups(ids, TIMEOUT_MS)).map((g) => g.groupId), ids)
  t.deepEqual(await admin.describeGroups([], TIMEOUT_MS), [])
})

test('listOffsets: earliest, latest (= record count) and by timestamp, per partition errors, in the order asked', async (t) => {
  const topic = await createTopic(t, 2)
  const base = Date.now() - 60_000
  await produce(topic, [0, 1, 2, 3, 4].map((i) => ({ partition: 0, value: `v${i}`, timestamp: base + i * 1000 })))
  const admin = adminClient(t)

  t.deepEqual(await admin.listOffsets([{ topic, partition: 1, spec: 'earliest' }, { topic, partition: 0, spec: 'latest' }], 'read_uncommitted', TIMEOUT_MS), [
    { topic, partition: 1, offset: 0, timestamp: -1, error: null },
    { topic, partition: 0, offset: 5, timestamp: -1, error: null }
  ])
  t.deepEqual(await admin.listOffsets([{ topic, partition: 0, spec: 'earliest' }], 'read_committed', TIMEOUT_MS), [
    { topic, partition: 0, offset: 0, timestamp: -1, error: null }
  ])

  const byTime = await admin.listOffsets([
    { topic, partition: 0, spec: { timestamp: base + 1500 } }, // first record at or after: offset 2
    { topic, partition: 1, spec: { timestamp: base } } // nothing there
  ], 'read_committed', TIMEOUT_MS)
  t.deepEqual(byTime, [
    { topic, partition: 0, offset: 2, timestamp: base + 2000, error: null },
    { topic, partition: 1, offset: -1, timestamp: -1, error: null }
  ])
  t.deepEqual((await admin.listOffsets([{ topic, partition: 0, spec: { timestamp: base + 10_000 } }], 'read_uncommitted', TIMEOUT_MS))[0],
    { topic, partition: 0, offset: -1, timestamp: -1, error: null })

  // Unknown topics and partitions are per-partition errors, whether or not another partition asked
  // for exists (librdkafka itself fails the whole call when none has a leader).
  const unknown = (name: string, partition: number): object => ({ topic: name, partition, offset: -1001, timestamp: -1, error: 'unknown_topic_or_partition' })
  t.deepEqual(await admin.listOffsets([
    { topic: `${topic}-missing`, partition: 0, spec: 'latest' },
    { topic, partition: 0, spec: 'latest' },
    { topic, partition: 7, spec: 'latest' }
  ], 'read_uncommitted', TIMEOUT_MS), [unknown(`${topic}-missing`, 0), { topic, partition: 0, offset: 5, timestamp: -1, error: null }, unknown(topic, 7)])
  t.deepEqual(await admin.listOffsets([
    { topic: `${topic}-missing`, partition: 0, spec: 'latest' },
    { topic, partition: 7, spec: 'earliest' }
  ], 'read_uncommitted', TIMEOUT_MS), [unknown(`${topic}-missing`, 0), unknown(topic, 7)])
})

test('an unreachable cluster: whole calls reject with AdminError (timeout) within a few seconds', async (t) => {
  const admin = adminClient(t, '127.0.0.1:1') // nothing listens on port 1
  // One at a time: each call waiting holds a libuv pool thread (4 by default, shared with other tests).
  const calls: Array<() => Promise<unknown>> = [
    async () => await admin.listGroups(1500),
    async () => await admin.listGroupOffsets('some-group', 1500),
    async () => await admin.describeTopicConfigs(['some-topic'], 1500),
    async () => await admin.listOffsets([{ topic: 'some-topic', partition: 0, spec: 'latest' }], 'read_uncommitted', 1500)
  ]
  for (const call of calls) {
    const started = Date.now()
    const reason = await t.throwsAsync(call, { instanceOf: AdminError })
    t.like(reason, { name: 'AdminError', code: -185, error: 'timeout' })
    t.true(Date.now() - started < 4000, `took ${Date.now() - started} ms`)
  }
  // librdkafka reports the coordinator lookup per group: the call succeeds with the error inside.
  const started = Date.now()
  const [group] = await admin.describeGroups(['some-group'], 1500)
  t.like(group, { groupId: 'some-group', error: 'timeout', state: 'Unknown', coordinator: null, members: [] })
  t.true(Date.now() - started < 4000, `took ${Date.now() - started} ms`)
})

test('bad arguments reject with AdminError (invalid_arg) before reaching native code', async (t) => {
  const admin = adminClient(t)
  const invalid = { instanceOf: AdminError, code: -186 } as const
  const loose = admin as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  const calls: Array<() => Promise<unknown>> = [
    async () => await admin.listGroups(0),
    async () => await admin.listGroups(1.5),
    async () => await admin.listGroups(Number.NaN),
    async () => await loose.listGroups?.('1000'),
    async () => await admin.describeGroups(['a', 'a'], 1000),
    async () => await admin.describeGroups([''], 1000),
    async () => await loose.describeGroups?.('group', 1000),
    async () => await loose.describeGroups?.([42], 1000),
    async () => await admin.listGroupOffsets('a\u0000b', 1000),
    async () => await admin.listGroupOffsets('g'.repeat(256), 1000),
    async () => await admin.describeGroups(['é'.repeat(128)], 1000),
    async () => await admin.describeTopicConfigs(['x'.repeat(1000)], 1000),
    async () => await admin.describeTopicConfigs(['t', 't'], 1000),
    async () => await admin.listOffsets([{ topic: 't', partition: -1, spec: 'latest' }], 'read_uncommitted', 1000),
    async () => await admin.listOffsets([{ topic: 'not a topic!', partition: 0, spec: 'latest' }], 'read_uncommitted', 1000),
    async () => await admin.listOffsets([{ topic: 't', partition: 0, spec: { timestamp: -5 } }], 'read_uncommitted', 1000),
    async () => await loose.listOffsets?.([{ topic: 't', partition: 0, spec: 'newest' }], 'read_uncommitted', 1000),
    async () => await loose.listOffsets?.([{ topic: 't', partition: 0, spec: 'latest' }], 'committed', 1000),
    async () => await loose.listOffsets?.([null], 'read_uncommitted', 1000),
    async () => await admin.listOffsets([{ topic: 't', partition: 0, spec: 'latest' }, { topic: 't', partition: 0, spec: 'earliest' }], 'read_uncommitted', 1000)
  ]
  for (const call of calls) await t.throwsAsync(call, invalid)

  t.throws(() => new AdminClient({ 'no.such.property': 'x' }), { instanceOf: AdminError, code: -186, message: /no\.such\.property/ })
  t.throws(() => new AdminClient({ 'bootstrap.servers': {} as unknown as string }), { instanceOf: AdminError, code: -186 })
})

test('the addon itself refuses names Kafka cannot hold (over 249 / 255 bytes), should one get past the checks above', async (t) => {
  const { createRequire } = await import('node:module')
  const addon = createRequire(import.meta.url)(new URL('../../../build/Release/kastlex_admin.node', import.meta.url).pathname) as {
    AdminHandle: new (properties: Record<string, string>) => Record<string, (...args: unknown[]) => Promise<unknown>> & { close: () => void }
  }
  const handle = new addon.AdminHandle({ 'bootstrap.servers': KAFKA, log_level: '0' })
  t.teardown(() => handle.close())
  const refused = { message: /longer than/ }
  t.throws(() => handle.describeTopicConfigs?.(['x'.repeat(250)], 1000), refused)
  t.throws(() => handle.listOffsets?.([{ topic: 'x'.repeat(1000), partition: 0, spec: -1 }], false, 1000), refused)
  t.throws(() => handle.listGroupOffsets?.('g'.repeat(256), 1000), refused)
  t.throws(() => handle.describeGroups?.(['é'.repeat(128)], 1000), refused, 'bytes of UTF-8, not characters')
  t.is((await handle.describeGroups?.(['g'.repeat(255)], TIMEOUT_MS) as unknown[]).length, 1, '255 bytes still pass')
})

test('close is idempotent; later calls reject; a call in flight still settles', async (t) => {
  const admin = adminClient(t)
  const inFlight = admin.listGroups(TIMEOUT_MS)
  admin.close()
  admin.close()
  t.true(Array.isArray(await inFlight))
  await t.throwsAsync(admin.listGroups(TIMEOUT_MS), { instanceOf: AdminError, code: -197 })
})

test('the addon shares the librdkafka of @platformatic/rdkafka: one copy in the process', async (t) => {
  const producer = new Kafka.Producer({ 'bootstrap.servers': KAFKA, log_level: 0 } as Kafka.ProducerGlobalConfig)
  clients.push(producer)
  const admin = adminClient(t)
  t.is((await admin.describeTopicConfigs(['kastlex'], TIMEOUT_MS))[0]?.error, null)
  const maps = readFileSync('/proc/self/maps', 'utf8')
  const libraries = new Set(maps.split('\n').filter((line) => line.includes('librdkafka.so')).map((line) => line.slice(line.indexOf('/'))))
  t.is(libraries.size, 1, [...libraries].join(', '))
  t.true(maps.includes('kastlex_admin.node'))
})

test('two worker threads use the addon at the same time, then exit cleanly', async (t) => {
  const topic = await createTopic(t, 1)
  const groupId = uniqueGroup(t)
  await produce(topic, [{ partition: 0, value: 'x' }])
  await consumeAsGroup(t, topic, groupId, 1)

  const parties = 2
  const barrier = new SharedArrayBuffer(4) // both workers hold their calls until both have a client
  const run = async (): Promise<{ message: unknown, exitCode: number }> => {
    const worker = new Worker(new URL('../helpers/admin-client-worker.js', import.meta.url), { workerData: { brokers: KAFKA, groupId, topic, barrier, parties } })
    let message: unknown
    worker.on('message', (m) => { message = m })
    const exitCode = await new Promise<number>((resolve, reject) => { worker.on('exit', resolve); worker.on('error', reject) })
    return { message, exitCode }
  }
  const results = await Promise.all(Array.from({ length: parties }, run))
  for (const { message, exitCode } of results) {
    t.is(exitCode, 0)
    t.deepEqual(message, { ok: true, listed: true, state: 'Stable', configError: null })
  }
  // and this thread's addon instance still works
  t.like((await adminClient(t).describeGroups([groupId], TIMEOUT_MS))[0], { state: 'Stable' })
})

test('terminating a worker thread with calls in flight (an admin call, metadata, a partition reader\'s pull) does not crash the process', async (t) => {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads')
    Promise.all([import(workerData.admin), import(workerData.reader)]).then(([{ AdminClient }, { assignedReader }]) => {
      const admin = new AdminClient({ 'bootstrap.servers': '127.0.0.1:1', log_level: 0 })
      admin.listGroups(1500).catch(() => {})
      admin.metadata(1500).catch(() => {})
      const reader = assignedReader({ common: { 'bootstrap.servers': '127.0.0.1:1' }, clientId: 'test', groupId: 'test', autoOffsetReset: 'earliest', properties: { log_level: 0 } })
      reader.pull(10, 1500).catch(() => {})
      parentPort.postMessage('started')
    })`, {
    eval: true,
    workerData: {
      admin: new URL('../../src/kafka/admin-client.js', import.meta.url).href,
      reader: new URL('../../src/kafka/assigned-consumer.js', import.meta.url).href
    }
  })
  await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject) })
  // node waits for the call's pool work (bounded by its timeout) before the thread goes away.
  t.is(await worker.terminate(), 1)
})
