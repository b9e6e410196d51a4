// KASTLEX_STREAM_MAX_CLIENTS (SPEC §10.4a, §10.5): the streams open on this instance, whatever their kind,
// counted against one bound. A stream takes its slot before its handshake is answered and gives it back
// when it ends. Counted per transport for `kastlex_streams_active` (SPEC §8).
import type { StreamTransport } from '../pool/messages.js'
import { tooManyStreams } from './errors.js'

export const STREAM_TRANSPORTS: readonly StreamTransport[] = ['websocket', 'sse']

export class StreamSlots {
  private taken = 0
  private readonly byTransport = new Map<StreamTransport, number>(STREAM_TRANSPORTS.map((transport) => [transport, 0]))

  constructor (private readonly max: number) {}

  get open (): number {
    return this.taken
  }

  /** Streams open over `transport`. */
  active (transport: StreamTransport): number {
    return this.byTransport.get(transport) ?? 0
  }

  /** Takes a slot; 503 `too many streams` when all are taken. The returned function gives it back (once). */
  take (transport: StreamTransport): () => void {
    if (this.taken >= this.max) throw tooManyStreams()
    this.count(transport, 1)
    let held = true
    return () => {
      if (!held) return
      held = false
      this.count(transport, -1)
    }
  }

  private count (transport: StreamTransport, delta: number): void {
    this.taken += delta
    this.byTransport.set(transport, this.active(transport) + delta)
  }
}
