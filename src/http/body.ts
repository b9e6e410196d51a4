// Reading a request body under a limit (uWS `onData`): refuse on Content-Length first, count bytes as
// chunks arrive, stop at the limit, and copy into one exclusively owned buffer (transferable to a worker).
import type { HttpResponse } from '@trufflesuite/uws-js-unofficial'
import { bodyTooLarge, HttpError, invalid } from './errors.js'

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

  constructor (res: HttpResponse, contentLength: string | undefined, limit: number) {
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
    // Known length: one buffer, one copy per chunk. Chunked: copies joined at the end.
    let body = declared === undefined ? undefined : Buffer.allocUnsafeSlow(declared)
    const chunks: Buffer[] = []
    let received = 0
    res.onData((chunk, isLast) => {
      if (this.settled) return
      const bytes = new Uint8Array(chunk) // a view of memory uWS reuses once this handler returns
      if (received + bytes.byteLength > (declared ?? limit)) return this.finish({ ok: false, error: declared === undefined ? bodyTooLarge() : invalid('body', 'longer than content-length') })
      if (body !== undefined) body.set(bytes, received)
      else chunks.push(Buffer.from(bytes))
      received += bytes.byteLength
      if (!isLast) return
      this.complete = true
      if (body === undefined) {
        body = Buffer.allocUnsafeSlow(received)
        let at = 0
        for (const copy of chunks) at += copy.copy(body, at)
      }
      this.finish({ ok: true, body: body.subarray(0, received) })
    })
  }

  /** The client went away before the body was read. */
  abort (): void {
    this.finish({ ok: false, error: new HttpError(400, 'invalid body: aborted') })
  }

  private finish (outcome: BodyOutcome): void {
    if (this.settled) return
    this.settled = true
    this.settle(outcome)
  }
}
