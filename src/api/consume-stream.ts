// The consume stream (SPEC §10.5): `GET /api/v2/stream/:topic/:partition`, over a WebSocket for a handshake,
// else as Server-Sent Events (the server answers 406 when `text/event-stream` is not acceptable). Everything
// that can fail before the first record is an ordinary HTTP answer: parameters (400), the partition (404),
// the start offset (416, resolved by a first fetch that waits for nothing), KASTLEX_STREAM_MAX_CLIENTS (503).
import { invalid } from '../http/errors.js'
import { LATEST, parseOffsetSpec } from '../http/params.js'
import type { OffsetSpec } from '../offset-spec.js'
import type { RequestContext, Route } from '../http/router.js'
import { SEND_BUFFER_LIMIT } from '../http/stream-session.js'
import type { StreamSlots } from '../http/stream-slots.js'
import type { StreamTransport } from '../pool/messages.js'
import { parseInteger } from '../integers.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'
import { partitionParam, requireTarget } from './messages.js'
import { ConsumeSession, type ConsumeStreamOptions } from './consume-session.js'

export function consumeStreamRoute (options: ConsumeStreamOptions & { readonly metadata: MetadataCache }, slots: StreamSlots): Route {
  const handle = async (ctx: RequestContext) => {
    const topic = ctx.params.topic as string
    const partition = partitionParam(ctx.params.partition as string)
    const transport: StreamTransport = ctx.websocket ? 'websocket' : 'sse'
    const offset = startOffset(ctx, transport)
    await requireTarget(options.metadata, topic, partition)
    const release = slots.take(transport)
    let first
    try {
      first = await options.kafka.run({
        op: 'fetch', topic, partition, offset, maxWaitMs: 0, minBytes: 1, maxBytes: Math.min(SEND_BUFFER_LIMIT, options.fetchMaxBytesLimit), format: { kind: 'stream', transport }
      })
    } catch (err) {
      release()
      throw err
    }
    const session = new ConsumeSession(options, { topic, partition, requestId: ctx.requestId, reauthorize: ctx.reauthorize, release }, transport, first)
    return transport === 'websocket' ? { status: 101, upgrade: session } : { status: 200, events: session }
  }
  return { method: 'GET', template: '/api/v2/stream/:topic/:partition', negotiation: 'events', action: 'fetch', tokenInQuery: true, handle }
}

/** Query `offset` (SPEC §5; absent = `latest`); on Server-Sent Events, `last-event-id: n` overrides it: n + 1. */
function startOffset (ctx: RequestContext, transport: StreamTransport): OffsetSpec {
  const raw = ctx.query.text('offset')
  const offset = raw === undefined ? LATEST : parseOffsetSpec(raw)
  if (offset === undefined) throw invalid('offset')
  const lastEventId = transport === 'sse' ? ctx.headers.get('last-event-id') : undefined
  if (lastEventId === undefined || lastEventId === '') return offset
  const seen = parseInteger(lastEventId, 0, Number.MAX_SAFE_INTEGER - 1)
  if (seen === undefined) throw invalid('last-event-id')
  return { kind: 'exact', value: seen + 1 }
}
