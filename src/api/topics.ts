// GET /api/v1/topics, /api/v1/topics/:topic (SPEC §4.4).
import { unknownTopic } from '../http/errors.js'
import type { Route } from '../http/router.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'


export function topicRoutes (metadata: MetadataCache, kafka: KafkaClient): Route[] {
  return [
    {
      method: 'GET',
      template: '/api/v1/topics',
      negotiation: 'accept',
      action: 'list_topics',
      handle: async () => {
        const { topics } = await metadata.current()
        return { status: 200, body: JSON.stringify(topics.map((topic) => topic.name).sort()) }
      }
    },
    {
      method: 'GET',
      template: '/api/v1/topics/:topic',
      negotiation: 'accept',
      action: 'show_topic',
      unknownTopic,
      handle: async (ctx) => {
        await metadata.current()
        const topic = await metadata.topic(ctx.params.topic as string)
        if (topic === undefined) throw unknownTopic()
        const config = await kafka.run({ op: 'topicConfig', topic: topic.name })
        return { status: 200, body: JSON.stringify({ topic: topic.name, partitions: topic.partitions, config }) }
      }
    }
  ]
}
