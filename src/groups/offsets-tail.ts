// The offsets tail (SPEC §7.1): every partition of `__consumer_offsets` from the earliest offset,
// read_committed, without a group and without commits. Keeps the latest offset commit per
// (group, topic, partition) and the latest group-metadata record per group; tombstones delete.
// Runs in one Kafka worker (the first); the others ask it through ops.
import Kafka from '@platformatic/rdkafka'
import type { KafkaConfig } from '../config.js'
import { assignedConsumer } from '../kafka/assigned-consumer.js'
import type { GroupMetadata, PartitionCommit } from '../pool/group-snapshot.js'
import type { CommittedOffsetSample } from '../pool/messages.js'
import { decodeOffsetsRecord } from './consumer-offsets.js'

const OFFSETS_TOPIC = '__consumer_offsets'
/** librdkafka's RD_KAFKA_OFFSET_BEGINNING. */
const BEGINNING = -2
/** While the topic is missing (no group ever committed) or the broker is unreachable. */
const RETRY_MS = 10_000

export interface GroupTail {
  readonly metadata: GroupMetadata | undefined
  /** The latest commit of each partition. */
  readonly commits: readonly PartitionCommit[]
}

export class OffsetsTail {
  private readonly consumer: Kafka.KafkaConsumer
  /** group → `topic\u0000partition` → the latest commit. */
  private readonly commits = new Map<string, Map<string, PartitionCommit>>()
  private readonly groups = new Map<string, GroupMetadata>()
  private readonly skipped = new Map<string, number>()
  private retry: NodeJS.Timeout | undefined
  private closed = false

  constructor (config: KafkaConfig) {
    this.consumer = assignedConsumer({
      common: config.common, clientId: 'kastlex-offsets-tail', groupId: 'kastlex-offsets-tail', autoOffsetReset: 'earliest'
    })
    this.consumer.on('data', (message) => this.apply(message.key, message.value))
    this.start(config.requestTimeoutMs)
  }

  group (name: string): GroupTail {
    return { metadata: this.groups.get(name), commits: [...this.commits.get(name)?.values() ?? []] }
  }

  /** Every committed offset the tail knows (for the metrics). */
  committedOffsets (): CommittedOffsetSample[] {
    const samples: CommittedOffsetSample[] = []
    for (const [group, commits] of this.commits) {
      for (const { topic, partition, commit } of commits.values()) samples.push({ group, topic, partition, offset: commit.offset })
    }
    return samples
  }

  /** Records skipped so far, by reason (kastlex_consumer_offsets_skipped_total). */
  skippedCounts (): ReadonlyMap<string, number> {
    return this.skipped
  }

  async close (): Promise<void> {
    this.closed = true
    clearTimeout(this.retry)
    if (!this.consumer.isConnected()) return
    this.consumer.unassign()
    await new Promise<void>((resolve) => this.consumer.disconnect(() => resolve()))
  }

  private start (timeoutMs: number): void {
    const again = (): void => {
      if (!this.closed) this.retry = setTimeout(() => this.start(timeoutMs), RETRY_MS)
    }
    const assign = (): void => {
      this.consumer.getMetadata({ topic: OFFSETS_TOPIC, timeout: timeoutMs }, (err, metadata) => {
        const partitions = metadata?.topics.find((t) => t.name === OFFSETS_TOPIC)?.partitions ?? []
        if (err || partitions.length === 0 || this.closed) return again()
        this.consumer.assign(partitions.map((p) => ({ topic: OFFSETS_TOPIC, partition: p.id, offset: BEGINNING })))
        this.consumer.consume()
      })
    }
    if (this.consumer.isConnected()) return assign()
    this.consumer.connect({ timeout: timeoutMs, allTopics: false }, (err) => {
      if (err) again()
      else assign()
    })
  }

  private apply (key: Kafka.MessageKey, value: Buffer | null): void {
    const record = decodeOffsetsRecord(typeof key === 'string' ? Buffer.from(key) : key ?? null, value)
    switch (record.kind) {
      case 'offset': {
        const partitionKey = `${record.topic}\u0000${record.partition}`
        const commits = this.commits.get(record.group)
        if (record.value === null) {
          commits?.delete(partitionKey)
          if (commits?.size === 0) this.commits.delete(record.group)
          return
        }
        const entry = { topic: record.topic, partition: record.partition, commit: record.value }
        if (commits === undefined) this.commits.set(record.group, new Map([[partitionKey, entry]]))
        else commits.set(partitionKey, entry)
        return
      }
      case 'group':
        if (record.value === null) this.groups.delete(record.group)
        else this.groups.set(record.group, record.value)
        return
      case 'skipped':
        this.skipped.set(record.reason, (this.skipped.get(record.reason) ?? 0) + 1)
    }
  }
}
