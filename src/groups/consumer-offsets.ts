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
import type { GroupMetadata, MemberMetadata, OffsetCommit } from '../pool/group-snapshot.js'
import { Reader } from './reader.js'

export type OffsetsRecord =
  | { kind: 'offset', group: string, topic: string, partition: number, value: OffsetCommit | null }
  | { kind: 'group', group: string, value: GroupMetadata | null }
  | { kind: 'skipped', reason: SkipReason }

/** Why a record was not decoded; counted by the tail, never fatal. */
export type SkipReason = 'unknown_key_version' | 'unknown_value_version' | 'malformed'

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
  const members: MemberMetadata[] = []
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
