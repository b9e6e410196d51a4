// Reading a request body under a limit (uWS `onData`): refuse on Content-Length first, count bytes as
// chunks arrive, stop at the limit, and copy into one exclusively owned buffer (transferable to a worker).
// Every body holds its bytes in the shared BodyBudget until its request ends.
import type { HttpResponse } from './uws.js'
import type { BodyBudget } from './body-budget.js'
import { bodyTooLarge, HttpError, invalid, overloaded } from './errors.js'

export type BodyOutcome = { readonly ok: true, readonly body: Buffer } | { readonly ok: false, readonly error: HttpError }

const DECIMAL = /^[0-9]+$/

/**
 * Starts reading at once (uWS drops chunks that arrive with no handler attached); the outcome is
 * awaited only after the route has validated everything else (SPEC §2.4: 400 before 413).
 */
export class BodyReader {
  readonly outcome: Promise<BodyOutcome>
  /** The whole body was read: the connection can be kept after the reply. */
  complete = false
  private settle: (outcome: BodyOutcome) => void = () => {}
  private settled = false
  /** Bytes taken from the budget, given back by `end`. */
  private reserved = 0

  constructor (res: HttpResponse, contentLength: string | undefined, limit: number, private readonly budget: BodyBudget) {
    this.outcome = new Promise((resolve) => { this.settle = resolve })
    if (contentLength !== undefined && !DECIMAL.test(contentLength)) {
      this.finish({ ok: false, error: invalid('content-length') })
      return
    }
    const declared = contentLength === undefined ? undefined : Number(contentLength)
    if (declared !== undefined && declared > limit) {
      this.finish({ ok: false, error: bodyTooLarge() })
      return
    }
    if (declared !== undefined && !this.reserve(declared)) return
    // Known length: one buffer, allocated when the first bytes come, one copy per chunk.
    // Chunked: a copy per chunk (its bytes reserved as it comes), joined at the end.
    let body: Buffer | undefined
    const chunks: Buffer[] = []
    let received = 0
    res.onData((chunk, isLast) => {
      if (this.settled) return
      const bytes = new Uint8Array(chunk) // a view of memory uWS reuses once this handler returns
      if (received + bytes.byteLength > (declared ?? limit)) return this.finish({ ok: false, error: declared === undefined ? bodyTooLarge() : invalid('body', 'longer than content-length') })
      if (declared !== undefined) {
        body ??= Buffer.allocUnsafeSlow(declared)
        body.set(bytes, received)
      } else {
        if (!this.reserve(bytes.byteLength)) return
        const copy = Buffer.allocUnsafeSlow(bytes.byteLength)
        copy.set(bytes)
        chunks.push(copy)
      }
      received += bytes.byteLength
      if (!isLast) return
      this.complete = true
      body ??= chunks.length === 1 ? chunks[0] : joined(chunks, received)
      this.finish({ ok: true, body: body.subarray(0, received) })
    })
  }

  /** The request ended (answered, or the client went away): stop reading and give the bytes back. */
  end (): void {
    // Built only when still needed: an Error per request (its stack) cost 9 % of produce's CPU.
    if (!this.settled) this.finish({ ok: false, error: new HttpError(400, 'invalid body: aborted') })
    this.budget.release(this.reserved)
    this.reserved = 0
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
    if (this.settled) return
    this.settled = true
    this.settle(outcome)
  }
}

function joined (chunks: readonly Buffer[], length: number): Buffer {
  const body = Buffer.allocUnsafeSlow(length)
  let at = 0
  for (const copy of chunks) at += copy.copy(body, at)
  return body
}
