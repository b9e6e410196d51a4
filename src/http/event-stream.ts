// A Server-Sent Events response (SPEC §10.5) once its head is written: text goes out chunk by chunk (uWS's
// chunked res.write) for as long as the stream lasts. uWS keeps whatever the socket does not take; the session
// reads how much (bufferedAmount) and is told when it is all gone (`drained`, through onWritable, which the
// uWS edits of scripts/uws-source.mjs call once that buffer is empty). Nothing touches the response once it
// ended or its client went away. A response whose socket never emptied for a whole STALL_MS is closed.
import type { HttpResponse } from './uws.js'
import type { EventSession, EventSink } from './stream-session.js'

/**
 * A response with bytes waiting at two checks this far apart, and never drained between them, is closed: its
 * client is gone or stuck (as uWS's idle timeout closes a WebSocket whose client stopped reading). uWS's own
 * 10 s timeout of a pushed-back write is taken out (scripts/uws-source.mjs): a consumer may pause longer.
 */
export const STALL_MS = 60_000

export class EventStreamResponse implements EventSink {
  private done = false
  /** Bytes were waiting at the last check, and the socket has not emptied since. */
  private waiting = false
  private readonly stallCheck: NodeJS.Timeout

  /** `closed` is told once, when the response ends either way. */
  constructor (private readonly res: HttpResponse, private readonly session: EventSession, private readonly closed: () => void, stallMs = STALL_MS) {
    // Kept for the response's life (uWS keeps a handler that does not replace itself).
    res.onWritable(() => {
      if (this.done) return true
      this.waiting = false
      session.drained()
      return true
    })
    this.stallCheck = setInterval(() => {
      const buffered = this.bufferedAmount > 0
      if (buffered && this.waiting) this.abandon()
      else this.waiting = buffered
    }, stallMs)
    this.stallCheck.unref()
  }

  write (text: string): void {
    if (this.done || text.length === 0) return
    this.res.cork(() => { this.res.write(text) })
  }

  get bufferedAmount (): number {
    return this.done ? 0 : this.res.getBufferedAmount()
  }

  end (): void {
    if (this.done) return
    // The last chunk, then the connection closes once the socket took everything.
    this.res.cork(() => { this.res.end(undefined, true) })
    this.finish()
  }

  /** The client went away (the exchange's onAborted). */
  aborted (): void {
    this.finish()
  }

  /** Closes the connection at once, with what it holds (uWS calls onAborted). */
  private abandon (): void {
    if (this.done) return
    this.res.close()
    this.finish()
  }

  private finish (): void {
    if (this.done) return
    this.done = true
    clearInterval(this.stallCheck)
    this.closed()
    this.session.closed()
  }
}
