// Cluster metadata as the front end serves it (SPEC §4.4): refreshed every 30 s, a live lookup before
// anything answers "unknown topic", and 503 until metadata was ever obtained. A live lookup is a request
// for every topic, shared by all lookups while it is in flight: asking librdkafka for one topic by name
// makes it keep a handle per name and re-query every unknown one for good (SPEC §10.6a). A name (or a
// partition) that was not found is answered from memory for a few seconds, so repeating it costs nothing.
import { kafkaError } from '../http/errors.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import type { ClusterMetadata, PartitionMetadata } from '../pool/messages.js'

export type TopicMetadata = ClusterMetadata['topics'][number]

const REFRESH_INTERVAL_MS = 30_000
/** How long "not found" is remembered: a topic created meanwhile is found after that. */
export const MISS_TTL_MS = 3_000
/** Misses remembered at most (the oldest are forgotten first): memory stays bounded whatever clients ask. */
export const MAX_MISSES = 10_000

export class MetadataCache {
  private snapshot: ClusterMetadata | undefined
  private topics = new Map<string, TopicMetadata>()
  private refreshing: Promise<void> | undefined
  private readonly misses = new RecentMisses(MISS_TTL_MS, MAX_MISSES)
  private timer: NodeJS.Timeout | undefined
  /** When a cluster metadata request last succeeded (ms since the epoch; 0 = never). */
  private lastSuccess = 0

  constructor (private readonly kafka: KafkaClient) {}

  /** Refreshes now and every 30 s; failures keep the previous snapshot. */
  start (): void {
    this.refresh().catch(() => {})
    this.timer = setInterval(() => { this.refresh().catch(() => {}) }, REFRESH_INTERVAL_MS).unref()
  }

  stop (): void {
    clearInterval(this.timer)
  }

  /** The latest snapshot; waits for a first refresh if there is none; 503 if none can be had. */
  async current (): Promise<ClusterMetadata> {
    if (this.snapshot === undefined) await this.refresh().catch(() => {})
    if (this.snapshot === undefined) throw kafkaError('broker_not_available')
    return this.snapshot
  }

  /**
   * Whether Kafka answered a metadata request in the last `freshMs`; if not, asks now and waits at
   * most `timeoutMs` for the answer (SPEC §10.1).
   */
  async reachable (freshMs: number, timeoutMs: number): Promise<boolean> {
    if (Date.now() - this.lastSuccess <= freshMs) return true
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs) })
    await Promise.race([this.refresh().catch(() => {}), timeout])
    clearTimeout(timer)
    return Date.now() - this.lastSuccess <= freshMs
  }

  /** Whether the cache holds the topic, and with `partition` that partition of it (no lookup). */
  has (name: string, partition?: number): boolean {
    return partition === undefined ? this.topics.has(name) : this.cachedPartition(name, partition) !== undefined
  }

  /** A topic from the cache, else from one live lookup (which never creates it); undefined if none. */
  async topic (name: string): Promise<TopicMetadata | undefined> {
    const find = (): TopicMetadata | undefined => this.topics.get(name)
    return find() ?? await this.lookUp(name, find)
  }

  /**
   * A partition of a topic, or undefined when either does not exist. A partition beyond the cached
   * count gets a live lookup first: partitions may have been added since the last refresh.
   */
  async partition (topicName: string, partition: number): Promise<PartitionMetadata | undefined> {
    if (partition < 0) return undefined
    const find = (): PartitionMetadata | undefined => this.cachedPartition(topicName, partition)
    return find() ?? await this.lookUp(this.topics.has(topicName) ? `${topicName}/${partition}` : topicName, find)
  }

  private cachedPartition (topicName: string, partition: number): PartitionMetadata | undefined {
    return partition < 0 ? undefined : this.topics.get(topicName)?.partitions[partition]
  }

  /**
   * What `find` finds after a live lookup, unless `missKey` (a topic, or topic/partition) was not found
   * by one a moment ago. Only a lookup that succeeded records a miss; a failure rejects (→ 503).
   */
  private async lookUp<T> (missKey: string, find: () => T | undefined): Promise<T | undefined> {
    if (this.misses.has(missKey)) return undefined
    // A refresh already in flight may have been asked before the topic was created: wait for the next one.
    if (this.refreshing !== undefined) await this.refreshing.catch(() => {})
    await this.refresh()
    const found = find()
    if (found === undefined) this.misses.add(missKey)
    return found
  }

  private refresh (): Promise<void> {
    this.refreshing ??= this.kafka.run({ op: 'metadata' }).then((metadata) => {
      this.snapshot = metadata
      this.lastSuccess = Date.now()
      this.topics = new Map(metadata.topics.map((topic) => [topic.name, topic]))
    }).finally(() => { this.refreshing = undefined })
    return this.refreshing
  }
}

/** Keys not found recently: each for `ttlMs`, at most `max` of them (the oldest go first). */
export class RecentMisses {
  /** key → when it expires; insertion order = expiry order (one TTL for all). */
  private readonly expiries = new Map<string, number>()

  constructor (private readonly ttlMs: number, private readonly max: number) {}

  has (key: string, now = Date.now()): boolean {
    const expiry = this.expiries.get(key)
    return expiry !== undefined && expiry > now
  }

  add (key: string, now = Date.now()): void {
    this.expiries.delete(key)
    for (const [oldest, expiry] of this.expiries) {
      if (expiry > now && this.expiries.size < this.max) break
      this.expiries.delete(oldest)
    }
    this.expiries.set(key, now + this.ttlMs)
  }

  get size (): number {
    return this.expiries.size
  }
}
