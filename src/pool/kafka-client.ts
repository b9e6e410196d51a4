// How the front end reaches Kafka: `run(op)` on a pool of Kafka workers, or inline on this thread.
// The pool sends one Piscina task per event-loop turn, carrying every op that arrived in that turn;
// the worker answers each op on the batch's own port as soon as it completes.
import { BroadcastChannel, MessageChannel, type MessagePort, type TransferListItem } from 'node:worker_threads'
import { Piscina } from 'piscina'
import type { Config } from '../config.js'
import { HttpError, kafkaError } from '../http/errors.js'
import { KafkaService } from '../kafka/service.js'
import { SHUTDOWN_CHANNEL, type BatchProgress, type BatchTask, type KafkaOp, type Outcome, type ResultOf } from './messages.js'

export interface KafkaClient {
  /** The op's result, or an HttpError (Kafka failures per SPEC §2.6). */
  run: <O extends KafkaOp>(op: O) => Promise<ResultOf<O>>
  close: () => Promise<void>
}

function unwrap<T> (outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value
  throw kafkaError(outcome.failure.error, outcome.failure.extras)
}

export class InlineKafkaClient implements KafkaClient {
  private readonly service: KafkaService

  constructor (config: Config) {
    this.service = new KafkaService(config)
  }

  async run<O extends KafkaOp> (op: O): Promise<ResultOf<O>> {
    return unwrap(await this.service.execute(op))
  }

  async close (): Promise<void> {
    await this.service.close()
  }
}

interface Waiting {
  readonly op: KafkaOp
  readonly resolve: (value: unknown) => void
  readonly reject: (err: Error) => void
  settled: boolean
}

/** Answer to the ops of a worker that died or failed the task (SPEC: in-flight requests get 503). */
export const workerFailed = (): HttpError => new HttpError(503, 'worker_failed')

export interface PoolOptions {
  readonly filename: string
  readonly threads: number
  readonly workerData: unknown
}

export class PooledKafkaClient implements KafkaClient {
  private readonly pool: Piscina
  private queue: Waiting[] = []

  constructor (options: PoolOptions) {
    this.pool = new Piscina({
      filename: options.filename,
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Infinity,
      // Tasks are async and mostly wait on the broker; librdkafka callbacks need a free event loop.
      concurrentTasksPerWorker: 1024,
      atomics: 'disabled',
      workerData: options.workerData
    })
    // A worker that dies is replaced by Piscina; its tasks reject and are answered below.
    this.pool.on('error', () => {})
  }

  get threads (): number {
    return this.pool.threads.length
  }

  run<O extends KafkaOp> (op: O): Promise<ResultOf<O>> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.dispatch())
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject, settled: false })
    })
  }

  private dispatch (): void {
    const batch = this.queue
    this.queue = []
    const { port1, port2 } = new MessageChannel()
    let open = batch.length
    const settle = (waiting: Waiting, outcome: Outcome<unknown> | undefined): void => {
      if (waiting.settled) return
      waiting.settled = true
      try {
        waiting.resolve(unwrap(outcome ?? { ok: false, failure: { error: 'worker_failed' } }))
      } catch (err) {
        waiting.reject(err as Error)
      }
      if (--open === 0) port1.close()
    }
    port1.on('message', (progress: BatchProgress) => {
      for (const [index, outcome] of progress) settle(batch[index] as Waiting, outcome)
    })
    const task: BatchTask = { ops: batch.map((w) => w.op), port: port2 }
    this.pool.run(task, { transferList: transferables(task.ops, port2) }).catch(() => {
      for (const waiting of batch) settle(waiting, undefined)
    })
  }

  /**
   * Lets every worker close its Kafka clients (flush the producer, release the consumer: a thread
   * terminated with open librdkafka handles never ends), then stops the threads.
   */
  async close (timeoutMs = 15_000): Promise<void> {
    const channel = new BroadcastChannel(SHUTDOWN_CHANNEL)
    const threads = this.pool.threads.length
    let closed = 0
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      channel.onmessage = (event) => {
        if ((event as MessageEvent).data === 'closed' && ++closed === threads) {
          clearTimeout(timer)
          resolve()
        }
      }
      channel.postMessage('close')
    })
    channel.close()
    await this.pool.destroy()
  }
}

/** Produce bodies travel without a copy: their memory is exclusively theirs (see http/body.ts). */
function transferables (ops: readonly KafkaOp[], port: MessagePort): TransferListItem[] {
  const list: TransferListItem[] = [port]
  for (const op of ops) {
    if (op.op === 'produce' && op.value !== null && op.value.byteOffset === 0 && op.value.byteLength === op.value.buffer.byteLength) {
      list.push(op.value.buffer as ArrayBuffer)
    }
  }
  return list
}
