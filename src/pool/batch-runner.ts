// A Kafka thread's side of the pool: runs the ops of each batch task on its executor and answers every op
// on the batch's port as it completes (outcomes of one event-loop turn share a message). The executor is
// the thread's KafkaService; the micro-benchmark (bench/micro) runs a stub that answers without Kafka.
import { BroadcastChannel } from 'node:worker_threads'
import { SHUTDOWN_CHANNEL, type BatchTask, type KafkaOp, type Outcome, type ResultOf } from './messages.js'

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
    const flush = (): void => {
      if (ready.length === 0) return
      port.postMessage(ready)
      ready = []
    }
    await Promise.all(ops.map(async (op, index) => {
      const outcome = await executor.execute(withBuffers(op))
      if (ready.length === 0) setImmediate(flush)
      ready.push([index, outcome])
    }))
    flush()
  }
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
