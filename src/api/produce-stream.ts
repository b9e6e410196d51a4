// The produce stream (SPEC §10.4a): `GET /api/v2/produce/:topic[/:partition]` upgraded to a WebSocket. The
// handshake runs every step of an ordinary request (401/403/404 and the token storage topic's 403 come as
// HTTP answers, before any upgrade); an accepted one takes a KASTLEX_STREAM_MAX_CLIENTS slot and its
// connection goes to a ProduceSession.
import { upgradeRequired } from '../http/errors.js'
import type { RequestContext, Route } from '../http/router.js'
import type { StreamSlots } from '../http/stream-slots.js'
import { partitionParam, requireTarget } from './messages.js'
import { ProduceSession, type ProduceStreamOptions } from './produce-session.js'

/** RFC 9110 §15.5.22: a 426 names the protocol to switch to. */

/**
 * uWS's idle timeout of a stream, in seconds: a paused stream reads nothing (not even pongs) until its
 * answers come, which takes up to the produce deadline; so the deadline plus a margin, in uWS's 4 s steps,
 * at least 2 minutes and at most 16 (uSockets' longest).
 */
export function streamIdleTimeoutS (produceTimeoutMs: number): number {
  const seconds = Math.ceil(produceTimeoutMs / 1000) + 30
  return Math.min(960, Math.max(120, Math.ceil(seconds / 4) * 4))
}

export function produceStreamRoutes (options: ProduceStreamOptions, slots: StreamSlots): Route[] {
  const handle = async (ctx: RequestContext) => {
    const topic = ctx.params.topic as string
    const partition = ctx.params.partition === undefined ? -1 : partitionParam(ctx.params.partition)
    if (!ctx.websocket) throw upgradeRequired()
    await requireTarget(options.metadata, topic, ctx.params.partition === undefined ? undefined : partition)
    const release = slots.take('websocket')
    return {
      status: 101,
      upgrade: new ProduceSession(options, { topic, partition, requestId: ctx.requestId, reauthorize: ctx.reauthorize, release })
    }
  }
  return ['/api/v2/produce/:topic', '/api/v2/produce/:topic/:partition'].map((template) => (
    { method: 'GET', template, negotiation: 'accept', action: 'produce', tokenInQuery: true, handle }
  ))
}
