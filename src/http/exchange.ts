// One request's response side: the abort flag, corking, idempotent finishing, large bodies by tryEnd.
import type { HttpResponse } from './uws.js'
import { HttpError, internalError } from './errors.js'
import type { Reply } from './router.js'

const STATUS_LINES: Readonly<Record<number, string>> = {
  200: '200 OK', 204: '204 No Content', 400: '400 Bad Request', 401: '401 Unauthorized', 403: '403 Forbidden',
  404: '404 Not Found', 406: '406 Not Acceptable', 413: '413 Payload Too Large', 415: '415 Unsupported Media Type',
  416: '416 Range Not Satisfiable', 422: '422 Unprocessable Entity', 429: '429 Too Many Requests',
  431: '431 Request Header Fields Too Large', 500: '500 Internal Server Error', 501: '501 Not Implemented',
  503: '503 Service Unavailable'
}
const JSON_TYPE = 'application/json; charset=utf-8'
const CACHE_CONTROL = 'max-age=0, private, must-revalidate'
/** Bodies above this are written as the socket drains (tryEnd + onWritable) instead of buffered by uWS. */
const STREAM_ABOVE_BYTES = 64 * 1024

export class Exchange {
  private finished = false
  private aborted = false
  /** Set once a reply was written; the status goes to the access log. */
  status = 0
  /** The `error` member of a 4xx/5xx reply, for the access log. */
  error: string | undefined

  constructor (
    private readonly res: HttpResponse,
    readonly requestId: string,
    private readonly head: boolean,
    /** Called once with the final status (also after an abort: 499, as nginx logs it). */
    private readonly onFinish: (status: number) => void
  ) {
    res.onAborted(() => {
      this.aborted = true
      this.end(499)
    })
  }

  get open (): boolean {
    return !this.finished && !this.aborted
  }

  /** Writes the reply; `close` ends the connection after it (e.g. an unread request body). */
  send (reply: Reply, close = false): void {
    if (!this.open) return
    const body = reply.body
    if (reply.status >= 400) this.error ??= errorMember(body)
    this.res.cork(() => {
      this.res.writeStatus(STATUS_LINES[reply.status] ?? String(reply.status))
      this.res.writeHeader('x-request-id', this.requestId)
      this.res.writeHeader('cache-control', CACHE_CONTROL)
      for (const [name, value] of reply.headers ?? []) this.res.writeHeader(name, value)
      if (body === undefined) {
        this.res.end(undefined, close)
        return
      }
      this.res.writeHeader('content-type', reply.contentType ?? JSON_TYPE)
      if (this.head) this.res.endWithoutBody(Buffer.byteLength(body), close)
      else if (body.length > STREAM_ABOVE_BYTES && typeof body !== 'string') {
        // tryEnd cannot close the connection: the header tells the client not to reuse it.
        if (close) this.res.writeHeader('connection', 'close')
        this.stream(body)
      } else this.res.end(body, close)
    })
    this.end(reply.status)
  }

  /** Renders an error: HttpErrors as themselves, anything else as 500. */
  fail (err: unknown, close = false): HttpError {
    const error = err instanceof HttpError ? err : internalError()
    // Known here: send() need not read it back out of the body it is rendered into.
    if (this.open) this.error = error.error
    this.send({ status: error.status, body: error.body(), headers: error.headers }, close)
    return error
  }

  private stream (body: Uint8Array): void {
    const start = this.res.getWriteOffset()
    const [, done] = this.res.tryEnd(body, body.byteLength)
    if (done) return
    this.res.onWritable((offset) => {
      if (this.aborted) return true
      const [ok] = this.res.tryEnd(body.subarray(offset - start), body.byteLength)
      return ok
    })
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
