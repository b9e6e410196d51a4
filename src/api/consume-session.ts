// One consume stream (SPEC §10.5) after its handshake, over a WebSocket or as Server-Sent Events: a long poll
// on the fetch path of GET /api/v2/messages (the pool's `fetch` op, read_committed) from the offset after the
// last answer, each answer sent as it comes. While more than SEND_BUFFER_LIMIT waits unsent, no fetch is made
// until the socket drains: a slow consumer holds about that much here, and misses nothing.
import { asHttpError, type HttpError } from '../http/errors.js'
import { CLOSE, SEND_BUFFER_LIMIT, type EventSession, type EventSink, type StreamSession, type StreamSocket } from '../http/stream-session.js'
import type { Logger } from '../log.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import type { FetchFormat, FetchResult, StreamTransport } from '../pool/messages.js'
import { watchAuthorization, type StreamTarget } from './stream-target.js'

/** max_wait_time of each fetch: the broker answers as soon as a record comes, else after this. */
export const POLL_WAIT_MS = 1_000
/** WebSocket ping interval; Server-Sent Events keepalive after this long without a write (SPEC §10.5). */
export const HEARTBEAT_MS = 15_000
/** Below this much room under SEND_BUFFER_LIMIT, the stream waits for the socket to drain before fetching. */
const LOW_ROOM_BYTES = SEND_BUFFER_LIMIT / 2

export interface ConsumeStreamOptions {
  readonly kafka: KafkaClient
  readonly metrics: GatewayMetrics
  readonly log: Logger
  /** KASTLEX_FETCH_MAX_BYTES_LIMIT: the most one fetch answers. */
  readonly fetchMaxBytesLimit: number
}

/** A transport's side of the stream. */
interface Output {
  /** The records of one fetch, as the transport's fetch format encoded them. */
  send: (body: string) => void
  readonly bufferedAmount: number
  /** Ends the stream: after a failure or the token's loss (`error`), or because the server stops (none). */
  end: (error?: HttpError) => void
  /** The connection is gone: timers stop. */
  dispose: () => void
}

const isLoss = (error: HttpError): boolean => error.status === 401 || error.status === 403

/** One text frame per record; a ping every HEARTBEAT_MS; a failure as `{"error":…}` then 1011, a loss 1008. */
class WebSocketOutput implements Output {
  private readonly pings = setInterval(() => this.socket.ping(), HEARTBEAT_MS)

  constructor (private readonly socket: StreamSocket) {}

  send (body: string): void {
    for (const line of body.split('\n')) this.socket.send(line)
  }

  get bufferedAmount (): number { return this.socket.bufferedAmount }

  end (error?: HttpError): void {
    this.dispose()
    if (error === undefined) this.socket.end(CLOSE.goingAway, 'server stopping')
    else if (isLoss(error)) this.socket.end(CLOSE.policyViolation, error.error)
    else {
      this.socket.send(JSON.stringify({ error: error.error }))
      this.socket.end(CLOSE.internalError, error.error)
    }
  }

  dispose (): void {
    clearInterval(this.pings)
  }
}

const KEEPALIVE = ': keepalive\n\n'

/** The events as written; `: keepalive` after HEARTBEAT_MS without a write; any ending as `event: error`. */
class EventStreamOutput implements Output {
  private readonly keepalive = setTimeout(() => this.write(KEEPALIVE), HEARTBEAT_MS)

  constructor (private readonly sink: EventSink, first: string) {
    // The head goes out with the first write: a stream with no record yet starts with a keepalive.
    this.write(first === '' ? KEEPALIVE : first)
  }

  send (body: string): void {
    this.write(body)
  }

  get bufferedAmount (): number { return this.sink.bufferedAmount }

  end (error?: HttpError): void {
    this.dispose()
    if (error !== undefined) this.sink.write(`event: error\ndata: ${JSON.stringify({ error: error.error })}\n\n`)
    this.sink.end()
  }

  dispose (): void {
    clearTimeout(this.keepalive)
  }

  private write (text: string): void {
    this.sink.write(text)
    this.keepalive.refresh()
  }
}

export class ConsumeSession implements StreamSession, EventSession {
  private output: Output | undefined
  /** The offset the next fetch asks for. */
  private next: number
  /** No more fetching or sending (ending, or gone). */
  private ended = false
  private gone = false
  private wakeUp: (() => void) | undefined
  private stopRechecks: (() => void) | undefined
  private readonly format: FetchFormat
  private readonly started = performance.now()
  private records = 0
  /** The fetch that resolved the start offset, made before the handshake was answered; sent once opened. */
  private first: FetchResult | undefined

  constructor (
    private readonly options: ConsumeStreamOptions,
    private readonly target: StreamTarget,
    private readonly transport: StreamTransport,
    first: FetchResult
  ) {
    this.format = { kind: 'stream', transport }
    this.first = first
    this.next = first.next
  }

  opened (connection: StreamSocket | EventSink): void {
    if (this.gone || this.first === undefined) return
    const first = this.body(this.first)
    this.first = undefined
    if ('ping' in connection) {
      this.output = new WebSocketOutput(connection)
      if (first !== '') this.output.send(first)
    } else {
      this.output = new EventStreamOutput(connection, first)
    }
    this.stopRechecks = watchAuthorization(this.target.reauthorize, (error) => this.end(error))
    void this.poll()
  }

  /** Client frames are ignored (SPEC §10.5). */
  message (): void {}

  drained (): void {
    this.wake()
  }

  closed (code?: number): void {
    if (this.gone) return
    this.gone = true
    this.ended = true
    this.stopRechecks?.()
    this.output?.dispose()
    this.first = undefined
    this.wake()
    this.target.release()
    this.options.log.info('stream closed', {
      request_id: this.target.requestId,
      topic: this.target.topic,
      partition: this.target.partition,
      transport: this.transport,
      code,
      records: this.records,
      next_offset: this.next,
      duration_ms: Math.round(performance.now() - this.started)
    })
  }

  stop (): void {
    this.end()
  }

  expire (): void {
    this.end()
  }

  private async poll (): Promise<void> {
    const { kafka, fetchMaxBytesLimit } = this.options
    const { topic, partition } = this.target
    while (!this.ended) {
      const room = SEND_BUFFER_LIMIT - (this.output?.bufferedAmount ?? 0)
      if (room < LOW_ROOM_BYTES) {
        await new Promise<void>((resolve) => { this.wakeUp = resolve })
        continue
      }
      let fetched: FetchResult
      try {
        fetched = await kafka.run({
          op: 'fetch', topic, partition, offset: { kind: 'exact', value: this.next }, maxWaitMs: POLL_WAIT_MS, minBytes: 1, maxBytes: Math.min(room, fetchMaxBytesLimit), format: this.format
        })
      } catch (err) {
        this.end(asHttpError(err))
        return
      }
      if (this.ended) return
      const body = this.body(fetched)
      if (body !== '') this.output?.send(body)
    }
  }

  /** The records of a fetch to send (counted as sent), and the offset to go on from. */
  private body (fetched: FetchResult): string {
    this.next = fetched.next
    if (fetched.records === 0) return ''
    this.records += fetched.records
    this.options.metrics.fetched(this.target.topic, fetched.records, fetched.bytes)
    return fetched.encoded.body as string
  }

  private end (error?: HttpError): void {
    if (this.ended) return
    this.ended = true
    this.stopRechecks?.()
    this.wake()
    this.output?.end(error)
  }

  private wake (): void {
    const wakeUp = this.wakeUp
    this.wakeUp = undefined
    wakeUp?.()
  }
}
