// Produce (SPEC §4.7) and fetch (§4.8), v1 and v2.
import { invalid, kafkaError } from '../http/errors.js'
import { recordHeaders } from '../batch/records.js'
import type { IdempotencyStore } from '../http/idempotency.js'
import { LAST, parseOffsetSpec } from '../http/params.js'
import type { Reply, RequestContext, Route } from '../http/router.js'
import { INT32_MAX, parseInt64, parseInteger } from '../integers.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import type { FetchFormat } from '../pool/messages.js'
import { idempotentProduce } from './idempotent-produce.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'

export interface MessagesOptions {
  readonly kafka: KafkaClient
  readonly metadata: MetadataCache
  readonly maxBodyBytes: number
  readonly fetchMaxBytesLimit: number
  readonly metrics: GatewayMetrics
  readonly idempotency: IdempotencyStore
}

const unknownTopicOrPartition = () => kafkaError('unknown_topic_or_partition')
/** The record headers of a request without `x-message-headers` (shared: nothing writes to them). */
const NO_HEADERS: ReadonlyArray<readonly [string, string]> = Object.freeze([])

/** A path partition: an integer up to 2³¹−1 (well-formed negative ones exist nowhere → 404 later), else 400. */
export function partitionParam (raw: string): number {
  const partition = parseInt64(raw)
  if (partition === undefined || partition > INT32_MAX) throw invalid('partition')
  return Math.max(partition, -1)
}

/**
 * 404 unless the topic, or the path's partition of it, exists: at once when the cache holds it (no promise
 * on the produce path), else after a live lookup.
 */
export function requireTarget (metadata: MetadataCache, topic: string, pathPartition: number | undefined): Promise<void> | undefined {
  return metadata.has(topic, pathPartition) ? undefined : lookUpTarget(metadata, topic, pathPartition)
}

async function lookUpTarget (metadata: MetadataCache, topic: string, pathPartition: number | undefined): Promise<void> {
  const found = pathPartition === undefined ? await metadata.topic(topic) : await metadata.partition(topic, pathPartition)
  if (found === undefined) throw unknownTopicOrPartition()
}

/** Produce and fetch routes of both versions, each with and without its optional segment. */
export function messageRoutes (options: MessagesOptions): Route[] {
  const produce = produceHandler(options)
  const fetch1 = fetchHandler(options, 1)
  const fetch2 = fetchHandler(options, 2)
  return [1, 2].flatMap((version) => [
    { method: 'POST', template: `/api/v${version}/messages/:topic`, negotiation: 'accept', action: 'produce', bodyLimit: options.maxBodyBytes, handle: produce },
    { method: 'POST', template: `/api/v${version}/messages/:topic/:partition`, negotiation: 'accept', action: 'produce', bodyLimit: options.maxBodyBytes, handle: produce },
    { method: 'GET', template: `/api/v${version}/messages/:topic/:partition`, negotiation: 'accept', action: 'fetch', handle: version === 1 ? fetch1 : fetch2 },
    { method: 'GET', template: `/api/v${version}/messages/:topic/:partition/:offset`, negotiation: 'accept', action: 'fetch', handle: version === 1 ? fetch1 : fetch2 }
  ] satisfies Route[])
}

function produceHandler (options: MessagesOptions) {
  return async (ctx: RequestContext): Promise<Reply> => {
    const topic = ctx.params.topic as string
    const pathPartition = ctx.params.partition === undefined ? undefined : partitionParam(ctx.params.partition)
    const key = ctx.query.bytes('key')
    const headers = messageHeaders(ctx.headers.all('x-message-headers'))
    const idempotent = idempotentProduce(options.idempotency, ctx)
    const body = await ctx.body()
    // Without an idempotency key (the common path) no closure is made for the work.
    if (idempotent === undefined) return await produceRecord(options, ctx, topic, pathPartition, key, body, headers)
    return await idempotent({ key, body }, async () => await produceRecord(options, ctx, topic, pathPartition, key, body, headers))
  }
}

/** The record of a produce request, once its body is read; 204 with where Kafka put it. */
async function produceRecord ({ kafka, metadata, metrics }: MessagesOptions, ctx: RequestContext, topic: string,
  pathPartition: number | undefined, key: Buffer | undefined, body: Buffer, headers: ReadonlyArray<readonly [string, string]>): Promise<Reply> {
  const lookup = requireTarget(metadata, topic, pathPartition)
  if (lookup !== undefined) await lookup
  const recordKey = key === undefined || key.length === 0 ? null : key
  const bytes = (recordKey?.length ?? 0) + body.length
  const delivered = await kafka.run({ op: 'produce', topic, partition: pathPartition ?? -1, key: recordKey, value: body.length === 0 ? null : body, headers }, ctx.requester)
  metrics.produced(topic, bytes)
  return {
    status: 204,
    headers: [['x-kafka-partition', String(delivered.partition)], ['x-message-offset', String(delivered.offset)]]
  }
}

/**
 * `x-message-headers` → record headers (SPEC §4.7): a JSON object; strings verbatim, anything else as
 * its compact JSON text; duplicate names: last wins (JSON.parse keeps the last); sorted by name.
 */
export function messageHeaders (lines: readonly string[]): ReadonlyArray<readonly [string, string]> {
  if (lines.length === 0) return NO_HEADERS
  if (lines.length > 1) throw invalid('x-message-headers', 'given more than once')
  let parsed: unknown
  try {
    parsed = JSON.parse(lines[0] as string)
  } catch (err) {
    throw invalid('x-message-headers', (err as Error).message)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalid('x-message-headers', 'not a JSON object')
  }
  return recordHeaders(parsed as Record<string, unknown>)
}

function integerQuery (ctx: RequestContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.query.text(name)
  if (raw === undefined) return fallback
  const value = parseInteger(raw, min, max)
  if (value === undefined) throw invalid(name)
  return value
}

function fetchHandler ({ kafka, metadata, fetchMaxBytesLimit, metrics }: MessagesOptions, version: 1 | 2) {
  return async (ctx: RequestContext) => {
    const topic = ctx.params.topic as string
    const partition = partitionParam(ctx.params.partition as string)
    const rawOffset = ctx.params.offset ?? ctx.query.text('offset')
    const offset = rawOffset === undefined ? LAST : parseOffsetSpec(rawOffset)
    if (offset === undefined) throw invalid('offset')
    const maxWaitMs = integerQuery(ctx, 'max_wait_time', 1000, 0, 60_000)
    const minBytes = integerQuery(ctx, 'min_bytes', 1, 0, INT32_MAX)
    const rawMaxBytes = ctx.query.text('max_bytes')
    const maxBytes = rawMaxBytes === undefined ? 102_400 : parseInt64(rawMaxBytes)
    if (maxBytes === undefined || maxBytes < 1) throw invalid('max_bytes')
    const format: FetchFormat = ctx.representation.kind === 'binary'
      ? { kind: 'binary', contentType: ctx.representation.contentType }
      : { kind: 'json', version }
    await requireTarget(metadata, topic, partition)
    const fetched = await kafka.run({
      op: 'fetch', topic, partition, offset, maxWaitMs, minBytes, maxBytes: Math.min(maxBytes, fetchMaxBytesLimit), format
    })
    metrics.fetched(topic, fetched.records, fetched.bytes)
    const { contentType, headers, body } = fetched.encoded
    return { status: 200, contentType, headers, body }
  }
}
