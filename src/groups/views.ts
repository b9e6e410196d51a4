// The v1 and v2 consumer-group documents (SPEC §7.4, §7.5), built from what the Kafka worker gathered
// (live description, committed offsets, the offsets tail's records) and the high-watermark cache.
import type { CommittedOffset, GroupDescription, GroupSnapshot } from '../pool/group-snapshot.js'
import { decodeAssignment, decodeSubscription } from './consumer-protocol.js'
import { printable } from './printable.js'

export type HighWatermarks = (topic: string, partition: number) => number | undefined

/** Bytes that crossed from a worker arrive as plain Uint8Arrays; the decoders read Buffers. */
function bytes (data: Uint8Array | null | undefined): Buffer | undefined {
  if (data === null || data === undefined) return undefined
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}

/** SPEC §7.1: a group exists iff it has a member or a committed offset. */
export function groupExists (snapshot: GroupSnapshot): boolean {
  return snapshot.description.members.length > 0 || committed(snapshot).length > 0
}

function committed (snapshot: GroupSnapshot): CommittedOffset[] {
  return snapshot.offsets.filter((o) => o.offset >= 0).sort(byTopicPartition)
}

const byTopicPartition = (a: { topic: string, partition: number }, b: { topic: string, partition: number }): number =>
  a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition

/** SPEC §7.6: high watermark − committed offset, at least 0; null when the high watermark is unknown. */
export function lag (highWatermark: number | undefined, offset: number): number | null {
  return highWatermark === undefined ? null : Math.max(0, highWatermark - offset)
}

function userData (bytes: Buffer | null): { user_data: string, user_data_encoding: string } {
  const { value, encoding } = printable(bytes)
  return { user_data: value, user_data_encoding: encoding }
}

function subscriptionOf (data: Uint8Array | undefined): Record<string, unknown> {
  const decoded = decodeSubscription(bytes(data))
  return decoded === undefined ? {} : { version: decoded.version, topics: decoded.topics, ...userData(decoded.userData) }
}

function assignmentOf (data: Uint8Array | undefined): { version: number, topicPartitions: Array<{ topic: string, partitions: number[] }>, userData: Buffer | null } | undefined {
  return decodeAssignment(bytes(data))
}

/**
 * The consumer-protocol data of a live member: decoded from the tail's group-metadata record when it
 * knows the member, else (KIP-848 groups, or a tail behind) version 0 built from the live assignment.
 */
function memberData (snapshot: GroupSnapshot, member: GroupDescription['members'][number]) {
  const recorded = snapshot.metadata?.protocolType === 'consumer'
    ? snapshot.metadata.members.find((m) => m.memberId === member.memberId)
    : undefined
  if (recorded !== undefined) {
    return { subscription: subscriptionOf(recorded.subscription), assignment: assignmentOf(recorded.assignment) }
  }
  const topicPartitions = groupPartitions(member.assignment)
  return {
    subscription: { version: 0, topics: topicPartitions.map((t) => t.topic), ...userData(null) },
    assignment: { version: 0, topicPartitions, userData: null }
  }
}

function groupPartitions (assignment: ReadonlyArray<{ topic: string, partition: number }>): Array<{ topic: string, partitions: number[] }> {
  const byTopic = new Map<string, number[]>()
  for (const { topic, partition } of assignment) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
  return [...byTopic].sort(([a], [b]) => (a < b ? -1 : 1)).map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }))
}

/** GET /api/v2/consumers/:group_id — live from DescribeGroups and OffsetFetch. */
export function v2View (snapshot: GroupSnapshot, highWatermarks: HighWatermarks): Record<string, unknown> {
  const { description, metadata } = snapshot
  const byTopic = new Map<string, Array<Record<string, unknown>>>()
  for (const offset of committed(snapshot)) {
    const { value, encoding } = printable(bytes(offset.metadata))
    const responses = byTopic.get(offset.topic) ?? []
    responses.push({
      partition: offset.partition,
      offset: offset.offset,
      metadata: value,
      metadata_encoding: encoding,
      error_code: offset.error ?? 'no_error',
      lag: lag(highWatermarks(offset.topic, offset.partition), offset.offset)
    })
    byTopic.set(offset.topic, responses)
  }
  return {
    group_id: description.groupId,
    state: description.state,
    protocol: description.partitionAssignor,
    protocol_type: metadata?.protocolType ?? (description.members.length > 0 ? 'consumer' : ''),
    error_code: description.error ?? 'no_error',
    members: description.members.map((member) => {
      const { subscription, assignment } = memberData(snapshot, member)
      return {
        member_id: member.memberId,
        client_id: member.clientId,
        client_host: member.host,
        member_metadata: subscription,
        member_assignment: assignment === undefined
          ? {}
          : { version: assignment.version, topic_partitions: assignment.topicPartitions, ...userData(assignment.userData) }
      }
    }),
    committed_offsets: [...byTopic].map(([topic, partitionResponses]) => ({ topic, partition_responses: partitionResponses }))
  }
}

/** GET /api/v1/consumers/:group_id — the original's documented shape plus state, lag and maxlag. */
export function v1View (snapshot: GroupSnapshot, highWatermarks: HighWatermarks): Record<string, unknown> {
  const { description, metadata } = snapshot
  const tailCommits = new Map(snapshot.commits.map((c) => [`${c.topic}\u0000${c.partition}`, c.commit]))
  const partitions = committed(snapshot).map((offset) => {
    const { value, encoding } = printable(bytes(offset.metadata))
    const commit = tailCommits.get(`${offset.topic}\u0000${offset.partition}`)
    const matching = commit !== undefined && commit.offset === offset.offset ? commit : undefined
    const highWatermark = highWatermarks(offset.topic, offset.partition)
    return {
      topic: offset.topic,
      partition: offset.partition,
      offset: offset.offset,
      metadata: value,
      metadata_encoding: encoding,
      high_wm_offset: highWatermark ?? null,
      commit_time: matching?.commitTimestamp ?? null,
      expire_time: matching?.expireTimestamp ?? null,
      lag: lag(highWatermark, offset.offset)
    }
  })
  const lags = partitions.map((p) => p.lag).filter((l): l is number => l !== null)
  const members = metadata !== undefined
    ? metadata.members.map((member) => {
      const assignment = assignmentOf(member.assignment)
      return {
        member_id: member.memberId,
        client_id: member.clientId,
        client_host: member.clientHost,
        session_timeout: member.sessionTimeout,
        subscription: metadata.protocolType === 'consumer' ? subscriptionOf(member.subscription) : {},
        assignment: v1Assignment(metadata.protocolType === 'consumer' ? assignment : undefined)
      }
    })
    : description.members.map((member) => {
      const { subscription, assignment } = memberData(snapshot, member)
      return {
        member_id: member.memberId,
        client_id: member.clientId,
        client_host: member.host,
        session_timeout: null,
        subscription,
        assignment: v1Assignment(assignment)
      }
    })
  return {
    group_id: description.groupId,
    state: description.state,
    generation_id: metadata?.generation ?? null,
    leader: metadata === undefined ? null : metadata.leader ?? '',
    protocol: metadata?.protocol ?? (description.partitionAssignor || ''),
    maxlag: lags.length === 0 ? null : Math.max(...lags),
    members,
    partitions
  }
}

function v1Assignment (assignment: ReturnType<typeof assignmentOf>): Record<string, unknown> {
  if (assignment === undefined) return {}
  return {
    version: assignment.version,
    topic_partitions: Object.fromEntries(assignment.topicPartitions.map(({ topic, partitions }) => [topic, partitions])),
    ...userData(assignment.userData)
  }
}
