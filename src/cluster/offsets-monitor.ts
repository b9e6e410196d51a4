// Every KASTLEX_OFFSETS_REFRESH_MS (10 s; SPEC §7.1, §8): the high watermark of every partition that has a leader (ListOffsets
// latest, read_uncommitted, sent by librdkafka to the current leaders) and the offsets tail's committed
// offsets, for lag and for the kafka_* metrics, and the tail's progress (logged once it has caught up).
// Offline partitions (leader −1) are left out; topics and groups that disappear drop out at the next refresh.
import { HighWatermarks } from './high-watermarks.js'
import type { MetadataCache } from './metadata-cache.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import type { ClusterMetadata, CommittedOffsetSample, TailCatchUp, TailVersion } from '../pool/messages.js'

export class OffsetsMonitor {
  private readonly highWatermarks = new HighWatermarks()
  private listed: { readonly metadata: ClusterMetadata, readonly partitions: ReadonlyArray<{ topic: string, partition: number }> } | undefined
  /** The tail's committed offsets as of the last refresh (without excluded groups), and their version. */
  private committed: { readonly version: TailVersion, readonly offsets: readonly CommittedOffsetSample[] } | undefined
  private timer: NodeJS.Timeout | undefined
  private refreshing: Promise<void> | undefined
  private caughtUpLogged = false

  constructor (
    private readonly kafka: KafkaClient,
    private readonly metadata: MetadataCache,
    private readonly metrics: GatewayMetrics,
    /** KASTLEX_CG_EXCLUDE_REGEX: such groups exist nowhere, metrics included. */
    private readonly excluded: (group: string) => boolean,
    private readonly intervalMs: number,
    /** Told once, at the first refresh that finds the tail caught up (the gateway logs it). */
    private readonly onCaughtUp: (catchUp: TailCatchUp) => void
  ) {}

  start (): void {
    const refresh = (): void => { this.refresh().catch(() => { /* kept: the previous values */ }) }
    refresh()
    this.timer = setInterval(refresh, this.intervalMs).unref()
  }

  stop (): void {
    clearInterval(this.timer)
  }

  /** The cached high watermark (read_uncommitted), or undefined when unknown. */
  highWatermark (topic: string, partition: number): number | undefined {
    return this.highWatermarks.get(topic, partition)
  }

  /** The partitions that have a leader, listed once per metadata snapshot. */
  private ledPartitions (metadata: ClusterMetadata): ReadonlyArray<{ topic: string, partition: number }> {
    if (this.listed?.metadata !== metadata) {
      const partitions = metadata.topics.flatMap((topic) => topic.partitions.filter((p) => p.leader >= 0)
        .map((p) => ({ topic: topic.name, partition: p.partition })))
      this.listed = { metadata, partitions }
    }
    return this.listed.partitions
  }

  /** Refreshes now (one refresh at a time). */
  refresh (): Promise<void> {
    this.refreshing ??= this.update().finally(() => { this.refreshing = undefined })
    return this.refreshing
  }

  private async update (): Promise<void> {
    const partitions = this.ledPartitions(await this.metadata.current())
    const [highWatermarks, tail] = await Promise.all([
      this.kafka.run({ op: 'highWatermarks', partitions }),
      this.kafka.run({ op: 'tailOffsets', known: this.committed?.version })
    ])
    const watermarksChanged = this.highWatermarks.replace(highWatermarks)
    if (tail.offsets !== undefined) this.committed = { version: tail.version, offsets: tail.offsets.filter((o) => !this.excluded(o.group)) }
    // An idle cluster's refresh renders nothing anew.
    if (watermarksChanged || tail.offsets !== undefined) this.metrics.offsets(this.highWatermarks, this.committed?.offsets ?? [])
    this.metrics.skipped(tail.skipped)
    this.metrics.tail(tail.progress)
    const caughtUp = tail.progress.caughtUp
    if (caughtUp !== undefined && !this.caughtUpLogged) {
      this.caughtUpLogged = true
      this.onCaughtUp(caughtUp)
    }
  }
}
