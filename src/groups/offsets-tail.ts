// The offsets tail (SPEC §7.1): every partition of `__consumer_offsets` from the earliest offset,
// read_committed, without a group and without commits. Keeps the latest offset commit per
// (group, topic, partition) and the latest group-metadata record per group; tombstones delete.
// Runs in one Kafka worker (the first); the others ask it through ops.
// Memory follows the live state, not the topic's history: records are pulled in batches (a flowing
// consume() hands librdkafka's records to JavaScript as fast as they arrive, and replaying 3 million
// records held 1.5 GB), and librdkafka's read-ahead per partition is bounded (its default is 100,000
// records or 64 MB per partition) with a short back-off so that the small queue refills at once.
import Kafka from '@platformatic/rdkafka'
import type { KafkaConfig } from '../config.js'
import { assignedConsumer } from '../kafka/assigned-consumer.js'
import type { GroupMetadata, PartitionCommit } from '../pool/group-snapshot.js'
import type { CommittedOffsetSample, TailCatchUp, TailProgress } from '../pool/messages.js'
import { decodeOffsetsRecord } from './consumer-offsets.js'

const OFFSETS_TOPIC = '__consumer_offsets'
/** librdkafka's RD_KAFKA_OFFSET_BEGINNING. */
const BEGINNING = -2
/** While the topic is missing (no group ever committed) or the broker is unreachable. */
const RETRY_MS = 10_000
/** Records per pull; a pull returns sooner at the end of a partition or after PULL_WAIT_MS. */
const PULL_RECORDS = 1000
const PULL_WAIT_MS = 100
const CONSUMER_PROPERTIES = {
  'queued.min.messages': 10_000,
  'queued.max.messages.kbytes': 2048,
  'fetch.queue.backoff.ms': 5,
  // The catch-up signal: the end of every partition is reported once per time it is reached.
  'enable.partition.eof': true
}

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
  private records = 0
  private caughtUp: TailCatchUp | undefined
  /**
   * The binding's calls not answered yet. A worker thread must not end under one: its answer would run on the
   * thread's disposed isolate and crash the process (a stop's SIGSEGV, in a pull answered after the disconnect).
   */
  private readonly unanswered = new Set<Promise<void>>()

  constructor (config: KafkaConfig) {
    this.consumer = assignedConsumer({
      common: config.common,
      clientId: 'kastlex-offsets-tail',
      groupId: 'kastlex-offsets-tail',
      autoOffsetReset: 'earliest',
      properties: CONSUMER_PROPERTIES
    })
    this.consumer.setDefaultConsumeTimeout(PULL_WAIT_MS)
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

  progress (): TailProgress {
    return { records: this.records, caughtUp: this.caughtUp }
  }

  /** Records skipped so far, by reason (kastlex_consumer_offsets_skipped_total). */
  skippedCounts (): ReadonlyMap<string, number> {
    return this.skipped
  }

  async close (): Promise<void> {
    this.closed = true
    clearTimeout(this.retry)
    // Each call's callback sees `closed` and starts no other.
    while (this.unanswered.size > 0) await Promise.all(this.unanswered)
    if (!this.consumer.isConnected()) return
    this.consumer.unassign()
    await new Promise<void>((resolve) => this.consumer.disconnect(() => resolve()))
  }

  private start (timeoutMs: number): void {
    const again = (): void => {
      if (!this.closed) this.retry = setTimeout(() => this.start(timeoutMs), RETRY_MS)
    }
    const assign = (): void => {
      this.call((answered) => this.consumer.getMetadata({ topic: OFFSETS_TOPIC, timeout: timeoutMs }, (err, metadata) => {
        answered()
        const partitions = metadata?.topics.find((t) => t.name === OFFSETS_TOPIC)?.partitions ?? []
        if (err || partitions.length === 0 || this.closed) return again()
        this.awaitCatchUp(partitions.map((p) => p.id))
        this.consumer.assign(partitions.map((p) => ({ topic: OFFSETS_TOPIC, partition: p.id, offset: BEGINNING })))
        this.pull()
      }))
    }
    if (this.consumer.isConnected()) return assign()
    this.call((answered) => this.consumer.connect({ timeout: timeoutMs, allTopics: false }, (err) => {
      answered()
      if (err || this.closed) again()
      else assign()
    }))
  }

  /** Makes a call of the binding through `start`, whose callback calls `answered` first. */
  private call (start: (answered: () => void) => void): void {
    let answered!: () => void
    const call = new Promise<void>((resolve) => { answered = resolve })
    this.unanswered.add(call)
    void call.then(() => this.unanswered.delete(call))
    start(answered)
  }

  /**
   * Pulls batches until closed. The next pull starts (in libuv's thread pool) before this batch is applied,
   * so reading and applying overlap; at most two batches are held.
   */
  private pull (): void {
    if (this.closed) return
    this.call((answered) => this.consumer.consume(PULL_RECORDS, (err, messages) => {
      answered()
      // A failed pull is tried again on the next turn (librdkafka reconnects); an empty one (caught up)
      // has waited PULL_WAIT_MS in the thread pool.
      if (err) return void setImmediate(() => this.pull())
      this.pull()
      for (const message of messages) this.apply(message.key, message.value)
    }))
  }

  /** Watches for the end of each of `partitions` (those at assignment; the first end of each counts). */
  private awaitCatchUp (partitions: readonly number[]): void {
    const started = Date.now()
    const pending = new Set(partitions)
    const reached = (eof: Kafka.EofEvent): void => {
      if (eof.topic !== OFFSETS_TOPIC || !pending.delete(eof.partition) || pending.size > 0) return
      this.consumer.off('partition.eof', reached)
      // The binding reports an end before it hands over the batch that reached it: count that batch too.
      queueMicrotask(() => { this.caughtUp = { records: this.records, seconds: (Date.now() - started) / 1000 } })
    }
    this.consumer.on('partition.eof', reached)
  }

  private apply (key: Kafka.MessageKey, value: Buffer | null): void {
    this.records++
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
