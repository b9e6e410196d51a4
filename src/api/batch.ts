// Batch produce (SPEC §10.4): `POST /api/v2/batch/:topic[/:partition]`. The event loop checks what it
// must (parameters, headers, size, media type, topic) and forwards the body's bytes untouched: decoding,
// the record checks and the answer's JSON happen where the producer runs, one pool task per batch.
import { batchFormat } from '../batch/records.js'
import { unsupportedMediaType } from '../http/errors.js'
import type { IdempotencyStore } from '../http/idempotency.js'
import type { Reply, RequestContext, Route } from '../http/router.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import { idempotentProduce } from './idempotent-produce.js'
import { messageHeaders, partitionParam } from './messages.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'

export interface BatchOptions {
  readonly kafka: KafkaClient
  readonly metadata: MetadataCache
  readonly maxBodyBytes: number
  readonly maxRecords: number
  readonly metrics: GatewayMetrics
  readonly idempotency: IdempotencyStore
}

export function batchRoutes (options: BatchOptions): Route[] {
  const handle = batchHandler(options)
  return ['/api/v2/batch/:topic', '/api/v2/batch/:topic/:partition'].map((template) => (
    { method: 'POST', template, negotiation: 'accept', action: 'produce', bodyLimit: options.maxBodyBytes, handle }
  ))
}

function batchHandler ({ kafka, metadata, maxRecords, metrics, idempotency }: BatchOptions) {
  return async (ctx: RequestContext) => {
    const topic = ctx.params.topic as string
    const pathPartition = ctx.params.partition === undefined ? undefined : partitionParam(ctx.params.partition)
    const format = batchFormat(ctx.headers.get('content-type'))
    const headers = format === 'binary' ? messageHeaders(ctx.headers.all('x-message-headers')) : []
    const idempotent = idempotentProduce(idempotency, ctx)
    const body = await ctx.body()
    if (format === undefined) throw unsupportedMediaType()
    // The route takes no `key` parameter: none in the fingerprint.
    const work = async (): Promise<Reply> => {
      // A partition beyond the cached count gets a live lookup (partitions may have been added).
      if (pathPartition !== undefined) await metadata.partition(topic, pathPartition)
      const partitionCount = (await metadata.topic(topic))?.partitions.length ?? null
      // Handed to Kafka only if the client is still there (see Requester): nothing produced otherwise.
      const result = await kafka.run({
        op: 'produceBatch',
        topic,
        partition: pathPartition ?? -1,
        // A well-formed negative path partition exists nowhere: 404 once the body is found valid.
        partitionCount: pathPartition !== undefined && pathPartition < 0 ? null : partitionCount,
        format,
        body,
        headers,
        maxRecords
      }, ctx.requester)
      if (result.produced > 0) metrics.produced(topic, result.producedBytes, result.produced)
      return { status: 200, body: result.bodies[0] as string }
    }
    return await (idempotent === undefined ? work() : idempotent({ key: undefined, body }, work))
  }
}
