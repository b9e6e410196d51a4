// KASTLEX_STREAM_MAX_CLIENTS (SPEC §10.4a, §10.5): the streams open on this instance, whatever their kind,
// counted against one bound. A stream takes its slot before its handshake is answered and gives it back
// when it ends.
import { HttpError } from './errors.js'

export const tooManyStreams = (): HttpError => new HttpError(503, 'too many streams')

export class StreamSlots {
  private taken = 0

  constructor (private readonly max: number) {}

  get open (): number {
    return this.taken
  }

  /** Takes a slot; 503 `too many streams` when all are taken. The returned function gives it back (once). */
  take (): () => void {
    if (this.taken >= this.max) throw tooManyStreams()
    this.taken++
    let held = true
    return () => {
      if (!held) return
      held = false
      this.taken--
    }
  }
}
