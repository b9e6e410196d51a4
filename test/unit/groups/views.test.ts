// The v1 and v2 group documents built from a worker's snapshot (SPEC §7.4–§7.6): which offsets count, how
// they are ordered and grouped, lag against the high-watermark cache, and where member data comes from.
import test from 'ava'
import type { CommittedOffset, GroupDescription, GroupMetadata, GroupSnapshot, MemberMetadata, OffsetCommit } from '../../../src/pool/group-snapshot.js'
import { groupExists, lag, v1View, v2View, type HighWatermarks } from '../../../src/groups/views.js'

const int16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b }
const int32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b }
const string = (s: string): Buffer => Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)])
const bytes = (data: Buffer | null): Buffer => data === null ? int32(-1) : Buffer.concat([int32(data.length), data])

/** Consumer protocol v0 (Kafka's ConsumerProtocolSubscription / ConsumerProtocolAssignment). */
const subscription = (topics: string[], userData: Buffer | null): Buffer =>
  Buffer.concat([int16(0), int32(topics.length), ...topics.map(string), bytes(userData)])
const assignment = (partitions: Array<[string, number[]]>, userData: Buffer | null): Buffer =>
  Buffer.concat([int16(0), int32(partitions.length), ...partitions.flatMap(([topic, ps]) => [string(topic), int32(ps.length), ...ps.map(int32)]), bytes(userData)])

const description = (members: GroupDescription['members'] = []): GroupDescription => ({
  groupId: 'billing',
  error: null,
  isSimpleConsumerGroup: false,
  state: members.length > 0 ? 'Stable' : 'Empty',
  type: 'Classic',
  partitionAssignor: members.length > 0 ? 'range' : '',
  coordinator: { id: 1, host: 'localhost', port: 9092 },
  members
})

const offset = (topic: string, partition: number, value: number, metadata: string | null = null): CommittedOffset =>
  ({ topic, partition, offset: value, leaderEpoch: null, metadata: metadata === null ? null : Buffer.from(metadata), error: null })

const commit = (value: number, commitTimestamp: number): OffsetCommit =>
  ({ version: 1, offset: value, leaderEpoch: null, metadata: '', commitTimestamp, expireTimestamp: null })

const snapshot = (parts: Partial<GroupSnapshot>): GroupSnapshot =>
  ({ description: description(), offsets: [], metadata: undefined, commits: [], ...parts })

/** orders: 0 → 100, 1 → unknown; audit: 0 → 7. */
const highWatermarks: HighWatermarks = (topic, partition) =>
  topic === 'orders' ? (partition === 0 ? 100 : undefined) : topic === 'audit' && partition === 0 ? 7 : undefined

const liveMember = { memberId: 'm-1', clientId: 'app', host: '/10.0.0.1', groupInstanceId: null, assignment: [{ topic: 'orders', partition: 1 }, { topic: 'audit', partition: 0 }, { topic: 'orders', partition: 0 }] }

test('a group exists with a member or a committed offset (−1 is none)', (t) => {
  t.false(groupExists(snapshot({})))
  t.false(groupExists(snapshot({ offsets: [offset('orders', 0, -1)] })))
  t.true(groupExists(snapshot({ offsets: [offset('orders', 0, 0)] })))
  t.true(groupExists(snapshot({ description: description([liveMember]) })))
})

test('lag: high watermark − offset, never below 0; null when the high watermark is unknown', (t) => {
  t.is(lag(100, 40), 60)
  t.is(lag(100, 100), 0)
  t.is(lag(5, 9), 0)
  t.is(lag(undefined, 3), null)
})

test('v2: committed offsets sorted by topic and partition, grouped by topic, −1 left out, lag and printable metadata', (t) => {
  const view = v2View(snapshot({
    offsets: [offset('orders', 1, 5), offset('audit', 0, 2, 'ok'), offset('orders', 0, 40, null), offset('zeta', 0, -1)]
  }), highWatermarks)
  t.deepEqual(view.committed_offsets, [
    { topic: 'audit', partition_responses: [{ partition: 0, offset: 2, metadata: 'ok', metadata_encoding: 'text', error_code: 'no_error', lag: 5 }] },
    {
      topic: 'orders',
      partition_responses: [
        { partition: 0, offset: 40, metadata: '', metadata_encoding: 'text', error_code: 'no_error', lag: 60 },
        { partition: 1, offset: 5, metadata: '', metadata_encoding: 'text', error_code: 'no_error', lag: null }
      ]
    }
  ])
  t.like(view, { group_id: 'billing', state: 'Empty', protocol: '', protocol_type: '', error_code: 'no_error', members: [] })
})

test('v2: a live member the tail has no record of gets version 0 data built from its assignment, topics sorted', (t) => {
  const view = v2View(snapshot({ description: description([liveMember]) }), highWatermarks)
  t.is(view.protocol_type, 'consumer')
  t.deepEqual(view.members, [{
    member_id: 'm-1',
    client_id: 'app',
    client_host: '/10.0.0.1',
    member_metadata: { version: 0, topics: ['audit', 'orders'], user_data: '', user_data_encoding: 'text' },
    member_assignment: { version: 0, topic_partitions: [{ topic: 'audit', partitions: [0] }, { topic: 'orders', partitions: [0, 1] }], user_data: '', user_data_encoding: 'text' }
  }])
})

const recorded: MemberMetadata = {
  memberId: 'm-1',
  groupInstanceId: null,
  clientId: 'app',
  clientHost: '/10.0.0.1',
  rebalanceTimeout: 300000,
  sessionTimeout: 45000,
  subscription: subscription(['orders'], Buffer.from([0xff, 0x00])),
  assignment: assignment([['orders', [0, 1]]], null)
}
const metadata = (protocolType: string): GroupMetadata =>
  ({ version: 3, protocolType, generation: 7, protocol: 'range', leader: 'm-1', currentStateTimestamp: null, members: [recorded] })

test('v2: a member the tail recorded is decoded from its group-metadata record (binary user data as base64)', (t) => {
  const view = v2View(snapshot({ description: description([liveMember]), metadata: metadata('consumer') }), highWatermarks)
  t.deepEqual(view.members, [{
    member_id: 'm-1',
    client_id: 'app',
    client_host: '/10.0.0.1',
    member_metadata: { version: 0, topics: ['orders'], user_data: '/wA=', user_data_encoding: 'base64' },
    member_assignment: { version: 0, topic_partitions: [{ topic: 'orders', partitions: [0, 1] }], user_data: '', user_data_encoding: 'text' }
  }])
})

test('v1: partitions with high watermark, commit time only when the tail\'s commit is the offset answered, maxlag', (t) => {
  const view = v1View(snapshot({
    offsets: [offset('orders', 0, 40), offset('orders', 1, 5), offset('audit', 0, 2)],
    commits: [
      { topic: 'orders', partition: 0, commit: commit(40, 1_700_000_000_000) },
      { topic: 'audit', partition: 0, commit: commit(1, 1_600_000_000_000) }
    ]
  }), highWatermarks)
  t.deepEqual(view.partitions, [
    { topic: 'audit', partition: 0, offset: 2, metadata: '', metadata_encoding: 'text', high_wm_offset: 7, commit_time: null, expire_time: null, lag: 5 },
    { topic: 'orders', partition: 0, offset: 40, metadata: '', metadata_encoding: 'text', high_wm_offset: 100, commit_time: 1_700_000_000_000, expire_time: null, lag: 60 },
    { topic: 'orders', partition: 1, offset: 5, metadata: '', metadata_encoding: 'text', high_wm_offset: null, commit_time: null, expire_time: null, lag: null }
  ])
  t.is(view.maxlag, 60)
  t.like(view, { generation_id: null, leader: null, protocol: '', members: [] })
  t.is(v1View(snapshot({ offsets: [offset('orders', 1, 5)] }), highWatermarks).maxlag, null, 'no known lag: null')
})

test('v1: members from the tail\'s record (generation, leader, session timeout), else from the live description', (t) => {
  const fromTail = v1View(snapshot({ description: description([liveMember]), metadata: metadata('consumer') }), highWatermarks)
  t.like(fromTail, { generation_id: 7, leader: 'm-1', protocol: 'range' })
  t.deepEqual(fromTail.members, [{
    member_id: 'm-1',
    client_id: 'app',
    client_host: '/10.0.0.1',
    session_timeout: 45000,
    subscription: { version: 0, topics: ['orders'], user_data: '/wA=', user_data_encoding: 'base64' },
    assignment: { version: 0, topic_partitions: { orders: [0, 1] }, user_data: '', user_data_encoding: 'text' }
  }])
  // Another protocol type (Kafka Connect, say): its bytes are not the consumer protocol's.
  const connect = v1View(snapshot({ description: description([liveMember]), metadata: metadata('connect') }), highWatermarks)
  t.like((connect.members as unknown[])[0], { subscription: {}, assignment: {} })
  const live = v1View(snapshot({ description: description([liveMember]) }), highWatermarks)
  t.like(live, { generation_id: null, leader: null, protocol: 'range' })
  t.deepEqual(live.members, [{
    member_id: 'm-1',
    client_id: 'app',
    client_host: '/10.0.0.1',
    session_timeout: null,
    subscription: { version: 0, topics: ['audit', 'orders'], user_data: '', user_data_encoding: 'text' },
    assignment: { version: 0, topic_partitions: { audit: [0], orders: [0, 1] }, user_data: '', user_data_encoding: 'text' }
  }])
})
