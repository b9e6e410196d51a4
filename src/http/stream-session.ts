// A stream behind an accepted WebSocket handshake (Reply.upgrade), and the socket it is given. The server
// (http/server.ts) owns the uWS side: it hands each event to the session of its socket and, on the graceful
// stop, asks every session to finish.

/** The server side of one WebSocket, as a session uses it. */
export interface StreamSocket {
  /** Sends a text frame (queued while the socket pushes back: see bufferedAmount and `drained`). */
  send: (text: string) => void
  /** Bytes written and not yet taken by the socket. */
  readonly bufferedAmount: number
  /** Stops reading the socket (messages of a read already done still arrive); `resume` reads again. */
  pause: () => void
  resume: () => void
  /** Closes with a close frame (`code`, `reason`). */
  end: (code: number, reason: string) => void
}

export interface StreamSession {
  /** The handshake was answered 101; events follow. */
  opened: (socket: StreamSocket) => void
  /** A whole message (`data` is valid only during the call). */
  message: (data: ArrayBuffer, binary: boolean) => void
  /** What the socket held back was written out. */
  drained: () => void
  /** The connection is gone (code as received or as uWS reports it); also when the upgrade never happened (1006). */
  closed: (code: number) => void
  /** The graceful stop (SPEC §1): finish what was received, then close 1001. */
  stop: () => void
  /** The stop's grace is over: answer what is left as failed, close 1001 now. */
  expire: () => void
}

/** WebSocket close codes (RFC 6455 §7.4.1). */
export const CLOSE = {
  goingAway: 1001,
  unsupportedData: 1003,
  abnormal: 1006,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011
} as const
