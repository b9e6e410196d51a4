// A Server-Sent Events client of the consume stream (SPEC §10.5) for the tests: Node's fetch (or any body, e.g.
// an http.get response held unread), read as the events arrive (parsed as the HTML standard's EventSource
// parses them), and how the response ended; a refusal gives its HTTP status and body.
import type { IncomingMessage } from 'node:http'
import type { Refusal } from './produce-stream.js'

export interface ServerEvent {
  readonly event: string
  readonly data: string
  readonly id: string | undefined
}

/** A §4.8 message object. */
export interface StreamedMessage {
  readonly value: string | null
  readonly key: string | null
  readonly offset: number
  readonly ts: number | null
  readonly ts_type: string | null
  readonly headers: Record<string, string | null>
  readonly value_encoding?: string
}

export class EventStreamClient {
  readonly events: ServerEvent[] = []
  /** Comment lines (`: keepalive`), without the colon. */
  readonly comments: string[] = []
  /** The response ended (by the server, or close()). */
  ended = false
  private readonly waiters: Array<() => void> = []

  private constructor (
    private readonly body: AsyncIterable<Uint8Array>,
    /** A response header. */
    readonly header: (name: string) => string | null,
    readonly close: () => void
  ) {
    void this.read()
  }

  /** Opens the stream; rejects with the Refusal of any answer other than 200. */
  static async open (url: string, headers: Record<string, string> = { accept: 'text/event-stream' }): Promise<EventStreamClient> {
    const controller = new AbortController()
    const response = await fetch(url, { headers, signal: controller.signal })
    if (response.status !== 200) {
      const refusal: Refusal = { status: response.status, body: await response.text() }
      throw Object.assign(new Error(`refused: ${response.status}`), { refusal })
    }
    return new EventStreamClient(response.body as AsyncIterable<Uint8Array>, (name) => response.headers.get(name), () => controller.abort())
  }

  /** Reads the events of a response (status 200) from now on. */
  static reading (response: IncomingMessage): EventStreamClient {
    const header = (name: string): string | null => {
      const value = response.headers[name]
      return value === undefined ? null : String(value)
    }
    return new EventStreamClient(response, header, () => response.destroy())
  }

  /** The data of the `message` events, parsed. */
  get messages (): StreamedMessage[] {
    return this.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as StreamedMessage)
  }

  /** Resolves once `done` holds (checked on every event and at the end), rejects after `timeoutMs`. */
  async until (done: (client: EventStreamClient) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!done(this)) {
      if (Date.now() > deadline) throw new Error(`timed out with ${this.events.length} events, ended ${String(this.ended)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000)
        this.waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  private async read (): Promise<void> {
    const decoder = new TextDecoder()
    let buffered = ''
    let event: { event: string, data: string[], id: string | undefined } = { event: 'message', data: [], id: undefined }
    try {
      for await (const chunk of this.body) {
        buffered += decoder.decode(chunk, { stream: true })
        for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
          const line = buffered.slice(0, newline)
          buffered = buffered.slice(newline + 1)
          if (line === '') {
            if (event.data.length > 0) this.events.push({ event: event.event, data: event.data.join('\n'), id: event.id })
            event = { event: 'message', data: [], id: undefined }
          } else if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim())
          } else {
            const colon = line.indexOf(':')
            const field = colon < 0 ? line : line.slice(0, colon)
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
            if (field === 'data') event.data.push(value)
            else if (field === 'event') event.event = value
            else if (field === 'id') event.id = value
          }
        }
        this.notify()
      }
    } catch {
      // Aborted by close(), or the connection was cut.
    }
    this.ended = true
    this.notify()
  }

  private notify (): void {
    for (const waiter of this.waiters.splice(0)) waiter()
  }
}
