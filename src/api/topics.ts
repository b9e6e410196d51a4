// GET /api/v1/topics, /api/v1/topics/:topic (SPEC §4.4).
import { HttpError } from '../http/errors.js'
import type { Route } from '../http/router.js'
import type { MetadataCache } from './metadata-cache.js'

export function topicRoutes (metadata: MetadataCache): Route[] {
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
      handle: async (ctx) => {
        await metadata.current()
        const topic = await metadata.topic(ctx.params.topic as string)
        if (topic === undefined) throw new HttpError(404, 'Unknown topic')
        // `config` needs DescribeConfigs, which comes with the native admin addon (issue 3): null until then,
        // which the contract defines as "the config lookup failed".
        return { status: 200, body: JSON.stringify({ topic: topic.name, partitions: topic.partitions, config: null }) }
      }
    }
  ]
}
