// The high watermark of every partition, as of the last offsets refresh, kept in place from one refresh to
// the next: arrays per topic, indexed by partition, so that a refresh of 10,000 partitions allocates
// nothing that outlives it and a lookup allocates nothing.
import type { PartitionOffsets } from '../metrics/offset-families.js'
import type { PartitionOffset } from '../pool/messages.js'

/** A partition left out of the last refresh (no leader). */
const UNKNOWN = -1

interface TopicOffsets {
  refresh: number
  readonly offsets: number[]
  /** The refresh that last set each partition's offset. */
  readonly refreshes: number[]
}

export class HighWatermarks implements PartitionOffsets {
  private readonly topics = new Map<string, TopicOffsets>()
  private refreshes = 0

  /**
   * Replaces every offset with `offsets`: partitions and topics not among them are forgotten. Whether anything
   * differs from before (an offset, a partition or a topic).
   */
  replace (offsets: readonly PartitionOffset[]): boolean {
    const refresh = ++this.refreshes
    let changed = false
    for (const { topic, partition, offset } of offsets) {
      let entry = this.topics.get(topic)
      if (entry === undefined) {
        entry = { refresh, offsets: [], refreshes: [] }
        this.topics.set(topic, entry)
      }
      entry.refresh = refresh
      while (entry.offsets.length <= partition) {
        entry.offsets.push(UNKNOWN)
        entry.refreshes.push(0)
      }
      if (entry.offsets[partition] !== offset) changed = true
      entry.offsets[partition] = offset
      entry.refreshes[partition] = refresh
    }
    for (const [topic, entry] of this.topics) {
      if (entry.refresh !== refresh) {
        this.topics.delete(topic)
        changed = true
        continue
      }
      for (let partition = 0; partition < entry.offsets.length; partition++) {
        if (entry.refreshes[partition] === refresh || entry.offsets[partition] === UNKNOWN) continue
        entry.offsets[partition] = UNKNOWN
        changed = true
      }
    }
    return changed
  }

  get (topic: string, partition: number): number | undefined {
    const offset = this.topics.get(topic)?.offsets[partition]
    return offset === undefined || offset === UNKNOWN ? undefined : offset
  }

  forEach (visit: (topic: string, partition: number, offset: number) => void): void {
    for (const [topic, { offsets }] of this.topics) {
      for (let partition = 0; partition < offsets.length; partition++) {
        const offset = offsets[partition] as number
        if (offset !== UNKNOWN) visit(topic, partition, offset)
      }
    }
  }
}
