// A pool worker for the worker-failure tests: a topicConfig op for topic `crash` kills the thread the
// way a native fault would; any other op succeeds. Speaks the real batch and shutdown protocol.
import { BroadcastChannel } from 'node:worker_threads'
import { SHUTDOWN_CHANNEL, type BatchTask } from '../../src/pool/messages.js'

const shutdown = new BroadcastChannel(SHUTDOWN_CHANNEL)
shutdown.onmessage = () => shutdown.postMessage('closed')
shutdown.unref()

export default async function runBatch ({ ops, port }: BatchTask): Promise<void> {
  if (ops.some((op) => op.op === 'topicConfig' && op.topic === 'crash')) {
    setImmediate(() => { throw new Error('simulated worker crash') })
    await new Promise(() => {})
  }
  port.postMessage(ops.map((_, index) => [index, { ok: true, value: { brokers: [], topics: [] } }]))
}
