// HTTP as bytes on a socket, for what fetch and curl cannot send (or would fix up) on their own: framing
// variants, HTTP/1.0, a request head in several writes, several requests on one connection with their
// answers read one at a time.
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

export interface RawResponse {
  /** The status line, e.g. `HTTP/1.1 200 OK`. */
  readonly statusLine: string
  readonly status: number
  /** Header names in lower case; repeated ones joined by ", ". */
  readonly headers: ReadonlyMap<string, string>
  readonly body: Buffer
}

/** Pause between the parts of a request, so that the gateway reads them separately. */
const PART_GAP_MS = 30

export class RawConnection {
  private buffer = Buffer.alloc(0)
  private ended = false
  private wake: (() => void) | undefined
  readonly closed: Promise<void>

  private constructor (private readonly socket: Socket) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => { this.buffer = Buffer.concat([this.buffer, chunk]); this.wake?.() })
    socket.on('error', () => {}) // a reset counts as the end, seen through `closed`
    this.closed = new Promise((resolve) => socket.once('close', () => { this.ended = true; this.wake?.(); resolve() }))
  }

  static async open (baseUrl: string): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl)
    const socket = connect(Number(port), hostname)
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
    return new RawConnection(socket)
  }

  /** Writes each part in its own write, pausing in between (the gateway then reads them separately). */
  async send (...parts: Array<string | Buffer>): Promise<void> {
    for (const [i, part] of parts.entries()) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, PART_GAP_MS))
      await new Promise<void>((resolve, reject) => this.socket.write(part, (err) => err === undefined || err === null ? resolve() : reject(err)))
    }
  }

  /**
   * The next answer on the connection (its body by content-length, none for an answer to HEAD); rejects
   * when the connection ends first.
   */
  async response (toHead = false): Promise<RawResponse> {
    const headEnd = await this.until(() => { const at = this.buffer.indexOf('\r\n\r\n'); return at < 0 ? undefined : at })
    const [statusLine = '', ...lines] = this.buffer.subarray(0, headEnd).toString('latin1').split('\r\n')
    const headers = new Map<string, string>()
    for (const line of lines) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers.set(name, headers.has(name) ? `${headers.get(name) ?? ''}, ${value}` : value)
    }
    const length = toHead ? 0 : Number(headers.get('content-length') ?? '0')
    await this.until(() => this.buffer.length >= headEnd + 4 + length ? true : undefined)
    const body = this.buffer.subarray(headEnd + 4, headEnd + 4 + length)
    this.buffer = this.buffer.subarray(headEnd + 4 + length)
    return { statusLine, status: Number(statusLine.split(' ')[1]), headers, body }
  }

  destroy (): void {
    this.socket.destroy()
  }

  private async until<T> (ready: () => T | undefined): Promise<T> {
    for (;;) {
      const value = ready()
      if (value !== undefined) return value
      if (this.ended) throw new Error(`connection closed; received: ${JSON.stringify(this.buffer.toString('latin1').slice(0, 300))}`)
      await new Promise<void>((resolve) => { this.wake = resolve })
    }
  }
}
