// A WebSocket client of the streams for the tests (the produce stream, SPEC §10.4a; the consume stream, §10.5):
// opens the WebSocket, sends frames, collects the text frames (parsed JSON: `T`), the pings and the close; a
// refused handshake gives its HTTP status and body.
import { randomBytes } from 'node:crypto'
import type { Socket } from 'node:net'
import WebSocket from 'ws'
import type { Gateway } from './gateway.js'

export interface Answer {
  readonly seq: number
  readonly results?: ReadonlyArray<{ partition?: number, offset?: number, error?: string, status?: number }>
  readonly error?: string
  readonly status?: number
}

export interface Refusal { readonly status: number, readonly body: string }

export class StreamClient<T = Answer> {
  readonly answers: T[] = []
  /** Ping frames received. */
  pings = 0
  /** The close code and reason once the connection closed. */
  closed: { code: number, reason: string } | undefined
  /** What ws reported before a close without a close frame (1006): an invalid frame, a reset, … */
  error: string | undefined
  private readonly waiters: Array<() => void> = []

  private constructor (readonly ws: WebSocket) {
    ws.on('message', (data, binary) => {
      if (!binary) this.answers.push(JSON.parse(data.toString()) as T)
      this.notify()
    })
    ws.on('ping', () => {
      this.pings++
      this.notify()
    })
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() }
      this.notify()
    })
    ws.on('error', (err) => { this.error = err.message })
  }

  /** Opens a stream on `url` (http://… is turned into ws://…); rejects with the Refusal of a refused handshake. */
  static async open<T = Answer> (url: string, headers: Record<string, string> = {}): Promise<StreamClient<T>> {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), { headers, perMessageDeflate: false })
    return await new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new StreamClient<T>(ws)))
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => { body += chunk.toString() })
        res.on('end', () => reject(Object.assign(new Error(`refused: ${res.statusCode ?? 0}`), { refusal: { status: res.statusCode ?? 0, body } })))
      })
      ws.once('error', reject)
    })
  }

  send (frame: Buffer | string): void {
    this.ws.send(frame, { binary: typeof frame !== 'string' })
  }

  /** Binary frames in one socket write, so that the gateway receives them in one read. */
  sendAtOnce (payloads: readonly Buffer[]): void {
    // ws writes each send on its own; its socket (a private field of ws@8) takes the frames as one write.
    const socket = (this.ws as unknown as { _socket: Socket })._socket
    socket.write(Buffer.concat(payloads.map(maskedFrame)))
  }

  /** Resolves once `done` holds (checked on every answer and on the close), rejects after `timeoutMs`. */
  async until (done: (client: StreamClient<T>) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!done(this)) {
      if (Date.now() > deadline) throw new Error(`timed out with ${this.answers.length} answers, closed ${JSON.stringify(this.closed)}${this.error === undefined ? '' : `, error ${this.error}`}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000)
        this.waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  async answered (count: number, timeoutMs?: number): Promise<T[]> {
    await this.until((c) => c.answers.length >= count || c.closed !== undefined, timeoutMs)
    return this.answers
  }

  async closeCode (timeoutMs?: number): Promise<{ code: number, reason: string }> {
    await this.until((c) => c.closed !== undefined, timeoutMs)
    return this.closed as { code: number, reason: string }
  }

  close (): void {
    this.ws.close()
  }

  private notify (): void {
    for (const waiter of this.waiters.splice(0)) waiter()
  }
}

/** The refusal of a handshake (open rejected), or undefined if it was accepted (then closed again). */
export async function refusalOf (url: string, headers: Record<string, string> = {}): Promise<Refusal | undefined> {
  try {
    const client = await StreamClient.open(url, headers)
    client.close()
    return undefined
  } catch (err) {
    const refusal = (err as { refusal?: Refusal }).refusal
    if (refusal === undefined) throw err
    return refusal
  }
}

/** A client's binary frame (masked, RFC 6455 §5.3), payload under 64 KiB. */
export function maskedFrame (payload: Buffer): Buffer {
  const mask = randomBytes(4)
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)))
  const head = payload.length < 126 ? Buffer.from([0x82, 0x80 | payload.length]) : Buffer.from([0x82, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
  return Buffer.concat([head, mask, masked])
}

/** The `stream closed` line of the stream on `topic` in a gateway's output. */
export async function closeLine (gateway: Gateway, topic: string): Promise<Record<string, unknown>> {
  const pattern = new RegExp(`"msg":"stream closed".*"topic":"${topic}"`)
  await gateway.waitForOutput(pattern)
  return JSON.parse(gateway.output().split('\n').find((line) => pattern.test(line)) as string) as Record<string, unknown>
}
