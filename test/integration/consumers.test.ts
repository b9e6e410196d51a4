// Consumer groups on Kafka 4 (SPEC §7): list, v1 and v2 show with offsets and lag, topic config,
// group metrics, exclusion, and a group in the middle of a rebalance.
import test from 'ava'
import { randomBytes } from 'node:crypto'
import { joinGroup } from '../helpers/consumer.js'
import { eventually } from '../helpers/poll.js'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const gateway = gatewayPerFile(test, { KASTLEX_CG_EXCLUDE_REGEX: '^hidden-', KASTLEX_OFFSETS_REFRESH_MS: '1000' })
const get = async (path: string): Promise<Response> => await fetch(gateway().url + path)
const json = async (path: string): Promise<any> => await (await get(path)).json() // eslint-disable-line @typescript-eslint/no-explicit-any

/** The high-watermark cache refreshes every second here; polls every 250 ms for up to 30 s. */
const settled = async <T> (read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => await eventually(read, done, 30_000, 250)

async function produce (topic: string, partition: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${gateway().url}/api/v2/messages/${topic}/${partition}`, { method: 'POST', body: `r${i}` })
    if (res.status !== 204) throw new Error(`produce: ${res.status}`)
  }
}

test('a committing group is listed and shown by v1 and v2 with offsets, lag 0, then lag N', async (t) => {
  const topic = await createTopic(t, 2)
  const group = `group-${randomBytes(4).toString('hex')}`
  await produce(topic, 0, 2)
  await produce(topic, 1, 2)
  const member = await joinGroup(t, group, topic)
  await member.readAndCommit(4)

  const list = await json('/api/v2/consumers') as string[]
  t.true(list.includes(group))
  t.deepEqual(list, [...list].sort())
  t.deepEqual(await json('/api/v1/consumers'), list)

  const v2 = await settled(() => json(`/api/v2/consumers/${group}`),
    (g) => g.committed_offsets?.[0]?.partition_responses?.every((p: { lag: number | null }) => p.lag === 0))
  t.like(v2, { group_id: group, state: 'Stable', protocol_type: 'consumer', error_code: 'no_error' })
  t.is(v2.members.length, 1)
  t.like(v2.members[0].member_metadata, { topics: [topic], user_data: '', user_data_encoding: 'text' })
  t.like(v2.members[0].member_assignment, { topic_partitions: [{ topic, partitions: [0, 1] }] })
  t.deepEqual(v2.committed_offsets, [{
    topic,
    partition_responses: [0, 1].map((partition) => ({ partition, offset: 2, metadata: '', metadata_encoding: 'text', error_code: 'no_error', lag: 0 }))
  }])

  await produce(topic, 0, 3)
  const v1 = await settled(() => json(`/api/v1/consumers/${group}`), (g) => g.maxlag === 3)
  t.like(v1, { group_id: group, state: 'Stable', maxlag: 3 })
  t.is(typeof v1.generation_id, 'number')
  t.is(v1.leader, v1.members[0]?.member_id)
  t.true(typeof v1.protocol === 'string' && v1.protocol.length > 0)
  t.like(v1.members[0], { client_id: `test-${group}`, subscription: { topics: [topic] }, assignment: { topic_partitions: { [topic]: [0, 1] } } })
  t.is(typeof v1.members[0].session_timeout, 'number')
  t.like(v1.partitions[0], { topic, partition: 0, offset: 2, high_wm_offset: 5, lag: 3 })
  t.like(v1.partitions[1], { topic, partition: 1, offset: 2, high_wm_offset: 2, lag: 0 })
  t.is(typeof v1.partitions[0].commit_time, 'number')

  const metrics = await (await get('/metrics')).text()
  t.true(metrics.includes(`kafka_topic_offset{topic="${topic}",partition="0"} 5`))
  t.true(metrics.includes(`kafka_consumer_group_offset{consumer_group="${group}",topic="${topic}",partition="0"} 2`))
  t.true(metrics.includes(`kafka_consumer_group_lag{consumer_group="${group}",topic="${topic}",partition="0"} 3`))
  // the tail had caught up when it showed the commits above (issue 15: the catch-up signal)
  t.regex(metrics, /^kastlex_offsets_tail_caught_up 1$/m)
  t.regex(metrics, /^kastlex_offsets_tail_records_total [1-9]\d*$/m)
})

test('an unknown group, and an excluded one, are 404 on both versions and not listed', async (t) => {
  const topic = await createTopic(t)
  await produce(topic, 0, 1)
  const hidden = `hidden-${randomBytes(4).toString('hex')}`
  const member = await joinGroup(t, hidden, topic)
  await member.readAndCommit(1)
  for (const group of [`nobody-${randomBytes(4).toString('hex')}`, hidden]) {
    for (const version of [1, 2]) {
      const res = await get(`/api/v${version}/consumers/${group}`)
      t.is(res.status, 404, `${group} v${version}`)
      t.deepEqual(await res.json(), { error: 'unknown group' })
    }
  }
  t.false((await json('/api/v2/consumers') as string[]).includes(hidden))
})

test('a group in the middle of a rebalance is shown, never an error', async (t) => {
  const topic = await createTopic(t, 2)
  const group = `group-${randomBytes(4).toString('hex')}`
  await produce(topic, 0, 1)
  const first = await joinGroup(t, group, topic)
  await first.readAndCommit(1)
  // Both members poll in the background (flowing mode), so the group rebalances when the second joins.
  first.consumer.consume()
  const second = await joinGroup(t, group, topic)
  second.consumer.consume()
  const statuses = new Set<number>()
  const states = new Set<string>()
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const res = await get(`/api/v2/consumers/${group}`)
    statuses.add(res.status)
    const shown = await res.json() as { state: string, members?: unknown[] }
    states.add(shown.state)
    if (shown.state === 'Stable' && shown.members?.length === 2) break
  }
  t.deepEqual([...statuses], [200], `states seen: ${[...states].join(', ')}`)
})

test('topic config: the topic-level overrides', async (t) => {
  const compacted = await createTopic(t, 1, { 'cleanup.policy': 'compact', 'retention.ms': '3600000' })
  const plain = await createTopic(t)
  t.deepEqual((await json(`/api/v1/topics/${compacted}`)).config, { 'cleanup.policy': 'compact', 'retention.ms': '3600000' })
  t.deepEqual((await json(`/api/v1/topics/${plain}`)).config, {})
})
