// Reading a request body under a limit (uWS `onData`): refuse on Content-Length first, count bytes as
// chunks arrive, stop at the limit, and copy into one exclusively owned buffer (transferable to a worker).
// Every body holds its bytes in the shared BodyBudget until its request ends. A body the request was
// answered without (413, 403, …) can then be read to its end and dropped, so that the client, still
// sending, receives the answer (SPEC §10.6a): bounded by bytes and time.
import type { HttpResponse } from './uws.js'
import type { BodyBudget } from './body-budget.js'
import { bodyTooLarge, type HttpError, invalid, overloaded } from './errors.js'

type BodyOutcome = { readonly ok: true, readonly body: Buffer } | { readonly ok: false, readonly error: HttpError }

/** SPEC §10.6a: the rest of an unread body is read for at most this long after the answer… */
export const DISCARD_MS = 5000
/** …and only while the whole body has come to no more than this many times the limit. */
export const DISCARD_LIMIT_FACTOR = 2

/**
 * Starts reading at once (uWS drops chunks that arrive with no handler attached); the outcome is
 * awaited only after the route has validated everything else (SPEC §2.4: 400 before 413).
 * `contentLength` has passed the framing checks (framing.ts): a decimal, or absent when chunked.
 */
export class BodyReader {
  /** The client sent the body's last byte (whether it was kept or not). */
  private ended = false
  /** Bytes that came, kept or not. */
  private received = 0
  /** Set once the body was read whole or refused. */
  private outcome: BodyOutcome | undefined
  /** What `read` returned while the body was still coming (a promise only for a body asked for early). */
  private reading: PendingBody | undefined
  /** Bytes taken from the budget, given back by `end`. */
  private reserved = 0
  /** Set while the rest is being dropped: called once it ended or a bound was reached. */
  private discarded: (() => void) | undefined

  /**
   * `limit` 0: a body nobody reads (no route, or a route that takes none), only dropped; it is read at
   * most up to `discardBound` when answered early.
   */
  constructor (res: HttpResponse, contentLength: string | undefined, limit: number, private readonly budget: BodyBudget,
    private readonly discardBound = DISCARD_LIMIT_FACTOR * limit) {
    const declared = contentLength === undefined ? undefined : Number(contentLength)
    if (declared !== undefined && declared > limit) this.finish({ ok: false, error: bodyTooLarge() })
    else if (declared !== undefined) this.reserve(declared)
    // Known length: one buffer, allocated when the first bytes come, one copy per chunk.
    // Chunked: a copy per chunk (its bytes reserved as it comes), joined at the end.
    let body: Buffer | undefined
    let chunks: Buffer[] | undefined
    res.onData((chunk, isLast) => {
      const kept = this.received
      this.received += chunk.byteLength
      this.ended = isLast
      if (this.outcome === undefined) {
        const bytes = new Uint8Array(chunk) // a view of memory uWS reuses once this handler returns
        if (this.received > (declared ?? limit)) {
          this.finish({ ok: false, error: declared === undefined ? bodyTooLarge() : invalid('body', 'longer than content-length') })
        } else if (declared !== undefined) {
          body ??= Buffer.allocUnsafeSlow(declared)
          body.set(bytes, kept)
        } else if (this.reserve(bytes.byteLength)) {
          const copy = Buffer.allocUnsafeSlow(bytes.byteLength)
          copy.set(bytes)
          ;(chunks ??= []).push(copy)
        }
        if (isLast && this.outcome === undefined) {
          body ??= chunks?.length === 1 ? chunks[0] as Buffer : joined(chunks ?? [], this.received)
          this.finish({ ok: true, body: body.length === this.received ? body : body.subarray(0, this.received) })
        }
        if (this.outcome === undefined) return
        // Refused: what came so far is no longer needed.
        body = undefined
        chunks = undefined
      }
      if (isLast || this.received > discardBound) this.discarded?.()
    })
  }

  /**
   * The body, or its refusal (413, 400, 503 overloaded…) as a rejection. Settled by the last chunk itself:
   * no promise is made for a body nobody asks for, nor one per chunk.
   */
  read (): Promise<Buffer> {
    const outcome = this.outcome
    if (outcome !== undefined) return outcome.ok ? Promise.resolve(outcome.body) : Promise.reject(outcome.error)
    this.reading ??= pendingBody()
    return this.reading.body
  }

  /**
   * The request was answered without its whole body: resolves once the rest came (dropped as it
   * comes, not held in memory nor counted in the budget), the body passed the discard bound (by
   * default DISCARD_LIMIT_FACTOR times the limit), DISCARD_MS passed, or `end` was called. Then the connection may be closed without the
   * client, still sending, losing the answer to a reset.
   */
  discardRest (): Promise<void> {
    this.finish({ ok: false, error: invalid('body', 'not read') })
    if (this.ended || this.received > this.discardBound) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.discarded?.(), DISCARD_MS)
      this.discarded = () => {
        clearTimeout(timer)
        this.discarded = undefined
        resolve()
      }
    })
  }

  /** The request ended (answered, or the client went away): stop reading and give the bytes back. */
  end (): void {
    // Built only when still needed: an Error per request (its stack) cost 9 % of produce's CPU.
    if (this.outcome === undefined) this.finish({ ok: false, error: invalid('body', 'aborted') })
    this.budget.release(this.reserved)
    this.reserved = 0
  }

  /** The whole body was read and delivered: the connection can be kept after the reply. */
  get complete (): boolean {
    return this.outcome?.ok === true
  }

  /** Neither refused nor complete yet: the body is still awaited. */
  get pending (): boolean {
    return this.outcome === undefined
  }

  /** The client has not sent the body's last byte yet. */
  get arriving (): boolean {
    return !this.ended
  }

  /** The client went away: nothing more will come. */
  abandon (): void {
    this.discarded?.()
    this.end()
  }

  /** Takes bytes from the budget; when they do not fit, the outcome is 503 overloaded. */
  private reserve (bytes: number): boolean {
    if (!this.budget.reserve(bytes)) {
      this.finish({ ok: false, error: overloaded() })
      return false
    }
    this.reserved += bytes
    return true
  }

  private finish (outcome: BodyOutcome): void {
    if (this.outcome !== undefined) return
    this.outcome = outcome
    const reading = this.reading
    if (reading === undefined) return
    this.reading = undefined
    if (outcome.ok) reading.resolve(outcome.body)
    else reading.reject(outcome.error)
  }
}

/** A body asked for before it came, and how its promise is settled (Promise.withResolvers from Node 22 on). */
interface PendingBody {
  readonly body: Promise<Buffer>
  readonly resolve: (body: Buffer) => void
  readonly reject: (error: HttpError) => void
}

function pendingBody (): PendingBody {
  let resolve: (body: Buffer) => void = () => {}
  let reject: (error: HttpError) => void = () => {}
  const body = new Promise<Buffer>((resolveBody, rejectBody) => { resolve = resolveBody; reject = rejectBody })
  return { body, resolve, reject }
}

function joined (chunks: readonly Buffer[], length: number): Buffer {
  const body = Buffer.allocUnsafeSlow(length)
  let at = 0
  for (const copy of chunks) at += copy.copy(body, at)
  return body
}
