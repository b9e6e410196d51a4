// The offset families rendered once per refresh (src/metrics/offset-families.ts) are the text prom-client
// writes for the same series as gauges, hostile group names included.
import test from 'ava'
import { Gauge, Registry } from 'prom-client'
import { HighWatermarks } from '../../../src/cluster/high-watermarks.js'
import { renderOffsetFamilies } from '../../../src/metrics/offset-families.js'
import type { CommittedOffsetSample, PartitionOffset } from '../../../src/pool/messages.js'

async function promClientText (highWatermarks: readonly PartitionOffset[], committed: readonly CommittedOffsetSample[]): Promise<string> {
  const registers = [new Registry()]
  const topicOffsets = new Gauge({ name: 'kafka_topic_offset', help: 'High watermark of every partition', labelNames: ['topic', 'partition'], registers })
  const groupOffsets = new Gauge({ name: 'kafka_consumer_group_offset', help: 'Committed offset (offsets tail)', labelNames: ['consumer_group', 'topic', 'partition'], registers })
  const groupLags = new Gauge({ name: 'kafka_consumer_group_lag', help: 'High watermark − committed offset, at least 0', labelNames: ['consumer_group', 'topic', 'partition'], registers })
  for (const { topic, partition, offset } of highWatermarks) topicOffsets.set({ topic, partition: String(partition) }, offset)
  const high = new Map(highWatermarks.map((h) => [`${h.topic}/${h.partition}`, h.offset]))
  for (const { group, topic, partition, offset } of committed) {
    const labels = { consumer_group: group, topic, partition: String(partition) }
    groupOffsets.set(labels, offset)
    const watermark = high.get(`${topic}/${partition}`)
    if (watermark !== undefined) groupLags.set(labels, Math.max(0, watermark - offset))
  }
  return (await registers[0]?.metrics())?.trimEnd() ?? ''
}

test('the same text as prom-client gauges: escaping of every label value, lag at least 0, no lag without a high watermark', async (t) => {
  const highWatermarks: PartitionOffset[] = [
    { topic: 'orders', partition: 0, offset: 120 }, { topic: 'orders', partition: 1, offset: 0 },
    { topic: 'a.b-c_d', partition: 0, offset: 9_007_199_254_740_991 }
  ]
  const committed: CommittedOffsetSample[] = [
    { group: 'plain', topic: 'orders', partition: 0, offset: 100 },
    { group: 'quote " back \\ slash', topic: 'orders', partition: 1, offset: 5 },
    { group: 'new\nline and \\n literal', topic: 'a.b-c_d', partition: 0, offset: 1 },
    { group: 'ünïcødé ✓ {}=,', topic: 'orders', partition: 0, offset: 120 },
    { group: 'plain', topic: 'gone-topic', partition: 3, offset: 7 }
  ]
  const watermarks = new HighWatermarks()
  watermarks.replace(highWatermarks)
  t.is(renderOffsetFamilies(watermarks, committed), await promClientText(highWatermarks, committed))
})

test('no series: the three families with their HELP and TYPE lines only, as prom-client writes them', async (t) => {
  t.is(renderOffsetFamilies(new HighWatermarks(), []), await promClientText([], []))
})
