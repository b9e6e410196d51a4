// GET /api/v1/offsets/:topic/:partition?at= (SPEC §4.6, §5).
import { invalid } from '../http/errors.js'
import { LATEST, parseOffsetSpec } from '../http/params.js'
import type { Route } from '../http/router.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import { partitionParam, requireTarget } from './messages.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'

export function offsetsRoute (kafka: KafkaClient, metadata: MetadataCache): Route {
  return {
    method: 'GET',
    template: '/api/v1/offsets/:topic/:partition',
    negotiation: 'accept',
    action: 'show_offsets',
    handle: async (ctx) => {
      const topic = ctx.params.topic as string
      const partition = partitionParam(ctx.params.partition as string)
      const rawAt = ctx.query.text('at')
      const at = rawAt === undefined ? LATEST : parseOffsetSpec(rawAt)
      if (at === undefined) throw invalid('at')
      await requireTarget(metadata, topic, partition)
      const { offset } = await kafka.run({ op: 'offsets', topic, partition, at })
      return { status: 200, body: JSON.stringify({ offset }) }
    }
  }
}
