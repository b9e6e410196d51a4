// The offsets tail (SPEC §7.1): every partition of `__consumer_offsets` from the earliest offset,
// read_committed, without a group and without commits. Keeps the latest offset commit per
// (group, topic, partition) and the latest group-metadata record per group; tombstones delete.
// Runs in one Kafka worker (the first); the others ask it through ops.
// Memory follows the live state, not the topic's history: records are pulled in batches, each packed in one
// Buffer by the project's addon (no JS object per record; see native/partition-reader.cc), and librdkafka's
// read-ahead per partition is bounded (its default is 100,000 records or 64 MB per partition) with a short
// back-off so that the small queue refills at once.
import { randomUUID } from 'node:crypto'
import type { KafkaConfig } from '../config.js'
import { fullCollection } from '../full-collection.js'
import type { NativePartitionReader } from '../kafka/addon.js'
import { assignedReader } from '../kafka/assigned-consumer.js'
import { forEachPulledEntry, type PulledEntryHandler } from '../kafka/pulled-entries.js'
import type { GroupMetadata, PartitionCommit } from '../pool/group-snapshot.js'
import type { CommittedOffsetSample, TailCatchUp, TailProgress, TailVersion } from '../pool/messages.js'
import { decodeOffsetsRecord, type SkipReason } from './consumer-offsets.js'

const OFFSETS_TOPIC = '__consumer_offsets'
/** librdkafka's RD_KAFKA_OFFSET_BEGINNING. */
const BEGINNING = -2
/** While the topic is missing (no group ever committed) or the broker is unreachable. */
const RETRY_MS = 10_000
/** Records per pull; a pull returns sooner at the end of a partition or after PULL_WAIT_MS. */
const PULL_RECORDS = 5000
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

export function offsetsTailReader (config: KafkaConfig): NativePartitionReader {
  return assignedReader({
    common: config.common,
    clientId: 'kastlex-offsets-tail',
    groupId: 'kastlex-offsets-tail',
    autoOffsetReset: 'earliest',
    properties: CONSUMER_PROPERTIES
  })
}

export class OffsetsTail {
  private readonly id = randomUUID()
  private readonly reader: NativePartitionReader
  /** group → `topic\u0000partition` → the latest commit. */
  private readonly commits = new Map<string, Map<string, PartitionCommit>>()
  private readonly groups = new Map<string, GroupMetadata>()
  private readonly skipped = new Map<string, number>()
  private retry: NodeJS.Timeout | undefined
  private closed = false
  private records = 0
  /** Partitions whose first end is still awaited, and since when (the catch-up). */
  private awaited: { readonly partitions: Set<number>, readonly started: number } | undefined
  private caughtUp: TailCatchUp | undefined
  /**
   * The reader's calls not answered yet. A worker thread must not end under one: its answer would run on the
   * thread's disposed isolate and crash the process (a stop's SIGSEGV, in a pull answered after the disconnect).
   */
  private readonly unanswered = new Set<Promise<unknown>>()
  private readonly entries: PulledEntryHandler = {
    record: (_partition, key, value) => this.apply(key, value),
    endOfPartition: (partition) => this.reached(partition)
  }

  /** `reader`: offsetsTailReader(config), or (in a test) one that wraps it. */
  constructor (config: KafkaConfig, reader = offsetsTailReader(config)) {
    this.reader = reader
    this.start(config.requestTimeoutMs)
  }

  group (name: string): GroupTail {
    return { metadata: this.groups.get(name), commits: [...this.commits.get(name)?.values() ?? []] }
  }

  /** Every committed offset the tail knows (for the metrics); undefined if its state is still `known`. */
  committedOffsetsSince (known: TailVersion | undefined): CommittedOffsetSample[] | undefined {
    if (known?.tail === this.id && known.records === this.records) return undefined
    const samples: CommittedOffsetSample[] = []
    for (const [group, commits] of this.commits) {
      for (const { topic, partition, commit } of commits.values()) samples.push({ group, topic, partition, offset: commit.offset })
    }
    return samples
  }

  /** This tail and the records it has read: the same version, the same state. */
  version (): TailVersion {
    return { tail: this.id, records: this.records }
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
    // Each call's answer sees `closed` and starts no other.
    while (this.unanswered.size > 0) await Promise.allSettled(this.unanswered)
    this.reader.close()
  }

  private start (timeoutMs: number): void {
    this.call(this.reader.partitions(OFFSETS_TOPIC, timeoutMs)).then((metadata) => {
      const partitions = metadata.topics.find((t) => t.name === OFFSETS_TOPIC)?.partitions.map((p) => p.id) ?? []
      if (partitions.length === 0) throw new Error(`${OFFSETS_TOPIC} has no partitions yet`)
      if (this.closed) return
      this.awaited = { partitions: new Set(partitions), started: Date.now() }
      this.reader.assign(OFFSETS_TOPIC, partitions, BEGINNING)
      this.pull()
    }).catch(() => {
      if (!this.closed) this.retry = setTimeout(() => this.start(timeoutMs), RETRY_MS)
    })
  }

  /** Tracks one call of the reader until it is answered. */
  private call<T> (call: Promise<T>): Promise<T> {
    this.unanswered.add(call)
    const answered = (): void => { this.unanswered.delete(call) }
    call.then(answered, answered)
    return call
  }

  /**
   * Pulls batches until closed. The next pull starts (in libuv's thread pool) before this batch is applied,
   * so reading and applying overlap; at most two batches are held.
   */
  private pull (): void {
    if (this.closed) return
    this.call(this.reader.pull(PULL_RECORDS, PULL_WAIT_MS)).then((pulled) => {
      this.pull()
      try {
        forEachPulledEntry(pulled, this.entries)
      } catch {
        // The addon packed a broken entry (a bug): the rest of this pull is lost, and counted.
        this.skip('malformed')
      }
    }, () => {
      // A failed pull is tried again on the next turn (librdkafka reconnects); an empty one (caught up)
      // has waited PULL_WAIT_MS in the thread pool.
      setImmediate(() => this.pull())
    })
  }

  /** The first end of each partition assigned at the start counts; the last of them is the catch-up. */
  private reached (partition: number): void {
    const awaited = this.awaited
    if (awaited === undefined || !awaited.partitions.delete(partition) || awaited.partitions.size > 0) return
    this.awaited = undefined
    this.caughtUp = { records: this.records, seconds: (Date.now() - awaited.started) / 1000 }
    // The replay's garbage fills the old space, and a caught-up tail allocates too little for V8 to look there.
    setImmediate(fullCollection)
  }

  private apply (key: Buffer | null, value: Buffer | null): void {
    this.records++
    const record = decodeOffsetsRecord(key, value)
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
        this.skip(record.reason)
    }
  }

  private skip (reason: SkipReason): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1)
  }
}
