// How the front end reaches Kafka: `run(op)` on a pool of Kafka workers, or inline on this thread.
// The pool sends one Piscina task per event-loop turn, carrying every op that arrived in that turn;
// the worker answers each op on the batch's own port as soon as it completes.
import { BroadcastChannel, MessageChannel, type MessagePort, type TransferListItem } from 'node:worker_threads'
import { Piscina } from 'piscina'
import { HttpError, requesterGone, workerFailed } from '../http/errors.js'
import type { Requester } from '../http/router.js'
import { workerExecArgv } from '../v8-flags.js'
import { needsOffsetsTail, SHUTDOWN_CHANNEL, type BatchProgress, type BatchTask, type KafkaOp, type Outcome, type ResultOf } from './messages.js'

/** What the worker-pool gauges of /metrics read. */
export interface PoolStats {
  readonly size: number
  readonly queueDepth: number
  readonly utilization: number
}

export interface KafkaClient {
  /**
   * The op's result, or an HttpError (Kafka failures per SPEC §2.6). With a `requester` (a write for a
   * request) the op starts only if the requester is still open when it is handed over (else it rejects
   * with `requesterGone`): at once inline, after the I/O callbacks of this event-loop turn on the pool.
   */
  run: <O extends KafkaOp>(op: O, requester?: Requester) => Promise<ResultOf<O>>
  /** The op on every worker (one result each); inline, on this thread. */
  runOnEach: <O extends KafkaOp>(op: O) => Promise<Array<ResultOf<O>>>
  /** Worker threads, ops waiting for one, and the share of threads busy (0 threads inline). */
  stats: () => PoolStats
  close: () => Promise<void>
}

function unwrap<T> (outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value
  throw HttpError.of(outcome.failure)
}

/** What runs ops on the thread that asks: the result, or a rejection with the HttpError of the failure. */
export interface OpRunner {
  run: <O extends KafkaOp>(op: O) => Promise<ResultOf<O>>
  close: () => Promise<void>
}

/** The ops run on this thread by `service` (KASTLEX_WORKERS=0: a KafkaService with the offsets tail). */
export class InlineKafkaClient implements KafkaClient {
  constructor (private readonly service: OpRunner) {}

  /**
   * A write is handed to librdkafka at once: its linger starts while the rest of the read is parsed (the
   * records of one turn still share librdkafka's batches). Deferring it to the check phase, as the pool
   * does to send one task per turn, cost 11-15 % of produce-64's requests/s here (README, Performance).
   */
  run<O extends KafkaOp> (op: O, requester?: Requester): Promise<ResultOf<O>> {
    if (!admitted(requester)) return Promise.reject(requesterGone())
    return this.service.run(op)
  }

  async runOnEach<O extends KafkaOp> (op: O): Promise<Array<ResultOf<O>>> {
    return [await this.run(op)]
  }

  stats (): PoolStats {
    return { size: 0, queueDepth: 0, utilization: 0 }
  }

  async close (): Promise<void> {
    await this.service.close()
  }
}

interface Waiting {
  readonly op: KafkaOp
  readonly requester: Requester | undefined
  readonly resolve: (value: unknown) => void
  readonly reject: (err: Error) => void
  settled: boolean
}

export interface PoolOptions {
  readonly filename: string
  readonly threads: number
  /** The workerData of thread `index`. */
  readonly workerData: (index: number) => unknown
}

/**
 * V8's young generation of a Kafka thread (3 semi-spaces; V8's own default grows to 48 MB). A batch body
 * reaches the thread as a transferred ArrayBuffer, whose memory goes back only when a scavenge collects
 * its wrapper: at 12 MB the scavenges come sooner and the gateway's peak RSS with 2 workers fell from 352
 * to 304 MB on ws-produce and from 269 to 221 MB on batch-100, at the same records/s and CPU per request
 * (bench/results/compare-2026-12-02T11-4*-yg*, alternated).
 */
const WORKER_YOUNG_GENERATION_MB = 12

/** The worker that runs the offsets tail (SPEC §7.1). */
export const OFFSETS_TAIL_SHARD = 0

/** One worker thread (a Piscina pool of one, which replaces it if it dies) and the ops waiting for it. */
interface Shard {
  readonly pool: Piscina
  queue: Waiting[]
  /** Batches sent and not finished. */
  running: number
  /** Ops sent and not answered. */
  unanswered: number
  /** Why the last batch failed (a thread's death, or its module not loading). */
  lastError?: unknown
}

/**
 * Kafka workers behind one `run`. Fetches of a partition always go to the same worker, whose consumer
 * holds that partition's read-ahead (sequential readers never pay a seek); other ops of one event-loop
 * turn go together to the next worker in turn, so the batch, and librdkafka's linger, stays large.
 */
export class PooledKafkaClient implements KafkaClient {
  private readonly shards: Shard[]
  private nextShard = 0

  constructor (options: PoolOptions) {
    this.shards = Array.from({ length: options.threads }, (_, index) => {
      const pool = new Piscina({
        filename: options.filename,
        minThreads: 1,
        maxThreads: 1,
        idleTimeout: Infinity,
        // Tasks are async and mostly wait on the broker; librdkafka callbacks need a free event loop.
        concurrentTasksPerWorker: 1024,
        atomics: 'disabled',
        execArgv: workerExecArgv(),
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
        workerData: options.workerData(index)
      })
      const shard: Shard = { pool, queue: [], running: 0, unanswered: 0 }
      // A worker that dies is replaced by Piscina; its tasks reject and are answered in dispatch().
      pool.on('error', () => {})
      return shard
    })
  }

  /**
   * Resolves once every thread has loaded its module and answered a task; rejects naming the first
   * thread that could not (a file missing from the install, a crash at import). Piscina does not replace
   * a thread that died while loading, so tasks sent to it later would wait forever: the start must stop.
   */
  async loaded (): Promise<void> {
    await Promise.all(this.shards.map(async (shard, index) => {
      try {
        await this.runOn(shard, { op: 'clientStats' })
      } catch (err) {
        throw new Error(`worker thread ${index} did not start: ${String(shard.lastError ?? err)}`)
      }
    }))
  }

  stats (): PoolStats {
    let queueDepth = 0
    let busy = 0
    for (const shard of this.shards) {
      queueDepth += shard.queue.length + shard.pool.queueSize
      if (shard.running > 0) busy++
    }
    return { size: this.shards.length, queueDepth, utilization: busy / this.shards.length }
  }

  run<O extends KafkaOp> (op: O, requester?: Requester): Promise<ResultOf<O>> {
    return this.runOn(this.shardFor(op), op, requester)
  }

  async runOnEach<O extends KafkaOp> (op: O): Promise<Array<ResultOf<O>>> {
    return await Promise.all(this.shards.map(async (shard) => await this.runOn(shard, op)))
  }

  /** Ops are sent after the I/O callbacks of the turn (setImmediate), which is where Requester is checked. */
  private runOn<O extends KafkaOp> (shard: Shard, op: O, requester?: Requester): Promise<ResultOf<O>> {
    return new Promise((resolve, reject) => {
      if (shard.queue.length === 0) setImmediate(() => this.dispatch(shard))
      shard.queue.push({ op, requester, resolve: resolve as (value: unknown) => void, reject, settled: false })
    })
  }

  private shardFor (op: KafkaOp): Shard {
    const index = op.op === 'fetch'
      ? partitionHash(op.topic, op.partition) % this.shards.length
      : needsOffsetsTail(op) ? OFFSETS_TAIL_SHARD : this.leastLoaded()
    return this.shards[index] as Shard
  }

  /**
   * The worker for an op that may run anywhere: the one this turn's ops already go to, else the one with the
   * fewest ops unanswered (in turn when equal), so that a worker slowed down (a collection, a busy turn of
   * delivery reports) is not given the next batch while another is idle.
   */
  private leastLoaded (): number {
    const count = this.shards.length
    if ((this.shards[this.nextShard] as Shard).queue.length > 0) return this.nextShard
    let best = this.nextShard
    for (let step = 1; step < count; step++) {
      const index = (this.nextShard + step) % count
      if ((this.shards[index] as Shard).unanswered < (this.shards[best] as Shard).unanswered) best = index
    }
    this.nextShard = best
    return best
  }

  private dispatch (shard: Shard): void {
    const batch = withoutGoneRequesters(shard.queue)
    shard.queue = []
    if (batch.length === 0) return
    if (shard === this.shards[this.nextShard]) this.nextShard = (this.nextShard + 1) % this.shards.length
    const { port1, port2 } = new MessageChannel()
    let open = batch.length
    const settle = (waiting: Waiting, outcome: Outcome<unknown> | undefined): void => {
      if (waiting.settled) return
      waiting.settled = true
      shard.unanswered--
      try {
        waiting.resolve(unwrap(outcome ?? { ok: false, failure: workerFailed().data() }))
      } catch (err) {
        waiting.reject(err as Error)
      }
      if (--open === 0) port1.close()
    }
    port1.on('message', (progress: BatchProgress) => {
      for (const [index, outcome] of progress) settle(batch[index] as Waiting, outcome)
    })
    const task: BatchTask = { ops: batch.map((w) => w.op), port: port2 }
    shard.running++
    shard.unanswered += batch.length
    shard.pool.run(task, { transferList: transferables(task.ops, port2) }).catch((err: unknown) => {
      shard.lastError = err
      for (const waiting of batch) settle(waiting, undefined)
    }).finally(() => { shard.running-- })
  }

  /**
   * Lets every worker close its Kafka clients (flush the producer, release the consumer: a thread
   * terminated with open librdkafka handles never ends), then stops the threads.
   */
  async close (timeoutMs = 15_000): Promise<void> {
    const channel = new BroadcastChannel(SHUTDOWN_CHANNEL)
    let closed = 0
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      channel.onmessage = (event) => {
        if ((event as MessageEvent).data === 'closed' && ++closed === this.shards.length) {
          clearTimeout(timer)
          resolve()
        }
      }
      channel.postMessage('close')
    })
    channel.close()
    await Promise.all(this.shards.map(async ({ pool }) => await pool.destroy()))
  }
}

/** Whether a write may start for its request: none, or one still open. */
function admitted (requester: Requester | undefined): boolean {
  return requester === undefined || requester.open
}

/** The waiting ops still wanted; the others are rejected with `requesterGone`. */
function withoutGoneRequesters (queue: readonly Waiting[]): Waiting[] {
  const wanted: Waiting[] = []
  for (const waiting of queue) {
    if (admitted(waiting.requester)) wanted.push(waiting)
    else waiting.reject(requesterGone())
  }
  return wanted
}

/** FNV-1a of topic and partition: which worker reads a partition. */
function partitionHash (topic: string, partition: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < topic.length; i++) hash = Math.imul(hash ^ topic.charCodeAt(i), 0x01000193)
  return (Math.imul(hash ^ partition, 0x01000193) >>> 0)
}

/** Produce and batch bodies travel without a copy: their memory is exclusively theirs (see http/body.ts). */
function transferables (ops: readonly KafkaOp[], port: MessagePort): TransferListItem[] {
  const list: TransferListItem[] = [port]
  for (const op of ops) {
    const body = op.op === 'produce' ? op.value : op.op === 'produceBatch' ? op.body : null
    if (body !== null && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) list.push(body.buffer as ArrayBuffer)
  }
  return list
}
