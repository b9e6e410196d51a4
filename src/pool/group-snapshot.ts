// A group as a worker gathers it for the show routes (describeGroup), in plain data: the admin addon's
// description and committed offsets, and what the offsets tail decoded from `__consumer_offsets`.

/** Everything a worker gathers about one group for either show route. */
export interface GroupSnapshot {
  readonly description: GroupDescription
  readonly offsets: readonly CommittedOffset[]
  /** The latest group-metadata record from the offsets tail, if any. */
  readonly metadata: GroupMetadata | undefined
  /** The tail's latest commit per partition. */
  readonly commits: readonly PartitionCommit[]
}

export interface GroupDescription {
  groupId: string
  error: string | null
  isSimpleConsumerGroup: boolean
  /** Kafka's spelling: 'Stable' | 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Dead' | 'Unknown'. */
  state: string
  /** 'Classic' | 'Consumer' | 'Unknown'. */
  type: string
  partitionAssignor: string
  coordinator: { id: number, host: string, port: number } | null
  members: GroupMember[]
}

export interface GroupMember {
  memberId: string
  clientId: string
  host: string
  groupInstanceId: string | null
  assignment: Array<{ topic: string, partition: number }>
}

export interface CommittedOffset {
  topic: string
  partition: number
  offset: number
  leaderEpoch: number | null
  metadata: Buffer | null
  error: string | null
}

/**
 * Offset-commit value. Integers beyond ±2^53 lose precision (offsets and timestamps never get there).
 * Kafka's "absent" sentinel −1 reads as null, as the coordinator itself reads it
 * (`OffsetAndMetadata.fromRecord`).
 */
export interface OffsetCommit {
  version: number
  offset: number
  /** v3+; null before v3 or when −1. */
  leaderEpoch: number | null
  metadata: string
  commitTimestamp: number
  /** v1 only; null in the other versions or when −1. */
  expireTimestamp: number | null
}

export interface GroupMetadata {
  version: number
  protocolType: string
  generation: number
  /** null when the group has no protocol (an empty group). */
  protocol: string | null
  /** null when the group has no leader. */
  leader: string | null
  /** v2+; null before v2 or when −1. */
  currentStateTimestamp: number | null
  members: MemberMetadata[]
}

/** Kafka's MemberMetadata (GroupMetadataValue.json). */
export interface MemberMetadata {
  memberId: string
  /** v3+ (static membership); null before v3 or when the member has none. */
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  /** v1+; null in v0. */
  rebalanceTimeout: number | null
  sessionTimeout: number
  /** The embedded protocol's bytes (for protocol type `consumer`: groups/consumer-protocol.ts). Copies. */
  subscription: Buffer
  assignment: Buffer
}

export interface PartitionCommit { readonly topic: string, readonly partition: number, readonly commit: OffsetCommit }
