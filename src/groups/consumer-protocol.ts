// The "consumer" embedded protocol (SPEC §7.3): the subscription and assignment bytes a classic group's
// members exchange through the coordinator (JoinGroup metadata / SyncGroup assignment), as they appear
// in DescribeGroups and in group-metadata records. Layouts from Kafka 4.1.1's
// common/message/ConsumerProtocol{Subscription,Assignment}.json (kafka-clients jar); golden bytes from
// scripts/kafka/GenerateGroupFixtures.java in test/fixtures/consumer-protocol/.
//
// Only version, topics / topic-partitions and user_data are read; later fields are ignored, and so are
// trailing bytes. Versions above 3 are decoded the same way: Kafka's rule for this protocol is that new
// versions never remove or reorder fields, and its own reader parses a newer version with the newest
// format it knows (ConsumerProtocol.checkSubscriptionVersion). The version returned is the one on the
// wire. A negative version, empty or null bytes, or a decode failure → undefined (rendered `{}`).
import { Reader } from './reader.js'

export interface Subscription {
  version: number
  topics: string[]
  /** A copy; null when the member sent none. */
  userData: Buffer | null
}

export interface Assignment {
  version: number
  topicPartitions: Array<{ topic: string, partitions: number[] }>
  /** A copy; null when the assignor sent none. */
  userData: Buffer | null
}

/**
 * ConsumerProtocolSubscription (non-flexible in every version):
 *   v0 => version:int16 topics:[string] user_data:nullable_bytes
 *   v1 => v0 owned_partitions:[topic:string partitions:[int32]]   (ignored)
 *   v2 => v1 generation_id:int32                                  (ignored)
 *   v3 => v2 rack_id:nullable_string                              (ignored)
 */
export function decodeSubscription (bytes: Buffer | null | undefined): Subscription | undefined {
  if (bytes === null || bytes === undefined || bytes.length === 0) return undefined
  try {
    const r = new Reader(bytes)
    const version = r.int16()
    if (version < 0) return undefined
    const topics: string[] = []
    for (let i = 0, n = r.arrayLength(); i < n; i++) topics.push(r.string())
    const userData = r.nullableBytes()
    return { version, topics, userData }
  } catch {
    return undefined
  }
}

/**
 * ConsumerProtocolAssignment (non-flexible in every version; v1–v3 only mark the subscription's):
 *   v0–v3 => version:int16 assigned_partitions:[topic:string partitions:[int32]] user_data:nullable_bytes
 */
export function decodeAssignment (bytes: Buffer | null | undefined): Assignment | undefined {
  if (bytes === null || bytes === undefined || bytes.length === 0) return undefined
  try {
    const r = new Reader(bytes)
    const version = r.int16()
    if (version < 0) return undefined
    const topicPartitions: Assignment['topicPartitions'] = []
    for (let i = 0, n = r.arrayLength(); i < n; i++) {
      const topic = r.string()
      const partitions: number[] = []
      for (let j = 0, m = r.arrayLength(); j < m; j++) partitions.push(r.int32())
      topicPartitions.push({ topic, partitions })
    }
    const userData = r.nullableBytes()
    return { version, topicPartitions, userData }
  } catch {
    return undefined
  }
}
