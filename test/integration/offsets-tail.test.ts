// The offsets tail's catch-up signal (issue 15): it is set only once everything `__consumer_offsets`
// held when the tail started has been read, so a commit made before the start is known by then.
import test from 'ava'
import Kafka from '@platformatic/rdkafka'
import { randomBytes } from 'node:crypto'
import type { KafkaConfig } from '../../src/config.js'
import { OffsetsTail, offsetsTailReader } from '../../src/groups/offsets-tail.js'
import type { NativePartitionReader } from '../../src/kafka/addon.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'

const config: KafkaConfig = {
  common: { 'bootstrap.servers': KAFKA },
  producer: {},
  securityProtocol: 'PLAINTEXT',
  requestTimeoutMs: 10_000,
  produceTimeoutMs: 10_000
}
// The binding aborts when a disconnected client is garbage collected: keep every one reachable.
const clients: unknown[] = []

/** Commits `offset` for partition 0 of `topic` as `group`, without joining the group (a simple consumer). */
async function commit (group: string, topic: string, offset: number): Promise<void> {
  const consumer = new Kafka.KafkaConsumer({ 'bootstrap.servers': KAFKA, 'group.id': group, 'enable.auto.commit': false, log_level: 0 } as Kafka.ConsumerGlobalConfig, {})
  clients.push(consumer)
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 10_000 }, (err) => { if (err) reject(err); else resolve() }))
  try {
    consumer.commitSync([{ topic, partition: 0, offset }])
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
}

test('the tail reports catching up once the commits made before it started are read, and only then', async (t) => {
  const topic = await createTopic(t)
  const group = `test-offsets-tail-${randomBytes(4).toString('hex')}`
  await commit(group, topic, 7)

  const tail = new OffsetsTail(config)
  t.teardown(async () => { await tail.close() })
  t.is(tail.progress().caughtUp, undefined)
  const progress = await eventually(async () => {
    // read together: the commit must be known whenever the catch-up is
    const snapshot = { progress: tail.progress(), commits: tail.group(group).commits }
    if (snapshot.progress.caughtUp !== undefined) t.deepEqual(snapshot.commits.map((c) => [c.topic, c.partition, c.commit.offset]), [[topic, 0, 7]])
    return snapshot.progress
  }, (p) => p.caughtUp !== undefined, 30_000, 20)
  t.truthy(progress.caughtUp, 'caught up within 30 s')
  t.true((progress.caughtUp?.records ?? 0) >= 1)
  t.true((progress.caughtUp?.seconds ?? -1) >= 0)
  t.true(progress.records >= (progress.caughtUp?.records ?? Infinity))
  // The committed offsets are left out only for this tail's own current version (read in one turn: no record
  // is applied in between).
  const version = tail.version()
  t.true((tail.committedOffsetsSince(undefined) ?? []).some((o) => o.group === group && o.topic === topic && o.offset === 7))
  t.is(tail.committedOffsetsSince(version), undefined)
  t.truthy(tail.committedOffsetsSince({ tail: 'another tail', records: version.records }))
  t.truthy(tail.committedOffsetsSince({ tail: version.tail, records: version.records - 1 }))
})

test('close() closes the reader only once no pull is in flight, and resolves with none (a pull answered after a worker thread ended crashed the process)', async (t) => {
  for (let round = 0; round < 3; round++) {
    const reader = offsetsTailReader(config)
    let pulling = 0
    const pullsAtClose: number[] = []
    const watched: NativePartitionReader = {
      partitions: async (topic, timeoutMs) => await reader.partitions(topic, timeoutMs),
      assign: (topic, partitions, offset) => reader.assign(topic, partitions, offset),
      pull: async (maxRecords, waitMs) => {
        pulling++
        try {
          return await reader.pull(maxRecords, waitMs)
        } finally {
          pulling--
        }
      },
      close: () => {
        pullsAtClose.push(pulling)
        reader.close()
      }
    }
    const tail = new OffsetsTail(config, watched)
    // Once caught up, a pull is always in flight (each starts the next before its batch is applied).
    await eventually(async () => tail.progress(), (p) => p.caughtUp !== undefined, 30_000, 10)
    t.is(pulling, 1, `round ${round}: a pull in flight before close()`)
    await tail.close()
    t.deepEqual(pullsAtClose, [0], `round ${round}: pulls in flight when the reader was closed`)
    t.is(pulling, 0, `round ${round}: pulls unanswered after close()`)
  }
})
