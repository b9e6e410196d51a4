// The streams that outlive their request: a WebSocket behind an accepted handshake (Reply.upgrade), or a
// Server-Sent Events response (Reply.events), and the socket or response each is given. The server
// (http/server.ts, exchange.ts) owns the uWS side: it hands each event to the stream's session and, on the
// graceful stop, asks every session to finish.

/** What a stream may have written and not yet taken by its socket before it stops producing more (SPEC §10.5: 1 MiB). */
export const SEND_BUFFER_LIMIT = 1 << 20

/** What the graceful stop (SPEC §1) asks of every open stream. */
export interface StoppableStream {
  /** Finish what was received, then end (WebSocket: close 1001). */
  stop: () => void
  /** The stop's grace is over: answer what is left as failed, end now. */
  expire: () => void
}

/** The server side of one WebSocket, as a session uses it. */
export interface StreamSocket {
  /** Sends a text frame (queued while the socket pushes back: see bufferedAmount and `drained`). */
  send: (text: string) => void
  /** Sends a ping frame. */
  ping: () => void
  /** Bytes written and not yet taken by the socket. */
  readonly bufferedAmount: number
  /** Stops reading the socket (messages of a read already done still arrive); `resume` reads again. */
  pause: () => void
  resume: () => void
  /** Closes with a close frame (`code`, `reason`). */
  end: (code: number, reason: string) => void
}

export interface StreamSession extends StoppableStream {
  /** The handshake was answered 101; events follow. */
  opened: (socket: StreamSocket) => void
  /** A whole message (`data` is valid only during the call). */
  message: (data: ArrayBuffer, binary: boolean) => void
  /** What the socket held back was written out. */
  drained: () => void
  /** The connection is gone (code as received or as uWS reports it); also when the upgrade never happened (1006). */
  closed: (code: number) => void
}

/** The server side of one Server-Sent Events response (http/event-stream.ts), as a session uses it. */
export interface EventSink {
  /** Writes text to the response (held while the socket pushes back: see bufferedAmount and `drained`). */
  write: (text: string) => void
  /** Bytes written and not yet taken by the socket. */
  readonly bufferedAmount: number
  /** Ends the response; what was written still goes out first. */
  end: () => void
}

export interface EventSession extends StoppableStream {
  /** The response's head is written (status 200, `text/event-stream`); write the first text now. */
  opened: (sink: EventSink) => void
  /** The socket took everything written. */
  drained: () => void
  /** The response is over: ended, or its client went away; also when it never opened. */
  closed: () => void
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
