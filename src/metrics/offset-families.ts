// The three offset families of /metrics (SPEC §8): kafka_topic_offset, kafka_consumer_group_offset and
// kafka_consumer_group_lag, one series per partition and per (group, partition): 30,000 series on a cluster
// of 10,000 partitions. As prom-client gauges they cost a labels object, a hash string and an entry per series
// at every offsets refresh, and the formatting of every series at every scrape; all of it lived until the
// next refresh, so it was promoted to V8's old space and died there. They are rendered here instead, as
// Prometheus text, once per refresh; a scrape copies its bytes.
import type { CommittedOffsetSample } from '../pool/messages.js'

/** Offsets by topic and partition. */
export interface PartitionOffsets {
  /** Every offset, topic by topic, partitions in ascending order. */
  forEach (visit: (topic: string, partition: number, offset: number) => void): void
  get (topic: string, partition: number): number | undefined
}

const FAMILIES = {
  topicOffset: { name: 'kafka_topic_offset', help: 'High watermark of every partition' },
  groupOffset: { name: 'kafka_consumer_group_offset', help: 'Committed offset (offsets tail)' },
  groupLag: { name: 'kafka_consumer_group_lag', help: 'High watermark − committed offset, at least 0' }
} as const

/**
 * The three families as prom-client would write them (HELP and TYPE lines, label values escaped), separated
 * by a blank line, without a final newline. A group's lag is left out where its partition has no high watermark.
 */
export function renderOffsetFamilies (highWatermarks: PartitionOffsets, committed: readonly CommittedOffsetSample[]): string {
  const topicLines: string[] = []
  highWatermarks.forEach((topic, partition, offset) => {
    topicLines.push(`${FAMILIES.topicOffset.name}{topic="${escapeLabel(topic)}",partition="${partition}"} ${offset}`)
  })
  const offsetLines: string[] = []
  const lagLines: string[] = []
  for (const { group, topic, partition, offset } of committed) {
    const labels = `{consumer_group="${escapeLabel(group)}",topic="${escapeLabel(topic)}",partition="${partition}"}`
    offsetLines.push(`${FAMILIES.groupOffset.name}${labels} ${offset}`)
    const high = highWatermarks.get(topic, partition)
    if (high !== undefined) lagLines.push(`${FAMILIES.groupLag.name}${labels} ${Math.max(0, high - offset)}`)
  }
  return [
    family(FAMILIES.topicOffset, topicLines),
    family(FAMILIES.groupOffset, offsetLines),
    family(FAMILIES.groupLag, lagLines)
  ].join('\n\n')
}

function family ({ name, help }: { name: string, help: string }, lines: string[]): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...lines].join('\n')
}

/** As prom-client escapes a label value: backslash, newline and double quote. */
export function escapeLabel (value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}
