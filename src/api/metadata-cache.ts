// Cluster metadata as the front end serves it (SPEC §4.4): refreshed every 30 s, a live lookup of one
// topic before anything answers "unknown topic", and 503 until metadata was ever obtained.
import { HttpError } from '../http/errors.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import type { ClusterMetadata, PartitionMetadata } from '../pool/messages.js'

export type TopicMetadata = ClusterMetadata['topics'][number]

const REFRESH_INTERVAL_MS = 30_000

export class MetadataCache {
  private snapshot: ClusterMetadata | undefined
  private topics = new Map<string, TopicMetadata>()
  private refreshing: Promise<void> | undefined
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
    if (this.snapshot === undefined) throw new HttpError(503, 'broker_not_available')
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

  /** A topic from the cache, else from one live lookup (which never creates it); undefined if none. */
  async topic (name: string): Promise<TopicMetadata | undefined> {
    return this.topics.get(name) ?? await this.lookUp(name)
  }

  /**
   * A partition of a topic, or undefined when either does not exist. A partition beyond the cached
   * count gets a live lookup first: partitions may have been added since the last refresh.
   */
  async partition (topicName: string, partition: number): Promise<PartitionMetadata | undefined> {
    if (partition < 0) return undefined
    const cached = this.topics.get(topicName)
    const topic = cached !== undefined && partition < cached.partitions.length ? cached : await this.lookUp(topicName)
    return topic?.partitions[partition]
  }

  private async lookUp (name: string): Promise<TopicMetadata | undefined> {
    const { topics } = await this.kafka.run({ op: 'metadata', topic: name })
    this.lastSuccess = Date.now()
    const found = topics.find((topic) => topic.name === name)
    if (found !== undefined) this.topics.set(name, found)
    else this.topics.delete(name)
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
