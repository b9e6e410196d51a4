// A Server-Sent Events response (SPEC §10.5) once its head is written: text goes out chunk by chunk (uWS's
// chunked res.write) for as long as the stream lasts. uWS keeps whatever the socket does not take; the session
// reads how much (bufferedAmount) and is told when it is all gone (`drained`, through onWritable, which the
// uWS edits of scripts/uws-source.mjs call once that buffer is empty). Nothing touches the response once it
// ended or its client went away.
import type { HttpResponse } from './uws.js'
import type { EventSession, EventSink } from './stream-session.js'

export class EventStreamResponse implements EventSink {
  private done = false

  /** `closed` is told once, when the response ends either way. */
  constructor (private readonly res: HttpResponse, private readonly session: EventSession, private readonly closed: () => void) {
    // Kept for the response's life (uWS keeps a handler that does not replace itself).
    res.onWritable(() => {
      if (!this.done) session.drained()
      return true
    })
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

  private finish (): void {
    if (this.done) return
    this.done = true
    this.closed()
    this.session.closed()
  }
}
