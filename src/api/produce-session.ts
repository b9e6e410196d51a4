// One produce stream (SPEC §10.4a) after its handshake: each binary frame is a batch in the binary framing,
// answered by one text frame, in frame order. The frames that arrive in one event-loop turn (uWS hands over
// every frame of a socket read in one go) are produced as one op, up to KASTLEX_BATCH_MAX_RECORDS records:
// the framing delimits itself, so their bodies joined are the same records, and the op answers per frame.
// Reading stops while KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT records are unanswered or the answers pile up unsent.
import { countFramedRecords } from '../batch/binary-framing.js'
import { Fifo } from '../fifo.js'
import { asHttpError, type HttpError, invalid, kafkaError } from '../http/errors.js'
import type { Requester } from '../http/router.js'
import { CLOSE, SEND_BUFFER_LIMIT, type StreamSession, type StreamSocket } from '../http/stream-session.js'
import type { Logger } from '../log.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'
import { watchAuthorization, type StreamTarget } from './stream-target.js'

export interface ProduceStreamOptions {
  readonly kafka: KafkaClient
  readonly metadata: MetadataCache
  readonly metrics: GatewayMetrics
  readonly log: Logger
  /** KASTLEX_BATCH_MAX_RECORDS: records one frame may carry. */
  readonly maxRecords: number
  /** KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT. */
  readonly maxInFlight: number
}

/** A frame received and not answered yet; `answer` is set once its outcome is known. */
interface Frame {
  readonly seq: number
  readonly records: number
  answer?: string
}

/** Frames of one event-loop turn, produced together as one op once the turn's reads are done. */
interface Group {
  readonly frames: Frame[]
  /** The frames' bytes, until joined into the op's body. */
  bodies: Buffer[]
  records: number
}

/** Why the stream is ending: its close frame, and the answer of any frame that still arrives (null: produced). */
interface Ending {
  readonly code: number
  readonly reason: string
  readonly refusal: HttpError | null
}

const STOPPING: Ending = { code: CLOSE.goingAway, reason: 'server stopping', refusal: null }
const TEXT_FRAME: Ending = { code: CLOSE.unsupportedData, reason: 'text frames are not accepted', refusal: invalid('frame', 'sent after a text frame') }

export class ProduceSession implements StreamSession, Requester {
  private socket: StreamSocket | undefined
  private gone = false
  private ending: Ending | undefined
  /** The close frame was sent. */
  private ended = false
  private nextSeq = 0
  /** Frames in arrival order; answers leave from the front only. */
  private readonly frames = new Fifo<Frame>()
  /** The group frames of this turn join; undefined once it is produced. */
  private group: Group | undefined
  private ops = 0
  private unanswered = 0
  private paused = false
  private stopRechecks: (() => void) | undefined
  private readonly started = performance.now()
  private records = 0
  private peakUnanswered = 0

  constructor (private readonly options: ProduceStreamOptions, private readonly target: StreamTarget) {}

  /** Requester: a frame is produced only while its connection is there. */
  get open (): boolean {
    return !this.gone
  }

  opened (socket: StreamSocket): void {
    this.socket = socket
    // Token expiry, revocation, or a reload without `produce` → close 1008.
    this.stopRechecks = watchAuthorization(this.target.reauthorize, (error) => {
      this.finish({ code: CLOSE.policyViolation, reason: error.error, refusal: error })
    })
  }

  message (data: ArrayBuffer, binary: boolean): void {
    if (this.gone) return
    if (!binary) {
      this.finish(TEXT_FRAME)
      return
    }
    const seq = this.nextSeq++
    const refusal = this.ending?.refusal ?? null
    if (refusal !== null) {
      this.answerNow(seq, refusal)
      return
    }
    // uWS reuses the message's memory after this call: an exclusive copy, transferred to the worker as is.
    const body = Buffer.from(data.slice(0))
    let count: number
    try {
      count = countFramedRecords(body, this.options.maxRecords)
    } catch (err) {
      this.answerNow(seq, err)
      return
    }
    const frame: Frame = { seq, records: count }
    this.frames.push(frame)
    this.records += count
    this.unanswered += count
    if (this.unanswered > this.peakUnanswered) this.peakUnanswered = this.unanswered
    if (this.unanswered >= this.options.maxInFlight) this.pause()
    this.join(frame, body)
  }

  drained (): void {
    this.resumeIfRoom()
  }

  closed (code: number): void {
    if (this.gone) return
    this.gone = true
    this.stopRechecks?.()
    this.target.release()
    this.options.log.info('stream closed', {
      request_id: this.target.requestId,
      topic: this.target.topic,
      code,
      frames: this.nextSeq,
      produce_ops: this.ops,
      records: this.records,
      unanswered: this.unanswered,
      peak_unanswered: this.peakUnanswered,
      duration_ms: Math.round(performance.now() - this.started)
    })
  }

  stop (): void {
    this.finish(STOPPING)
  }

  expire (): void {
    if (this.gone) return
    // Answers not known by now go out as failed, in their place.
    const timeout = kafkaError('timeout')
    for (const frame of this.frames) frame.answer ??= errorAnswer(frame.seq, timeout)
    this.finish(STOPPING)
    // Already ending (stop() came first): finish() left it to flush.
    this.flush()
  }

  /** Adds a frame to this turn's group, or to a new one when it would pass KASTLEX_BATCH_MAX_RECORDS. */
  private join (frame: Frame, body: Buffer): void {
    let group = this.group
    if (group === undefined || group.records + frame.records > this.options.maxRecords) {
      const started: Group = { frames: [], bodies: [], records: 0 }
      this.group = group = started
      setImmediate(() => { void this.produce(started) })
    }
    group.frames.push(frame)
    group.bodies.push(body)
    group.records += frame.records
  }

  /** The group's frames produced as one batch, each answered with its records' results or the op's failure. */
  private async produce (group: Group): Promise<void> {
    if (this.group === group) this.group = undefined
    const { kafka, metadata, metrics, maxRecords } = this.options
    const { topic, partition } = this.target
    const { frames } = group
    this.ops++
    try {
      const partitionCount = (await metadata.topic(topic))?.partitions.length ?? null
      const body = joinedBody(group)
      const parts = frames.map((frame) => frame.records)
      const result = await kafka.run({ op: 'produceBatch', topic, partition, partitionCount, format: 'binary', body, headers: [], maxRecords, parts }, this)
      if (result.produced > 0) metrics.produced(topic, result.producedBytes, result.produced)
      for (const [index, frame] of frames.entries()) frame.answer = `{"seq":${frame.seq},${(result.bodies[index] as string).slice(1)}`
    } catch (err) {
      for (const frame of frames) frame.answer = errorAnswer(frame.seq, err)
    }
    this.flush()
  }

  /** A frame answered without producing anything (bad framing, or refused while the stream ends). */
  private answerNow (seq: number, err: unknown): void {
    this.frames.push({ seq, records: 0, answer: errorAnswer(seq, err) })
    this.flush()
  }

  /** Sends the answers known at the front, in frame order; ends the stream once an ending has none left. */
  private flush (): void {
    const socket = this.socket
    for (let frame = this.frames.peek(); frame?.answer !== undefined; frame = this.frames.peek()) {
      this.frames.shift()
      this.unanswered -= frame.records
      if (!this.gone && socket !== undefined) socket.send(frame.answer)
    }
    if (this.gone || socket === undefined) return
    if (this.ending !== undefined) {
      if (this.frames.size === 0 && !this.ended) {
        this.ended = true
        // Reading again, so that the client's close and FIN are seen (uWS ignores any data from now on).
        if (this.paused) socket.resume()
        socket.end(this.ending.code, this.ending.reason)
      }
      return
    }
    if (socket.bufferedAmount > SEND_BUFFER_LIMIT) this.pause()
    else this.resumeIfRoom()
  }

  /** Stops reading: no new frame until the answers drain (frames of a read already done still arrive). */
  private pause (): void {
    if (this.paused || this.gone) return
    this.paused = true
    this.socket?.pause()
  }

  private resumeIfRoom (): void {
    if (!this.paused || this.gone || this.ending !== undefined) return
    if (this.unanswered >= this.options.maxInFlight || (this.socket?.bufferedAmount ?? 0) > SEND_BUFFER_LIMIT) return
    this.paused = false
    this.socket?.resume()
  }

  /** Reads no more; what was received is answered, then the close frame (flush). */
  private finish (ending: Ending): void {
    if (this.gone || this.ending !== undefined) return
    this.ending = ending
    this.stopRechecks?.()
    this.pause()
    this.flush()
  }
}

/**
 * The group's frames as one body. The group does not keep them: it lives until the op is answered, and
 * frames held that long would be promoted to the old generation (see produce-batch.ts, release).
 */
function joinedBody (group: Group): Buffer {
  const { bodies } = group
  group.bodies = []
  return bodies.length === 1 ? bodies[0] as Buffer : Buffer.concat(bodies)
}

/** `{"seq":n,"error":…,"status":…}`: a frame's failure as SPEC §10.4a renders it. */
function errorAnswer (seq: number, err: unknown): string {
  const error = asHttpError(err)
  return JSON.stringify({ seq, error: error.error, status: error.status })
}
