// A Kafka thread's side of the pool: runs the ops of each batch task on its executor and answers every op
// on the batch's port as it completes (outcomes of one event-loop turn share a message). The executor is
// the thread's KafkaService; the micro-benchmark (bench/micro) runs a stub that answers without Kafka.
import { BroadcastChannel } from 'node:worker_threads'
import { SHUTDOWN_CHANNEL, type BatchTask, type FetchResult, type KafkaOp, type Outcome, type ResultOf } from './messages.js'

/** What runs the ops of a Kafka thread; every failure comes back as data, never as a throw. */
export interface OpExecutor {
  execute: <O extends KafkaOp>(op: O) => Promise<Outcome<ResultOf<O>>>
  close: () => Promise<void>
}

/**
 * The worker module's default export for `executor`. Closes the executor when the front end asks on the
 * shutdown channel (PooledKafkaClient.close) and confirms there.
 */
export function serveBatches (executor: OpExecutor): (task: BatchTask) => Promise<void> {
  const shutdown = new BroadcastChannel(SHUTDOWN_CHANNEL)
  shutdown.onmessage = (event) => {
    if ((event as MessageEvent).data !== 'close') return
    void executor.close().finally(() => shutdown.postMessage('closed'))
  }
  shutdown.unref()

  return async function runBatch ({ ops, port }: BatchTask): Promise<void> {
    let ready: Array<[number, Outcome<unknown>]> = []
    let transfer: ArrayBuffer[] = []
    const flush = (): void => {
      if (ready.length === 0) return
      port.postMessage(ready, transfer)
      ready = []
      transfer = []
    }
    await Promise.all(ops.map(async (op, index) => {
      const outcome = await executor.execute(withBuffers(op))
      if (ready.length === 0) setImmediate(flush)
      ready.push([index, op.op === 'fetch' && outcome.ok ? { ok: true, value: withOwnBody(outcome.value as FetchResult, transfer) } : outcome])
    }))
    flush()
  }
}

/**
 * A binary fetch answer is a view of a record cached by the read cache, which sits in a pooled 8 KB slab:
 * structured clone copies a view's whole ArrayBuffer, so the main thread would receive (and collect) 8 KB
 * per 1 KB record. The answer travels as a copy of exactly its bytes, transferred.
 */
function withOwnBody (result: FetchResult, transfer: ArrayBuffer[]): FetchResult {
  const { body } = result.encoded
  if (typeof body === 'string' || body.length === 0) return result
  const own = Buffer.from(new Uint8Array(body).buffer)
  transfer.push(own.buffer)
  return { ...result, encoded: { ...result.encoded, body: own } }
}

/** Structured clone turns Buffers into plain Uint8Arrays; librdkafka wants Buffers. */
function withBuffers (op: KafkaOp): KafkaOp {
  switch (op.op) {
    case 'produce': return { ...op, key: asBuffer(op.key), value: asBuffer(op.value) }
    case 'produceBatch': return { ...op, body: asBuffer(op.body) as Buffer }
    default: return op
  }
}

function asBuffer (bytes: Uint8Array | null): Buffer | null {
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
