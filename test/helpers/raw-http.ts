// HTTP as bytes on a socket, for what fetch and curl would not send (or would fix up) on their own.
import { connect, type Socket } from 'node:net'

export interface RawAnswer {
  /** Everything the server sent, as latin1 text. */
  readonly text: string
  /** The server closed (or reset) the connection before `waitMs`. */
  readonly closed: boolean
  /** Final status codes (1xx left out), in order. */
  readonly statuses: readonly number[]
}

const STATUS_LINE = /HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n/g

export const statusesIn = (text: string): number[] => [...text.matchAll(STATUS_LINE)].map((m) => Number(m[1])).filter((s) => s >= 200)

/** Opens a connection to the gateway at `url` (http://host:port). */
export function open (url: string): Socket {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => { /* a reset while writing: what arrived is still judged */ })
  return socket
}

/** Sends `bytes` and collects the answer until the server closes or `waitMs` passed. */
export function exchange (url: string, bytes: string | Buffer, waitMs = 5000): Promise<RawAnswer> {
  const socket = open(url)
  socket.write(bytes)
  return collect(socket, waitMs)
}

/** Collects what the server sends on `socket` until it closes or `waitMs` passed, then destroys it. */
export function collect (socket: Socket, waitMs: number): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let text = ''
    const finish = (closed: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ text, closed, statuses: statusesIn(text) })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1') })
    socket.on('close', () => finish(true))
  })
}
