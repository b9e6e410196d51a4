// Route table and matching (SPEC §3). Matching is on decoded path segments; `:name` captures one.
import type { HttpError } from './errors.js'
import type { Representation } from './negotiate.js'
import type { Query, RequestHeaders } from './request.js'
import type { EventSession, StreamSession } from './stream-session.js'

export type Method = 'GET' | 'POST' | 'DELETE'
/**
 * How a route negotiates its representation: §2.5 `Accept`; `html`, route H's `text/html` (the dashboard);
 * `events`, a stream (§3's S: a WebSocket handshake, or Server-Sent Events when `text/event-stream` is
 * acceptable, else 406); or not at all.
 */
export type Negotiation = 'accept' | 'html' | 'events' | 'none'

export interface Reply {
  readonly status: number
  readonly contentType?: string
  readonly headers?: ReadonlyArray<readonly [string, string]>
  readonly body?: string | Buffer
  /** Status 101: the WebSocket handshake is accepted and the connection handed to this session. */
  readonly upgrade?: StreamSession
  /** Server-Sent Events: the head is written (`text/event-stream`) and the response handed to this session. */
  readonly events?: EventSession
}

/**
 * A request whose route writes to Kafka, as the Kafka client sees it (pool/kafka-client.ts). A write is
 * handed to librdkafka only while the request is `open` (no record for a client already gone). Requests
 * pipelined behind it wait, unparsed, until its answer is written (uWS as built here: README, The HTTP
 * front end), so a write that started is always answered.
 */
export interface Requester {
  /** Not answered yet, and its connection not closed. */
  readonly open: boolean
}

export interface RequestContext {
  readonly method: string
  /** The path as sent, without the query string. */
  readonly path: string
  readonly params: Readonly<Record<string, string>>
  readonly query: Query
  readonly headers: RequestHeaders
  readonly representation: Representation
  readonly requestId: string
  /** The user of the accepted token, or `anonymous` (known once the handler runs). */
  readonly user: string
  /** The socket peer's address (the client, or a proxy); call it before the first await. */
  readonly peer: () => string
  /** For the Kafka client's hand-off of a write (see Requester). */
  readonly requester: Requester
  /** The request body, limited to the route's size (413 when over); valid once per request. */
  readonly body: () => Promise<Buffer>
  /** A WebSocket handshake (`Upgrade: websocket` with its key): the route may answer it with Reply.upgrade. */
  readonly websocket: boolean
  /**
   * SPEC §2.4 steps 5–6 again, as the request passed them (same token, same client), for a stream that
   * outlives its handshake: throws or rejects with 401/403/503 once the token expired or was revoked, or a
   * reload took the permission away.
   */
  readonly reauthorize: () => void | Promise<void>
}

export interface Route {
  readonly method: Method
  /** The §3 template, e.g. `/api/v1/messages/:topic/:partition` (also the metrics label). */
  readonly template: string
  readonly negotiation: Negotiation
  /** The permission checked before the handler runs (authentication issue). */
  readonly action?: string
  /** A route with `:topic` whose answer for a topic that does not exist is its own (SPEC §4.4, §4.9). */
  readonly unknownTopic?: () => HttpError
  /** SPEC §6.1: a stream route also takes the token from the query parameter `access_token`. */
  readonly tokenInQuery?: boolean
  /** Upper bound of the body; routes without one never read a body. */
  readonly bodyLimit?: number
  /** Throws HttpError for client mistakes; validates everything before awaiting the body. */
  readonly handle: (ctx: RequestContext) => Promise<Reply> | Reply
}

interface CompiledRoute {
  readonly route: Route
  readonly segments: ReadonlyArray<{ readonly literal: string } | { readonly param: string }>
}

export interface Match {
  readonly route: Route
  readonly params: Record<string, string>
}

export class Router {
  private readonly routes: CompiledRoute[]

  constructor (routes: readonly Route[]) {
    this.routes = routes.map((route) => ({
      route,
      segments: route.template.split('/').filter((s) => s !== '').map((s) =>
        s.startsWith(':') ? { param: s.slice(1) } : { literal: s })
    }))
  }

  /** The largest body any route reads (0 when none does). */
  get largestBodyLimit (): number {
    return Math.max(0, ...this.routes.map(({ route }) => route.bodyLimit ?? 0))
  }

  /** The route for a method (HEAD as GET) and decoded segments; undefined → 404. */
  match (method: string, segments: readonly string[]): Match | undefined {
    const wanted = method === 'HEAD' ? 'GET' : method
    for (const { route, segments: pattern } of this.routes) {
      if (route.method !== wanted || pattern.length !== segments.length) continue
      const params: Record<string, string> = {}
      let matched = true
      for (let i = 0; i < pattern.length && matched; i++) {
        const part = pattern[i] as CompiledRoute['segments'][number]
        const segment = segments[i] as string
        if ('param' in part) params[part.param] = segment
        else matched = part.literal === segment
      }
      if (matched) return { route, params }
    }
    return undefined
  }
}
