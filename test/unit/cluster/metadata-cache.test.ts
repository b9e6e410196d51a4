// SPEC §4.4 / §10.6a: live lookups ask for every topic (never one by name), are shared while in flight,
// and a miss is answered from memory for a few seconds; remembered misses are bounded.
import test from 'ava'
import { MetadataCache, RecentMisses } from '../../../src/cluster/metadata-cache.js'
import type { KafkaClient } from '../../../src/pool/kafka-client.js'
import type { ClusterMetadata, KafkaOp } from '../../../src/pool/messages.js'

/** Metadata of `topics` (name → partition count), answered after a turn; records every op. */
class FakeKafka implements KafkaClient {
  readonly ops: KafkaOp[] = []
  constructor (public topics: Record<string, number>) {}
  async run (op: KafkaOp): Promise<never> {
    this.ops.push(op)
    await new Promise((resolve) => setImmediate(resolve))
    const metadata: ClusterMetadata = {
      brokers: [],
      topics: Object.entries(this.topics).map(([name, count]) => ({
        name, partitions: Array.from({ length: count }, (_, partition) => ({ partition, leader: 1, replicas: [1], isr: [1] }))
      }))
    }
    return metadata as never
  }

  async runOnEach (op: KafkaOp): Promise<never> { return await this.run(op) }
  stats (): never { throw new Error('not used') }
  async close (): Promise<void> {}
}

test('a lookup asks for every topic; concurrent unknown names share the requests; a miss is not asked again', async (t) => {
  const kafka = new FakeKafka({ real: 2 })
  const cache = new MetadataCache(kafka)
  const names = Array.from({ length: 16 }, (_, i) => `unknown-${i}`)
  t.deepEqual(await Promise.all(names.map(async (name) => await cache.topic(name))), names.map(() => undefined))
  t.true(kafka.ops.every((op) => Object.keys(op).join() === 'op' && op.op === 'metadata'), 'never a topic by name')
  t.true(kafka.ops.length <= 2, `16 lookups, ${kafka.ops.length} requests`)
  const before = kafka.ops.length
  t.is(await cache.topic('unknown-3'), undefined)
  t.is(kafka.ops.length, before, 'the miss is remembered')
  kafka.topics['fresh'] = 1
  t.like(await cache.topic('fresh'), { name: 'fresh' }, 'a name never asked is looked up at once')
})

test('a partition beyond the count of a real topic: one lookup, then remembered; a new partition is found once asked anew', async (t) => {
  const kafka = new FakeKafka({ real: 2 })
  const cache = new MetadataCache(kafka)
  t.like(await cache.partition('real', 1), { partition: 1 })
  const before = kafka.ops.length
  for (let i = 0; i < 5; i++) t.is(await cache.partition('real', 99999), undefined)
  t.is(kafka.ops.length, before + 1)
  kafka.topics['real'] = 4
  t.like(await cache.partition('real', 3), { partition: 3 }, 'another partition is looked up')
  t.is(await cache.partition('real', -1), undefined)
})

test('has: what the cache holds, without a lookup: the topic, its partitions 0…count−1, nothing else', async (t) => {
  const kafka = new FakeKafka({ real: 2 })
  const cache = new MetadataCache(kafka)
  t.false(cache.has('real'), 'nothing before the first refresh')
  await cache.topic('real')
  const ops = kafka.ops.length
  t.true(cache.has('real'))
  t.true(cache.has('real', 0))
  t.true(cache.has('real', 1))
  t.false(cache.has('real', 2))
  t.false(cache.has('real', -1))
  t.false(cache.has('other'))
  t.false(cache.has('other', 0))
  t.is(kafka.ops.length, ops, 'never asks Kafka')
})

test('RecentMisses: kept for the TTL, at most `max` (the oldest forgotten first)', (t) => {
  const misses = new RecentMisses(1000, 3)
  misses.add('a', 0)
  t.true(misses.has('a', 999))
  t.false(misses.has('a', 1000), 'expired')
  for (const key of ['b', 'c', 'd', 'e']) misses.add(key, 10)
  t.is(misses.size, 3)
  t.false(misses.has('b', 11), 'the oldest went first')
  t.true(misses.has('e', 11))
  misses.add('f', 5000)
  t.is(misses.size, 1, 'expired entries are dropped as new ones come')
})
