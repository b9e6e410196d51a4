// The front end: uWS hands every request here; the request runs SPEC §2.4 top to bottom.
import * as uWS from './uws.js'
import type { HttpsConfig } from '../config.js'
import { ANONYMOUS } from '../auth/users.js'
import type { Logger } from '../log.js'
import { BodyReader, DISCARD_LIMIT_FACTOR } from './body.js'
import type { BodyBudget } from './body-budget.js'
import type { CorsPolicy } from './cors.js'
import { MAX_HEADER_BYTES } from './header-limits.js'
import { headersTooLarge, HttpError, invalid, kafkaError, notAcceptable, notFound, serverStopping } from './errors.js'
import { Exchange, type Handshake } from './exchange.js'
import { framingError } from './framing.js'
import { OpenExchanges } from './open-exchanges.js'
import { acceptsEventStream, acceptsHtml, negotiate, type Representation } from './negotiate.js'
import { pathSegments, Query, RequestHeaders } from './request.js'
import { requestIdFor } from './request-id.js'
import { sslApp } from './tls.js'
import type { RequestContext, Route, Router } from './router.js'
import type { StoppableStream, StreamSession, StreamSocket } from './stream-session.js'

const JSON_REPRESENTATION: Representation = { kind: 'json' }
/** The metrics label of a CORS preflight: §3's `OPTIONS any`. */
const PREFLIGHT_ROUTE = '*'
/**
 * On stop, connections are closed once no request is in flight and none arrived for this long: a client
 * that just got an answer (sent before the stop) and is writing its next request gets it answered.
 */
const STOP_QUIET_MS = 250
/**
 * On stop, after the last WebSocket sent its close frame: how long the connections stay, so that the frame
 * reaches its client before app.close() drops them (a socket closed with unread bytes sends a reset, and a
 * client still sending frames then saw 1006 instead of 1001).
 */
const STREAM_CLOSE_LINGER_MS = 500

export interface ListenAddress {
  readonly host: string
  readonly port: number
}

export interface Server {
  /**
   * Resolves once listening on the HTTP port and, when HTTPS is configured, the HTTPS port; rejects with
   * neither open when a port cannot be bound or the TLS files are unusable (the message names the variable).
   * Each port is bound exclusively unless `reusePort` (SO_REUSEPORT: shared with processes that ask the same).
   */
  listen: (http: ListenAddress, reusePort: boolean) => Promise<void>
  /**
   * The graceful stop (SPEC §1): stops accepting connections; requests already started are finished and
   * their answers close their connections (`connection: close`); a request arriving from now on is
   * answered 503 `stopping` and its connection closed. Once none is in flight (or after `graceMs`, when
   * those left are answered 503 `timeout`), every connection left, i.e. idle keep-alive ones, is closed.
   */
  close: (graceMs: number) => Promise<void>
  /** Requests that have not finished yet. */
  readonly inFlight: number
}

/** The WebSocket side of the server (SPEC §10.4a). */
export interface WebSocketOptions {
  /** uWS's maxPayloadLength: a larger message closes the connection with 1009. */
  readonly maxMessageBytes: number
  /** Seconds without any frame either way after which uWS closes the connection (it pings before). */
  readonly idleTimeoutS: number
}

/** What a WebSocket carries as its uWS user data: the session of its accepted handshake. */
interface Upgraded { readonly session: StreamSession }

/**
 * SPEC §2.4 steps 5–6: throws (or rejects with) 401/403/429/503 HttpErrors when the request may not
 * use the route; asynchronous only while it has to wait (the token store). `peer` reads the socket
 * peer's address (only valid before the first await); `identified` gets the user of an accepted token
 * (for the access line; without one the request is anonymous).
 */
export type Authorize = (route: Route, headers: RequestHeaders, query: Query, params: Readonly<Record<string, string>>, peer: () => string, identified: (user: string) => void) => void | Promise<void>

/** Called once per request when its answer is complete: the metrics' hook (route = the matched template). */
export type OnResponse = (method: string, route: string, status: number, seconds: number) => void

/**
 * The HTTP listener, and with `https` a TLS listener beside it: both apps get the same handler, so every
 * request runs the same code whichever port it came in on.
 */

export function createServer (router: Router, log: Logger, onResponse: OnResponse, authorize: Authorize, bodies: BodyBudget, cors: CorsPolicy, websocket: WebSocketOptions, https?: HttpsConfig): Server {
  let listenSockets: uWS.us_listen_socket[] = []
  /** How much of a body no route reads is read (and dropped) when its request is answered early. */
  const discardBound = DISCARD_LIMIT_FACTOR * router.largestBodyLimit
  /** Requests not answered yet. */
  const open = new OpenExchanges<Exchange>()
  /** Streams opened and not closed yet: WebSocket sessions, and Server-Sent Events ones (added by their Exchange). */
  const streams = new Set<StoppableStream>()
  let stopping = false
  let lastArrival = 0

  const handle = (res: uWS.HttpResponse, req: uWS.HttpRequest, handshake?: Handshake): void => {
    const started = performance.now()
    const method = req.getMethod().toUpperCase()
    const path = req.getUrl()
    const headers = RequestHeaders.of(req.getHeaderList())
    const queryString = req.getQuery() ?? ''
    let reader: BodyReader | undefined
    let template = 'unmatched'
    let user = ANONYMOUS
    lastArrival = started
    const origin = headers.all('origin')
    const exchange = new Exchange(res, requestIdFor(headers.get('x-request-id')), method === 'HEAD', (status) => {
      open.delete(exchange)
      reader?.end()
      const seconds = (performance.now() - started) / 1000
      onResponse(method, template, status, seconds)
      // `error` is undefined on 2xx answers, and JSON leaves undefined members out.
      log.info('request', { request_id: exchange.requestId, method, path, status, duration_ms: Math.round(seconds * 1e6) / 1000, user, error: exchange.error })
    }, cors.headersFor(origin), handshake, streams)
    open.add(exchange)
    log.trace('request received', { request_id: exchange.requestId, method, path })
    // A body the route never read leaves the connection unusable for the next request.
    const sendsBody = headers.get('transfer-encoding') !== undefined || (headers.get('content-length') ?? '0') !== '0'
    /** A reader for a body no route takes: it only drops what comes (up to discardBound when answered early). */
    const droppingReader = (): BodyReader => new BodyReader(res, headers.get('content-length'), 0, bodies, discardBound)
    const fail = (err: unknown): void => {
      if (!(err instanceof HttpError) || err.status === 500) {
        log.error('request failed', { request_id: exchange.requestId, error: String((err as Error)?.stack ?? err) })
      }
      // Refused before a route took the body (no route, 406…): nothing listened to it yet.
      if (sendsBody && reader === undefined && exchange.open) reader = droppingReader()
      const unread = sendsBody ? reader : undefined
      if (unread?.arriving !== true || !exchange.open) {
        exchange.fail(err, stopping || (sendsBody && reader?.complete !== true))
        return
      }
      // A client still sending its body would get a reset rather than this answer if the connection
      // were closed now (SPEC §10.6a): the rest is read and dropped first, bounded. Decided a turn
      // later: the rest often came in the read that carried the request, and then a plain answer will do.
      setImmediate(() => {
        if (unread.arriving && exchange.open) exchange.failBeforeBody(err, unread.discardRest(), () => unread.abandon())
        else exchange.fail(err, stopping || !unread.complete)
      })
    }
    const framing = framingError(headers)
    if (framing !== undefined) {
      // Answered on the next turn, not now: once this handler returns, uWS goes on parsing the bytes
      // after this request (as its own reading of the framing delimits it) and would run them as a
      // further request if this one were answered; with this one open, it closes the connection.
      setImmediate(() => exchange.fail(framing, true))
      return
    }
    try {
      if (stopping) throw serverStopping()
      if (headers.size > MAX_HEADER_BYTES) throw headersTooLarge()
      const preflight = cors.preflight(method, origin, headers.all('access-control-request-method'))
      if (preflight !== undefined) {
        template = PREFLIGHT_ROUTE
        exchange.send({ status: 204, headers: preflight }, sendsBody)
        return
      }
      const segments = pathSegments(path)
      if (segments === undefined) throw invalid('path')
      const match = router.match(method, segments)
      if (match === undefined) throw notFound()
      const { route } = match
      template = route.template
      const accept = headers.all('accept')
      const acceptHeader = accept.length === 0 ? undefined : accept.join(',')
      const representation = route.negotiation === 'accept'
        ? negotiate(acceptHeader)
        : route.negotiation === 'html' && !acceptsHtml(acceptHeader) ? undefined : JSON_REPRESENTATION
      if (representation === undefined) throw notAcceptable()
      // A stream route: a WebSocket handshake, else Server-Sent Events if acceptable.
      if (route.negotiation === 'events' && handshake === undefined && !acceptsEventStream(acceptHeader)) throw notAcceptable()
      // The body is read from now on (uWS drops chunks nobody listens for); its 413 surfaces only when
      // the route asks for it, after authentication and parameters (SPEC §2.4).
      if (route.bodyLimit !== undefined) reader = new BodyReader(res, headers.get('content-length'), route.bodyLimit, bodies)
      else if (sendsBody) reader = droppingReader()
      // Read on demand (login, and requests with a token), before the response ends; kept for reauthorize.
      let address: string | undefined
      const peer = (): string => (address ??= Buffer.from(res.getRemoteAddressAsText()).toString())
      // A stream re-checks its permission after the upgrade, when `res` can no longer be read.
      if (handshake !== undefined) peer()
      const query = new Query(queryString)
      const authorized = authorize(route, headers, query, match.params, peer, (name) => { user = name })
      const body = route.bodyLimit !== undefined ? reader : undefined
      // Built once authorized, when `user` is known. Plain data properties only: a getter in this literal
      // is a new closure per request, so V8 made a new hidden class (in old space) for each, whose
      // references kept every request's objects alive through scavenges (all promoted: 5 ms scavenges,
      // a mark-compact every 0.2 s).
      const run = (): void => {
        const ctx: RequestContext = {
          method,
          path,
          params: match.params,
          query,
          headers,
          representation,
          requestId: exchange.requestId,
          user,
          peer,
          requester: exchange,
          body: () => {
            if (body === undefined) return Promise.resolve(Buffer.alloc(0))
            // Asked for only once authentication, permission and parameters passed (SPEC §10.6a); a body
            // already refused (content-length over the limit) gets its error instead.
            if (body.pending && expectsContinue(headers)) exchange.continue()
            return body.read()
          },
          websocket: handshake !== undefined,
          reauthorize: () => authorize(route, headers, query, match.params, peer, () => {})
        }
        const reply = route.handle(ctx)
        if (reply instanceof Promise) reply.then((r) => exchange.send(r, stopping), fail)
        else exchange.send(reply, stopping)
      }
      if (authorized instanceof Promise) authorized.then(run).catch(fail)
      else run()
    } catch (err) {
      fail(err)
    }
  }
  const sessionOf = (ws: uWS.WebSocket<Upgraded>): StreamSession => ws.getUserData().session
  const behavior: uWS.WebSocketBehavior<Upgraded> = {
    maxPayloadLength: websocket.maxMessageBytes,
    idleTimeout: websocket.idleTimeoutS,
    // 0 = no limit: uWS would drop frames beyond it; each session bounds what it queues (see drained).
    maxBackpressure: 0,
    sendPingsAutomatically: true,
    // Every GET with a WebSocket key comes here; it runs the same steps as any request (routing, 401/403/404
    // as ordinary HTTP answers) and is upgraded only if its route answers with a session.
    upgrade: (res, req, context) => {
      handle(res, req, {
        key: req.getHeader('sec-websocket-key'),
        protocol: req.getHeader('sec-websocket-protocol'),
        extensions: req.getHeader('sec-websocket-extensions'),
        context
      })
    },
    open: (ws) => {
      const session = sessionOf(ws)
      streams.add(session)
      session.opened(streamSocket(ws))
      if (stopping) session.stop()
    },
    message: (ws, data, binary) => sessionOf(ws).message(data, binary),
    drain: (ws) => sessionOf(ws).drained(),
    close: (ws, code) => {
      const session = sessionOf(ws)
      streams.delete(session)
      session.closed(code)
    }
  }
  /** Installs the request handler on an app (HTTP or TLS). */
  const serve = (target: uWS.TemplatedApp): uWS.TemplatedApp => target.ws('/*', behavior).any('/*', handle)
  const app = serve(uWS.App())
  /** Built by `listen`: unusable TLS files then reject the start like a taken port does. */
  let tlsApp: uWS.TemplatedApp | undefined

  const stopListening = (): void => {
    for (const socket of listenSockets) uWS.us_listen_socket_close(socket)
    listenSockets = []
  }

  const close = async (graceMs: number): Promise<void> => {
    stopping = true
    stopListening()
    const deadline = performance.now() + graceMs
    const hadStreams = streams.size > 0
    for (const session of streams) session.stop()
    const settled = (): boolean => open.size === 0 && streams.size === 0 && performance.now() - lastArrival >= STOP_QUIET_MS
    while (!settled() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    for (const exchange of open.list()) exchange.fail(kafkaError('timeout'), true)
    for (const session of streams) session.expire()
    if (hadStreams) await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(STREAM_CLOSE_LINGER_MS, deadline - performance.now()))))
    app.close()
    tlsApp?.close()
  }

  return {
    listen: async (http, reusePort) => {
      if (listenSockets.length > 0) throw new Error('already listening')
      const listeners: Array<[uWS.TemplatedApp, ListenAddress, string]> = [[app, http, 'HTTP port']]
      if (https !== undefined) {
        tlsApp ??= serve(sslApp(https))
        listeners.push([tlsApp, https, 'HTTPS port'])
      }
      const bound = await Promise.allSettled(listeners.map(async ([target, at, what]) => await bind(target, at, what, reusePort)))
      for (const outcome of bound) if (outcome.status === 'fulfilled') listenSockets.push(outcome.value)
      const failed = bound.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
      if (failed !== undefined) {
        stopListening()
        throw failed.reason
      }
    },
    close,
    get inFlight () { return open.size }
  }
}

/** A uWS WebSocket as a session uses it; nothing is called on it once it closed (uWS would throw). */
function streamSocket (ws: uWS.WebSocket<Upgraded>): StreamSocket {
  return {
    send: (text) => { ws.send(text, false) },
    ping: () => { ws.ping() },
    get bufferedAmount () { return ws.getBufferedAmount() },
    pause: () => { ws.pause() },
    resume: () => { ws.resume() },
    end: (code, reason) => { ws.end(code, reason) }
  }
}

/** `Expect: 100-continue`, in any case. */
function expectsContinue (headers: RequestHeaders): boolean {
  return headers.get('expect')?.toLowerCase() === '100-continue'
}

/** uWS's listen with host and options (missing from its typings); the options are uSockets' LIBUS_LISTEN_* flags. */
type ListenWithOptions = (host: string, port: number, options: number, cb: (socket: uWS.us_listen_socket | false) => void) => void
/** Without it uSockets sets SO_REUSEPORT: a second gateway on the port would start and take part of the connections. */
const EXCLUSIVE_PORT = uWS.LIBUS_LISTEN_EXCLUSIVE_PORT
const SHARED_PORT = 0

function bind (app: uWS.TemplatedApp, { host, port }: ListenAddress, what: string, reusePort: boolean): Promise<uWS.us_listen_socket> {
  return new Promise((resolve, reject) => {
    const listen = app.listen.bind(app) as unknown as ListenWithOptions
    listen(host, port, reusePort ? SHARED_PORT : EXCLUSIVE_PORT, (socket) => {
      if (socket === false) reject(new Error(`cannot listen on ${what} ${port} on ${host} (the port is taken by another process, or ${host} is not an address of this host)`))
      else resolve(socket)
    })
  })
}
