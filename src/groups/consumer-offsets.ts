// Records of Kafka's `__consumer_offsets` topic (SPEC §7.1), decoded without a Kafka connection.
// Layouts checked against Kafka 4.1.1's message definitions (kafka-group-coordinator jar,
// common/message/{OffsetCommit,LegacyOffsetCommit,GroupMetadata}{Key,Value}.json); golden bytes from
// scripts/kafka/GenerateGroupFixtures.java in test/fixtures/consumer-offsets/.
//
// Record key   => key_version:int16 <key fields of that version>
// Record value => value_version:int16 <value fields of that version> | null (tombstone)
//
// Since KIP-915 the key version is the coordinator record type (CoordinatorRecordType): 0 legacy offset
// commit, 1 offset commit, 2 group metadata; 3+ are KIP-848 consumer groups, share groups and streams
// groups, which this gateway does not read. Integers are big-endian. Flexible versions use compact
// strings / bytes / arrays (unsigned varint length + 1, 0 = null) and end every struct with tagged
// fields, which are skipped.
//
// Observed on a Kafka 4.1.1 broker (test/fixtures/consumer-offsets/broker-4.1.1.json): classic groups
// get offset commits as key 1 / value v4 (no tagged fields) and group metadata as key 2 / value v3;
// KIP-848 consumer groups add key types 3, 5, 6, 7 and 8 (skipped) and their offsets as key 1 / value v4.

export type OffsetsRecord =
  | { kind: 'offset', group: string, topic: string, partition: number, value: OffsetCommit | null }
  | { kind: 'group', group: string, value: GroupMetadata | null }
  | { kind: 'skipped', reason: SkipReason }

/** Why a record was not decoded; counted by the tail, never fatal. */
export type SkipReason = 'unknown_key_version' | 'unknown_value_version' | 'malformed'

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
  members: GroupMember[]
}

export interface GroupMember {
  memberId: string
  /** v3+ (static membership); null before v3 or when the member has none. */
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  /** v1+; null in v0. */
  rebalanceTimeout: number | null
  sessionTimeout: number
  /** The embedded protocol's bytes (for protocol type `consumer`: consumer-protocol.ts). Copies. */
  subscription: Buffer
  assignment: Buffer
}

const HIGHEST_OFFSET_COMMIT_VALUE = 4
const HIGHEST_GROUP_METADATA_VALUE = 4

/** Decodes one `__consumer_offsets` record (`value` null = tombstone). Never throws. */
export function decodeOffsetsRecord (key: Buffer | null | undefined, value: Buffer | null | undefined): OffsetsRecord {
  try {
    if (key === null || key === undefined) return MALFORMED_RECORD
    const keyReader = new Reader(key)
    const keyVersion = keyReader.int16()
    if (keyVersion === 0 || keyVersion === 1) {
      const { group, topic, partition } = readOffsetCommitKey(keyReader)
      if (value === null || value === undefined) return { kind: 'offset', group, topic, partition, value: null }
      const reader = new Reader(value)
      const version = reader.int16()
      if (version < 0 || version > HIGHEST_OFFSET_COMMIT_VALUE) return UNKNOWN_VALUE_VERSION
      return { kind: 'offset', group, topic, partition, value: readOffsetCommitValue(reader, version) }
    }
    if (keyVersion === 2) {
      const group = readGroupMetadataKey(keyReader)
      if (value === null || value === undefined) return { kind: 'group', group, value: null }
      const reader = new Reader(value)
      const version = reader.int16()
      if (version < 0 || version > HIGHEST_GROUP_METADATA_VALUE) return UNKNOWN_VALUE_VERSION
      return { kind: 'group', group, value: readGroupMetadataValue(reader, version) }
    }
    return UNKNOWN_KEY_VERSION
  } catch {
    // Reader throws MALFORMED on bad bytes; anything else would be a bug here, still not the tail's problem.
    return MALFORMED_RECORD
  }
}

const MALFORMED_RECORD: OffsetsRecord = Object.freeze({ kind: 'skipped', reason: 'malformed' })
const UNKNOWN_KEY_VERSION: OffsetsRecord = Object.freeze({ kind: 'skipped', reason: 'unknown_key_version' })
const UNKNOWN_VALUE_VERSION: OffsetsRecord = Object.freeze({ kind: 'skipped', reason: 'unknown_value_version' })

/**
 * OffsetCommitKey (key version 1) and LegacyOffsetCommitKey (key version 0), same layout:
 *   group:string topic:string partition:int32
 */
function readOffsetCommitKey (r: Reader): { group: string, topic: string, partition: number } {
  const group = r.string()
  const topic = r.string()
  const partition = r.int32()
  return { group, topic, partition }
}

/**
 * OffsetCommitValue (after key version 0 or 1; Kafka 4.1 itself pairs key 0 only with value v0):
 *   v0, v2 => offset:int64 metadata:string commit_timestamp:int64
 *   v1     => offset:int64 metadata:string commit_timestamp:int64 expire_timestamp:int64
 *   v3     => offset:int64 leader_epoch:int32 metadata:string commit_timestamp:int64
 *   v4     => offset:int64 leader_epoch:int32 metadata:compact_string commit_timestamp:int64 _tagged_fields
 *             (tag 0 = topic_id:uuid, skipped)
 */
function readOffsetCommitValue (r: Reader, version: number): OffsetCommit {
  const flexible = version >= 4
  const offset = r.int64()
  const leaderEpoch = version >= 3 ? sentinel(r.int32()) : null
  const metadata = flexible ? r.compactString() : r.string()
  const commitTimestamp = r.int64()
  const expireTimestamp = version === 1 ? sentinel(r.int64()) : null
  if (flexible) r.skipTaggedFields()
  return { version, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp }
}

/**
 * GroupMetadataKey (key version 2):
 *   group:string
 */
function readGroupMetadataKey (r: Reader): string {
  return r.string()
}

/**
 * GroupMetadataValue (after key version 2); v4 is v3 with compact strings / bytes / arrays and tagged
 * fields at the end of each member and of the value:
 *   v0 => protocol_type:string generation:int32 protocol:nullable_string leader:nullable_string
 *         members:[member_id:string client_id:string client_host:string
 *                  session_timeout:int32 subscription:bytes assignment:bytes]
 *   v1 => protocol_type generation protocol leader
 *         members:[member_id client_id client_host rebalance_timeout:int32
 *                  session_timeout subscription assignment]
 *   v2 => protocol_type generation protocol leader current_state_timestamp:int64
 *         members:[as v1]
 *   v3 => protocol_type generation protocol leader current_state_timestamp
 *         members:[member_id group_instance_id:nullable_string client_id client_host rebalance_timeout
 *                  session_timeout subscription assignment]
 *   v4 => protocol_type:compact_string generation protocol:compact_nullable_string
 *         leader:compact_nullable_string current_state_timestamp
 *         members:compact_array[member_id:compact_string group_instance_id:compact_nullable_string
 *                  client_id:compact_string client_host:compact_string rebalance_timeout session_timeout
 *                  subscription:compact_bytes assignment:compact_bytes _tagged_fields]
 *         _tagged_fields
 */
function readGroupMetadataValue (r: Reader, version: number): GroupMetadata {
  const flexible = version >= 4
  const protocolType = flexible ? r.compactString() : r.string()
  const generation = r.int32()
  const protocol = flexible ? r.compactNullableString() : r.nullableString()
  const leader = flexible ? r.compactNullableString() : r.nullableString()
  const currentStateTimestamp = version >= 2 ? sentinel(r.int64()) : null
  const count = flexible ? r.compactArrayLength() : r.arrayLength()
  const members: GroupMember[] = []
  for (let i = 0; i < count; i++) {
    const memberId = flexible ? r.compactString() : r.string()
    const groupInstanceId = version >= 3 ? (flexible ? r.compactNullableString() : r.nullableString()) : null
    const clientId = flexible ? r.compactString() : r.string()
    const clientHost = flexible ? r.compactString() : r.string()
    const rebalanceTimeout = version >= 1 ? r.int32() : null
    const sessionTimeout = r.int32()
    const subscription = flexible ? r.compactBytes() : r.bytes()
    const assignment = flexible ? r.compactBytes() : r.bytes()
    if (flexible) r.skipTaggedFields()
    members.push({
      memberId, groupInstanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout, subscription, assignment
    })
  }
  if (flexible) r.skipTaggedFields()
  return { version, protocolType, generation, protocol, leader, currentStateTimestamp, members }
}

function sentinel (value: number): number | null {
  return value === -1 ? null : value
}

/** Thrown by Reader on bad bytes (one instance, no stack capture per record); the decoders catch it. */
const MALFORMED = new RangeError('malformed Kafka protocol bytes')

/**
 * Kafka protocol primitives over one Buffer (big-endian), as in Kafka's `Readable`. Every read is
 * bounds-checked and throws MALFORMED; a null where the field is not nullable is MALFORMED too, as
 * Kafka's generated readers reject it. Shared with consumer-protocol.ts.
 */
export class Reader {
  private offset = 0
  constructor (private readonly buf: Buffer) {}

  private take (n: number): number {
    const at = this.offset
    if (n > this.buf.length - at) throw MALFORMED
    this.offset = at + n
    return at
  }

  int16 (): number { return this.buf.readInt16BE(this.take(2)) }
  int32 (): number { return this.buf.readInt32BE(this.take(4)) }

  /** Exact within ±2^53, without BigInt. */
  int64 (): number {
    const at = this.take(8)
    return this.buf.readInt32BE(at) * 0x1_0000_0000 + this.buf.readUInt32BE(at + 4)
  }

  /** Unsigned varint of at most 5 bytes (a 32-bit value), as Kafka's ByteUtils.readUnsignedVarint. */
  uvarint (): number {
    let value = 0
    for (let shift = 0; shift <= 28; shift += 7) {
      const b = this.buf[this.take(1)]
      value += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return value
    }
    throw MALFORMED
  }

  private utf8 (length: number): string {
    const at = this.take(length)
    return this.buf.toString('utf8', at, at + length)
  }

  /** Length (int16) −1 = null. */
  nullableString (): string | null {
    const length = this.int16()
    if (length === -1) return null
    if (length < 0) throw MALFORMED
    return this.utf8(length)
  }

  string (): string {
    const s = this.nullableString()
    if (s === null) throw MALFORMED
    return s
  }

  /** Length + 1 as unsigned varint, 0 = null. */
  compactNullableString (): string | null {
    const n = this.uvarint()
    return n === 0 ? null : this.utf8(n - 1)
  }

  compactString (): string {
    const s = this.compactNullableString()
    if (s === null) throw MALFORMED
    return s
  }

  private copy (length: number): Buffer {
    const at = this.take(length)
    return Buffer.from(this.buf.subarray(at, at + length))
  }

  /** Length (int32) −1 = null. A copy, so a kept value does not pin the record's buffer. */
  nullableBytes (): Buffer | null {
    const length = this.int32()
    if (length === -1) return null
    if (length < 0) throw MALFORMED
    return this.copy(length)
  }

  bytes (): Buffer {
    const b = this.nullableBytes()
    if (b === null) throw MALFORMED
    return b
  }

  compactBytes (): Buffer {
    const n = this.uvarint()
    if (n === 0) throw MALFORMED
    return this.copy(n - 1)
  }

  /** Element count (int32) of a non-nullable array. */
  arrayLength (): number {
    const n = this.int32()
    if (n < 0) throw MALFORMED
    return n
  }

  /** Element count + 1 (unsigned varint) of a non-nullable compact array. */
  compactArrayLength (): number {
    const n = this.uvarint()
    if (n === 0) throw MALFORMED
    return n - 1
  }

  /** _tagged_fields => count:uvarint [tag:uvarint size:uvarint data:byte[size]] — all skipped. */
  skipTaggedFields (): void {
    const count = this.uvarint()
    for (let i = 0; i < count; i++) {
      this.uvarint()
      this.take(this.uvarint())
    }
  }
}
