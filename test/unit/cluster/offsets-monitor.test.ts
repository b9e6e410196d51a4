// The offsets monitor's refresh (src/cluster/offsets-monitor.ts) against a scripted Kafka side: the offset
// families are rendered again only when a high watermark or the tail's state changed, always from the latest
// of both, and the tail is asked with the version the monitor holds.
import test from 'ava'
import { OffsetsMonitor } from '../../../src/cluster/offsets-monitor.js'
import type { MetadataCache } from '../../../src/cluster/metadata-cache.js'
import { GatewayMetrics } from '../../../src/metrics/gateway-metrics.js'
import type { KafkaClient } from '../../../src/pool/kafka-client.js'
import type { ClusterMetadata, CommittedOffsetSample, KafkaOp, PartitionOffset, TailVersion } from '../../../src/pool/messages.js'

const METADATA: ClusterMetadata = {
  brokers: [],
  topics: [{ name: 'orders', partitions: [0, 1].map((partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })) }]
}

class ScriptedKafka {
  watermarks: PartitionOffset[] = []
  tail: TailVersion = { tail: 'first', records: 0 }
  committed: CommittedOffsetSample[] = []
  readonly asked: Array<TailVersion | undefined> = []

  client (): KafkaClient {
    const run = async (op: KafkaOp): Promise<unknown> => {
      if (op.op === 'highWatermarks') return this.watermarks
      if (op.op !== 'tailOffsets') throw new Error(`unexpected op ${op.op}`)
      this.asked.push(op.known)
      const unchanged = op.known?.tail === this.tail.tail && op.known.records === this.tail.records
      return { offsets: unchanged ? undefined : this.committed, version: this.tail, skipped: [], progress: { records: this.tail.records, caughtUp: undefined } }
    }
    return { run, runOnEach: async () => [], stats: () => ({ size: 0, queueDepth: 0, utilization: 0 }), close: async () => {} } as unknown as KafkaClient
  }
}

function offsetLines (text: string): string[] {
  return text.split('\n').filter((line) => /^kafka_(topic_offset|consumer_group_(offset|lag))\{/.test(line))
}

test('renders again only on a change of a high watermark or of the tail, from the latest of both; excluded groups never', async (t) => {
  const kafka = new ScriptedKafka()
  const metrics = new GatewayMetrics(() => ({ size: 0, queueDepth: 0, utilization: 0 }), async () => [])
  let renders = 0
  const render = metrics.offsets.bind(metrics)
  metrics.offsets = (highWatermarks, committed) => { renders++; render(highWatermarks, committed) }
  const metadata = { current: async () => METADATA } as unknown as MetadataCache
  const monitor = new OffsetsMonitor(kafka.client(), metadata, metrics, (group) => group.startsWith('hidden'), 60_000, () => {})

  kafka.watermarks = [{ topic: 'orders', partition: 0, offset: 10 }]
  kafka.tail = { tail: 'first', records: 5 }
  kafka.committed = [{ group: 'g', topic: 'orders', partition: 0, offset: 4 }, { group: 'hidden-1', topic: 'orders', partition: 0, offset: 1 }]
  await monitor.refresh()
  t.is(renders, 1)
  t.deepEqual(offsetLines((await metrics.text()).toString()), [
    'kafka_topic_offset{topic="orders",partition="0"} 10',
    'kafka_consumer_group_offset{consumer_group="g",topic="orders",partition="0"} 4',
    'kafka_consumer_group_lag{consumer_group="g",topic="orders",partition="0"} 6'
  ])

  await monitor.refresh() // nothing changed
  t.is(renders, 1)
  t.deepEqual(kafka.asked.at(-1), { tail: 'first', records: 5 })

  kafka.watermarks = [{ topic: 'orders', partition: 0, offset: 12 }, { topic: 'orders', partition: 1, offset: 3 }]
  await monitor.refresh() // the watermarks moved, the tail did not: the kept commits, the new lag
  t.is(renders, 2)
  t.deepEqual(offsetLines((await metrics.text()).toString()), [
    'kafka_topic_offset{topic="orders",partition="0"} 12',
    'kafka_topic_offset{topic="orders",partition="1"} 3',
    'kafka_consumer_group_offset{consumer_group="g",topic="orders",partition="0"} 4',
    'kafka_consumer_group_lag{consumer_group="g",topic="orders",partition="0"} 8'
  ])

  kafka.tail = { tail: 'first', records: 6 }
  kafka.committed = [{ group: 'g', topic: 'orders', partition: 0, offset: 12 }]
  await monitor.refresh() // the tail moved
  t.is(renders, 3)
  t.deepEqual(offsetLines((await metrics.text()).toString()).slice(2), [
    'kafka_consumer_group_offset{consumer_group="g",topic="orders",partition="0"} 12',
    'kafka_consumer_group_lag{consumer_group="g",topic="orders",partition="0"} 0'
  ])

  // another tail (its worker started again) at the same count is another state
  kafka.tail = { tail: 'second', records: 6 }
  kafka.committed = [{ group: 'g2', topic: 'orders', partition: 1, offset: 1 }]
  await monitor.refresh()
  t.is(renders, 4)
  t.deepEqual(kafka.asked.at(-1), { tail: 'first', records: 6 })
  t.deepEqual(offsetLines((await metrics.text()).toString()).slice(2), [
    'kafka_consumer_group_offset{consumer_group="g2",topic="orders",partition="1"} 1',
    'kafka_consumer_group_lag{consumer_group="g2",topic="orders",partition="1"} 2'
  ])
  t.is(monitor.highWatermark('orders', 1), 3)
  t.is(monitor.highWatermark('orders', 2), undefined)
})
