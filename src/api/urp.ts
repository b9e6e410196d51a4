// GET /api/v1/urp, /api/v1/urp/:topic (SPEC §4.9): partitions whose replica set differs from the ISR.
import { unknownUrpTopic } from '../http/errors.js'
import type { Reply, Route } from '../http/router.js'
import type { PartitionMetadata } from '../pool/messages.js'
import type { MetadataCache, TopicMetadata } from '../cluster/metadata-cache.js'

const NO_CONTENT: Reply = { status: 204 }

export function underReplicated (partition: PartitionMetadata): boolean {
  const isr = new Set(partition.isr)
  return partition.replicas.length !== isr.size || partition.replicas.some((replica) => !isr.has(replica))
}

const urpOf = (topic: TopicMetadata) => ({ topic: topic.name, urp: topic.partitions.filter(underReplicated) })

export function urpRoutes (metadata: MetadataCache): Route[] {
  return [
    {
      method: 'GET',
      template: '/api/v1/urp',
      negotiation: 'accept',
      action: 'list_urps',
      handle: async () => {
        const { topics } = await metadata.current()
        const affected = topics.map(urpOf).filter(({ urp }) => urp.length > 0)
          .sort((a, b) => (a.topic < b.topic ? -1 : 1))
        return affected.length === 0 ? NO_CONTENT : { status: 200, body: JSON.stringify(affected) }
      }
    },
    {
      method: 'GET',
      template: '/api/v1/urp/:topic',
      negotiation: 'accept',
      action: 'show_urps',
      unknownTopic: unknownUrpTopic,
      handle: async (ctx) => {
        await metadata.current()
        const topic = await metadata.topic(ctx.params.topic as string)
        if (topic === undefined) throw unknownUrpTopic()
        const { urp } = urpOf(topic)
        return urp.length === 0 ? NO_CONTENT : { status: 200, body: JSON.stringify({ topic: topic.name, urp }) }
      }
    }
  ]
}
