// A Kafka worker thread: runs the ops of each batch task on its own KafkaService and answers every op
// on the batch's port as it completes (outcomes of one event-loop turn share a message).
import { BroadcastChannel, workerData } from 'node:worker_threads'
import { KafkaService } from '../src/kafka/service.js'
import { SHUTDOWN_CHANNEL, type BatchTask, type KafkaOp, type Outcome, type WorkerData } from '../src/pool/messages.js'

const service = new KafkaService(workerData as WorkerData)

const shutdown = new BroadcastChannel(SHUTDOWN_CHANNEL)
shutdown.onmessage = (event) => {
  if ((event as MessageEvent).data !== 'close') return
  void service.close().finally(() => shutdown.postMessage('closed'))
}
shutdown.unref()

export default async function runBatch ({ ops, port }: BatchTask): Promise<void> {
  let ready: Array<[number, Outcome<unknown>]> = []
  const flush = (): void => {
    if (ready.length === 0) return
    port.postMessage(ready)
    ready = []
  }
  await Promise.all(ops.map(async (op, index) => {
    const outcome = await service.execute(withBuffers(op))
    if (ready.length === 0) setImmediate(flush)
    ready.push([index, outcome])
  }))
  flush()
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
