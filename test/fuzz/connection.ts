// A raw HTTP/1.1 client connection: sends bytes exactly as given (Node's http client would refuse or
// repair most of what the fuzzer sends) and parses one response at a time, keep-alive.
import { connect, type Socket } from 'node:net'

export interface HttpAnswer {
  readonly kind: 'response'
  readonly status: number
  /** Header names lower-cased; repeated headers joined with `, `. */
  readonly headers: ReadonlyMap<string, string>
  readonly body: Buffer
  readonly ms: number
}

/** What became of a request: an answer, the connection closed without one, or nothing by the deadline. */
export type Outcome =
  | HttpAnswer
  | { readonly kind: 'closed', readonly ms: number, readonly detail: string }
  | { readonly kind: 'timeout', readonly ms: number }

const HEADER_END = Buffer.from('\r\n\r\n')

/**
 * One parsed response from the front of `buffer`, or undefined while incomplete. `open`: an answer that lasts
 * as long as its stream (the consume stream's Server-Sent Events, SPEC §10.5), complete at its head; its
 * connection carries nothing else.
 */
export function parseResponse (buffer: Buffer, head: boolean, ended: boolean): { status: number, headers: Map<string, string>, body: Buffer, used: number, open?: boolean } | undefined {
  let offset = 0
  for (;;) {
    const end = buffer.indexOf(HEADER_END, offset)
    if (end < 0) return undefined
    const lines = buffer.subarray(offset, end).toString('latin1').split('\r\n')
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? NaN)
    if (Number.isNaN(status)) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0]?.slice(0, 80))}`)
    const headers = new Map<string, string>()
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':')
      if (colon < 0) continue
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers.set(name, headers.has(name) ? `${headers.get(name) as string}, ${value}` : value)
    }
    const bodyStart = end + HEADER_END.length
    if (status >= 100 && status < 200) { offset = bodyStart; continue }
    if (head || status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), used: bodyStart }
    if (status === 200 && /^text\/event-stream/i.test(headers.get('content-type') ?? '')) return { status, headers, body: Buffer.alloc(0), used: buffer.length, open: true }
    const length = headers.get('content-length')
    if (length !== undefined) {
      const bodyEnd = bodyStart + Number(length)
      if (buffer.length < bodyEnd) return undefined
      return { status, headers, body: buffer.subarray(bodyStart, bodyEnd), used: bodyEnd }
    }
    if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) return parseChunked(buffer, bodyStart, status, headers)
    // Neither: the body runs until the connection closes.
    return ended ? { status, headers, body: buffer.subarray(bodyStart), used: buffer.length } : undefined
  }
}

function parseChunked (buffer: Buffer, start: number, status: number, headers: Map<string, string>): ReturnType<typeof parseResponse> {
  const parts: Buffer[] = []
  let at = start
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at)
    if (lineEnd < 0) return undefined
    const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16)
    if (Number.isNaN(size)) throw new Error('bad chunk size in response')
    const dataStart = lineEnd + 2
    if (size === 0) {
      const trailerEnd = buffer.indexOf('\r\n', dataStart)
      if (trailerEnd < 0) return undefined
      return { status, headers, body: Buffer.concat(parts), used: trailerEnd + 2 }
    }
    if (buffer.length < dataStart + size + 2) return undefined
    parts.push(buffer.subarray(dataStart, dataStart + size))
    at = dataStart + size + 2
  }
}

/** A keep-alive connection that carries one request at a time; reopened transparently after a close. */
export class Connection {
  private socket: Socket | undefined
  private buffer: Buffer = Buffer.alloc(0)
  private ended = false
  private waiting: ((outcome: Outcome) => void) | undefined
  private head = false
  private started = 0
  /** The last request went out on a new socket. */
  fresh = true

  constructor (private readonly port: number) {}

  /** Sends `request` (whole) and resolves with its outcome; never rejects. */
  send (request: readonly Buffer[], head: boolean, deadlineMs: number): Promise<Outcome> {
    if (this.waiting !== undefined) throw new Error('one request at a time')
    const socket = this.open()
    this.head = head
    this.started = performance.now()
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        this.finish({ kind: 'timeout', ms: performance.now() - this.started })
        this.close()
      }, deadlineMs)
      this.waiting = (outcome) => { clearTimeout(timer); resolve(outcome) }
      for (const part of request) socket.write(part)
    })
  }

  close (): void {
    this.socket?.destroy()
    this.socket = undefined
  }

  private open (): Socket {
    this.fresh = this.socket === undefined || this.ended
    if (!this.fresh) return this.socket as Socket
    this.close()
    this.buffer = Buffer.alloc(0)
    this.ended = false
    const socket = connect(this.port, '127.0.0.1')
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
      this.tryParse()
    })
    const onEnd = (detail: string) => () => {
      if (this.socket !== socket) return
      this.ended = true
      this.tryParse()
      this.finish({ kind: 'closed', ms: performance.now() - this.started, detail })
      this.close()
    }
    socket.on('end', onEnd('closed by the server'))
    socket.on('error', (err: NodeJS.ErrnoException) => onEnd(err.code ?? err.message)())
    socket.on('close', onEnd('closed'))
    this.socket = socket
    return socket
  }

  private tryParse (): void {
    if (this.waiting === undefined) return
    let parsed
    try {
      parsed = parseResponse(this.buffer, this.head, this.ended)
    } catch (err) {
      this.finish({ kind: 'closed', ms: performance.now() - this.started, detail: (err as Error).message })
      this.close()
      return
    }
    if (parsed === undefined) return
    this.buffer = this.buffer.subarray(parsed.used)
    const close = /close/i.test(parsed.headers.get('connection') ?? '')
    this.finish({ kind: 'response', status: parsed.status, headers: parsed.headers, body: Buffer.from(parsed.body), ms: performance.now() - this.started })
    if (close || parsed.open === true) this.close()
  }

  private finish (outcome: Outcome): void {
    const waiting = this.waiting
    this.waiting = undefined
    waiting?.(outcome)
  }
}
