// The front end: uWS hands every request here; the request runs SPEC §2.4 top to bottom.
import * as uWS from './uws.js'
import type { HttpsConfig } from '../config.js'
import { ANONYMOUS } from '../auth/users.js'
import type { Logger } from '../log.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import { BodyReader } from './body.js'
import type { BodyBudget } from './body-budget.js'
import { MAX_HEADER_BYTES } from './header-limits.js'
import { headersTooLarge, HttpError, invalid, notAcceptable, notFound, serverStopping } from './errors.js'
import { Exchange } from './exchange.js'
import { negotiate, type Representation } from './negotiate.js'
import { pathSegments, Query, RequestHeaders } from './request.js'
import { requestIdFor } from './request-id.js'
import { sslApp } from './tls.js'
import type { RequestContext, Route, Router } from './router.js'

const JSON_REPRESENTATION: Representation = { kind: 'json' }
/**
 * On stop, connections are closed once no request is in flight and none arrived for this long: a client
 * that just got an answer (sent before the stop) and is writing its next request gets it answered.
 */
const STOP_QUIET_MS = 250

export interface Server {
  /**
   * Resolves once listening on the HTTP port and, when HTTPS is configured, the HTTPS port; rejects with
   * neither open when a port cannot be bound or the TLS files are unusable (the message names the variable).
   */
  listen: (port: number) => Promise<void>
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

/**
 * SPEC §2.4 steps 5–6: throws (or rejects with) 401/403/429/503 HttpErrors when the request may not
 * use the route; asynchronous only while it has to wait (the token store). `peer` reads the socket
 * peer's address (only valid before the first await); `identified` gets the user of an accepted token
 * (for the access line; without one the request is anonymous).
 */
export type Authorize = (route: Route, headers: RequestHeaders, params: Readonly<Record<string, string>>, peer: () => string, identified: (user: string) => void) => void | Promise<void>

/**
 * The HTTP listener, and with `https` a TLS listener beside it: both apps get the same handler, so every
 * request runs the same code whichever port it came in on.
 */
export function createServer (router: Router, log: Logger, metrics: GatewayMetrics, authorize: Authorize, bodies: BodyBudget, https?: HttpsConfig): Server {
  let listenSockets: uWS.us_listen_socket[] = []
  /** Requests not answered yet. */
  const open = new Set<Exchange>()
  let stopping = false
  let lastArrival = 0

  const handle = (res: uWS.HttpResponse, req: uWS.HttpRequest): void => {
    const started = performance.now()
    const method = req.getMethod().toUpperCase()
    const path = req.getUrl()
    const headers = new RequestHeaders()
    req.forEach((name, value) => headers.add(name, value))
    const queryString = req.getQuery() ?? ''
    let reader: BodyReader | undefined
    let template = 'unmatched'
    let user = ANONYMOUS
    lastArrival = started
    const exchange = new Exchange(res, requestIdFor(headers.get('x-request-id')), method === 'HEAD', (status) => {
      open.delete(exchange)
      reader?.end()
      const seconds = (performance.now() - started) / 1000
      metrics.request(method, template, status, seconds)
      // `error` is undefined on 2xx answers, and JSON leaves undefined members out.
      log.info('request', { request_id: exchange.requestId, method, path, status, duration_ms: Math.round(seconds * 1e6) / 1000, user, error: exchange.error })
    })
    open.add(exchange)
    log.trace('request received', { request_id: exchange.requestId, method, path })
    // A body the route never read leaves the connection unusable for the next request.
    const sendsBody = headers.get('transfer-encoding') !== undefined || (headers.get('content-length') ?? '0') !== '0'
    const fail = (err: unknown): void => {
      const error = exchange.fail(err, stopping || (sendsBody && reader?.complete !== true))
      if (error.status === 500) {
        log.error('request failed', { request_id: exchange.requestId, error: String((err as Error)?.stack ?? err) })
      }
    }
    try {
      if (stopping) throw serverStopping()
      if (headers.size > MAX_HEADER_BYTES) throw headersTooLarge()
      const segments = pathSegments(path)
      if (segments === undefined) throw invalid('path')
      const match = router.match(method, segments)
      if (match === undefined) throw notFound()
      const { route } = match
      template = route.template
      const accept = headers.all('accept')
      const representation = route.negotiation === 'accept'
        ? negotiate(accept.length === 0 ? undefined : accept.join(','))
        : JSON_REPRESENTATION
      if (representation === undefined) throw notAcceptable()
      // The body is read from now on (uWS drops chunks nobody listens for); its 413 surfaces only when
      // the route asks for it, after authentication and parameters (SPEC §2.4).
      if (route.bodyLimit !== undefined) reader = new BodyReader(res, headers.get('content-length'), route.bodyLimit, bodies)
      // Read on demand (login, and requests with a token), before the response ends.
      const peer = (): string => Buffer.from(res.getRemoteAddressAsText()).toString()
      const authorized = authorize(route, headers, match.params, peer, (name) => { user = name })
      const body = reader
      const ctx: RequestContext = {
        method,
        params: match.params,
        query: new Query(queryString),
        headers,
        representation,
        requestId: exchange.requestId,
        get peer () { return peer() },
        body: async () => {
          if (body === undefined) return Buffer.alloc(0)
          const outcome = await body.outcome
          if (!outcome.ok) throw outcome.error
          return outcome.body
        }
      }
      const run = (): void => {
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
  /** Installs the request handler on an app (HTTP or TLS). */
  const serve = (target: uWS.TemplatedApp): uWS.TemplatedApp => target.any('/*', handle)
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
    const settled = (): boolean => open.size === 0 && performance.now() - lastArrival >= STOP_QUIET_MS
    while (!settled() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    for (const exchange of open) exchange.fail(new HttpError(503, 'timeout'), true)
    app.close()
    tlsApp?.close()
  }

  return {
    listen: async (port) => {
      if (listenSockets.length > 0) throw new Error('already listening')
      const listeners: Array<[uWS.TemplatedApp, number, string]> = [[app, port, 'port']]
      if (https !== undefined) {
        tlsApp ??= serve(sslApp(https))
        listeners.push([tlsApp, https.port, 'HTTPS port'])
      }
      const bound = await Promise.allSettled(listeners.map(async ([target, at, what]) => await bind(target, at, what)))
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

function bind (app: uWS.TemplatedApp, port: number, what: string): Promise<uWS.us_listen_socket> {
  return new Promise((resolve, reject) => {
    app.listen('0.0.0.0', port, (socket) => {
      if (socket === false) reject(new Error(`cannot listen on ${what} ${port}`))
      else resolve(socket)
    })
  })
}
