// One request's response side: the abort flag, corking, idempotent finishing and large bodies by tryEnd.
import type { HttpResponse, us_socket_context_t } from './uws.js'
import { asHttpError, type HttpError } from './errors.js'
import { EventStreamResponse } from './event-stream.js'
import type { Reply, Requester } from './router.js'
import type { StoppableStream } from './stream-session.js'

const STATUS_LINES: Readonly<Record<number, string>> = {
  200: '200 OK', 204: '204 No Content', 400: '400 Bad Request', 401: '401 Unauthorized', 403: '403 Forbidden',
  404: '404 Not Found', 406: '406 Not Acceptable', 413: '413 Payload Too Large', 415: '415 Unsupported Media Type',
  416: '416 Range Not Satisfiable', 422: '422 Unprocessable Entity', 426: '426 Upgrade Required', 429: '429 Too Many Requests',
  431: '431 Request Header Fields Too Large', 500: '500 Internal Server Error', 501: '501 Not Implemented',
  503: '503 Service Unavailable'
}
const JSON_TYPE = 'application/json; charset=utf-8'
const CACHE_CONTROL = 'max-age=0, private, must-revalidate'
/** SPEC §10.5's Server-Sent Events head. */
const EVENT_STREAM_TYPE = 'text/event-stream'
const EVENT_STREAM_CACHE_CONTROL = 'no-cache'
/**
 * Bodies above this are written as the socket drains (tryEnd + onWritable) instead of buffered by uWS,
 * so that the exchange ends (and a graceful stop stops waiting) only once the last byte was written.
 */
const STREAM_ABOVE_BYTES = 64 * 1024

/** What res.upgrade needs of a WebSocket handshake, copied from the request before the handler returned. */
export interface Handshake {
  readonly key: string
  readonly protocol: string
  readonly extensions: string
  readonly context: us_socket_context_t
}

export class Exchange implements Requester {
  /** A reply was written (or is being streamed): no other may follow. */
  private replied = false
  /** The reply's last byte was handed to the socket, or the client went away. */
  private finished = false
  private aborted = false
  private continued = false
  /** Its place among the server's open exchanges (open-exchanges.ts); −1 when not among them. */
  slot = -1
  /** The status of the reply written (0 until then); it goes to the access log. */
  status = 0
  /** The `error` member of a 4xx/5xx reply, for the access log. */
  error: string | undefined
  /** Told when the client goes away after `failBeforeBody` answered, before the connection was closed. */
  private gone: (() => void) | undefined
  /** A Server-Sent Events reply, once its head is written. */
  private events: EventStreamResponse | undefined

  constructor (
    private readonly res: HttpResponse,
    readonly requestId: string,
    private readonly head: boolean,
    /** Called once with the final status (also after an abort: 499, as nginx logs it). */
    private readonly onFinish: (status: number) => void,
    /** Headers every answer carries, errors included (CORS, SPEC §10.3). */
    private readonly always: ReadonlyArray<readonly [string, string]> = [],
    /** Set for a WebSocket handshake: a reply with `upgrade` is answered 101 with it. */
    private readonly handshake?: Handshake,
    /** The server's open streams: a Server-Sent Events reply's session is in it while its response lasts. */
    private readonly streams?: Set<StoppableStream>
  ) {
    res.onAborted(() => {
      this.aborted = true
      this.gone?.()
      this.events?.aborted()
      // A body cut off while streaming keeps the status it was sent with (as nginx logs it).
      this.end(this.replied ? this.status : 499)
    })
  }

  get open (): boolean {
    return !this.replied && !this.aborted
  }

  /**
   * `100 Continue` (the client waits for it before sending its body), at most once and only before the
   * reply: written into the same socket buffer, so the reply follows it.
   */
  continue (): void {
    if (!this.open || this.continued) return
    this.continued = true
    this.res.cork(() => this.res.writeContinue())
  }

  /** Writes the reply; `close` ends the connection after it (e.g. an unread request body). */
  send (reply: Reply, close = false): void {
    if (!this.open) {
      reply.upgrade?.closed(1006)
      reply.events?.closed()
      return
    }
    if (reply.upgrade !== undefined) {
      this.upgrade(reply)
      return
    }
    if (reply.events !== undefined) {
      this.openEvents(reply, close)
      return
    }
    this.replied = true
    this.status = reply.status
    const body = reply.body
    if (reply.status >= 400) this.error ??= errorMember(body)
    let streaming = false
    this.res.cork(() => {
      if (body === undefined) {
        this.writeHead(reply.status, reply.headers)
        this.res.end(undefined, close)
        return
      }
      this.writeHead(reply.status, reply.headers, reply.contentType ?? JSON_TYPE)
      if (this.head) this.res.endWithoutBody(Buffer.byteLength(body), close)
      else if (body.length > STREAM_ABOVE_BYTES) {
        // tryEnd cannot close the connection: the header tells the client not to reuse it.
        if (close) this.res.writeHeader('connection', 'close')
        streaming = !this.stream(body)
      } else this.res.end(body, close)
    })
    // A streamed body is finished when its last byte is written: a graceful stop waits for it.
    if (!streaming) this.end(reply.status)
  }

  /** Renders an error: HttpErrors as themselves, anything else as 500. */
  fail (err: unknown, close = false): HttpError {
    const error = asHttpError(err)
    // Known here: send() need not read it back out of the body it is rendered into.
    if (this.open) this.error = error.error
    this.send({ status: error.status, body: error.body(), headers: error.headers }, close)
    return error
  }

  /**
   * Renders an error while the request body is still coming: the whole answer is written at once, and
   * the connection closed only once `rest` settles (the rest of the body read and dropped, bounded), so
   * that a client still sending gets the answer rather than a reset (SPEC §10.6a). `gone` is told if
   * the client leaves first.
   */
  failBeforeBody (err: unknown, rest: Promise<void>, gone: () => void): HttpError {
    const error = asHttpError(err)
    if (!this.open) return error
    this.replied = true
    this.error = error.error
    this.gone = gone
    // uWS.js cannot answer now and close later: `end` finishes the response object (it cannot be
    // closed afterwards), and `end(…, true)` resets a client that is still sending. So the answer
    // is written through writeStatus/writeHeader, which uWS writes verbatim, with the body after the
    // last header; uWS ends that header's line with CRLF, which ends the body (JSON allows it).
    const body = error.body()
    const length = Buffer.byteLength(body) + 2
    this.res.cork(() => {
      this.writeHead(error.status, error.headers, JSON_TYPE)
      this.res.writeHeader('connection', 'close')
      this.res.writeHeader('content-length', this.head ? `${length}\r\n` : `${length}\r\n\r\n${body}`)
    })
    this.end(error.status)
    // On a later turn: the rest may end within the read that carried this request, while uWS still
    // holds the answer in its cork buffer, which a close then would drop.
    void rest.then(() => setImmediate(() => { if (!this.aborted) this.res.close() }))
    return error
  }

  /** 101 and the connection handed to the reply's session (uWS calls the WebSocket's open handler at once). */
  private upgrade ({ upgrade: session, status }: Reply): void {
    const handshake = this.handshake
    if (handshake === undefined) {
      session?.closed(1006)
      this.fail(new Error('a route answered a request that is no WebSocket handshake with an upgrade'))
      return
    }
    this.replied = true
    this.status = status
    this.res.cork(() => this.res.upgrade({ session }, handshake.key, handshake.protocol, handshake.extensions, handshake.context))
    this.end(status)
  }

  /**
   * 200 `text/event-stream` and the response handed to the reply's session, which writes its events as long
   * as the stream lasts. The exchange itself is finished (logged) now, as a 101 is. `stopping`: the graceful
   * stop began while the stream was being opened (it asked the open streams to stop before this one was).
   */
  private openEvents ({ events: session, status, headers }: Reply, stopping: boolean): void {
    if (session === undefined) return
    this.replied = true
    this.status = status
    const writeHead = (): void => this.writeHead(status, headers, EVENT_STREAM_TYPE, EVENT_STREAM_CACHE_CONTROL)
    if (this.head) {
      // HEAD: the head alone; the stream never opens.
      this.res.cork(() => {
        writeHead()
        this.res.endWithoutBody()
      })
      this.end(status)
      session.closed()
      return
    }
    const streams = this.streams
    const response = new EventStreamResponse(this.res, session, () => streams?.delete(session))
    this.events = response
    streams?.add(session)
    this.res.cork(() => {
      writeHead()
      // uWS ends the head with the first chunk written.
      session.opened(response)
    })
    this.end(status)
    if (stopping) session.stop()
  }

  /**
   * The status line and the headers every answer carries, with `headers` and the content type, in one
   * call: uWS writes the status verbatim, so the header lines ride in it. Each call into uWS converts its
   * strings (a copy and an allocation each): a call per header was 5.7 % of the main thread under
   * produce-256 (README, Performance).
   */
  private writeHead (status: number, headers: ReadonlyArray<readonly [string, string]> | undefined, contentType?: string, cacheControl = CACHE_CONTROL): void {
    let head = `${STATUS_LINES[status] ?? String(status)}\r\nx-request-id: ${this.requestId}\r\ncache-control: ${cacheControl}`
    for (const [name, value] of this.always) head += `\r\n${name}: ${value}`
    if (headers !== undefined) for (const [name, value] of headers) head += `\r\n${name}: ${value}`
    if (contentType !== undefined) head += `\r\ncontent-type: ${contentType}`
    this.res.writeStatus(head)
  }

  /** Writes what the socket takes now and the rest as it drains; true when all of it was written at once. */
  private stream (body: string | Uint8Array): boolean {
    const start = this.res.getWriteOffset()
    const total = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    const [, done] = this.res.tryEnd(body, total)
    if (done) return true
    // The rest is cut at byte offsets: text becomes bytes once, only when the socket pushed back.
    const bytes = typeof body === 'string' ? Buffer.from(body) : body
    this.res.onWritable((offset) => {
      if (this.aborted) return true
      const [ok, written] = this.res.tryEnd(bytes.subarray(offset - start), total)
      if (written) this.end(this.status)
      return ok
    })
    return false
  }

  private end (status: number): void {
    if (this.finished) return
    this.finished = true
    this.status = status
    this.onFinish(status)
  }
}

/** The `error` member of a 4xx/5xx reply a route returned rather than threw (e.g. /ready's 503). */
function errorMember (body: string | Buffer | undefined): string | undefined {
  if (body === undefined || body.length > 4096) return undefined
  try {
    const parsed: unknown = JSON.parse(body.toString())
    const error = (parsed as { error?: unknown } | null)?.error
    return typeof error === 'string' ? error : undefined
  } catch {
    return undefined
  }
}
