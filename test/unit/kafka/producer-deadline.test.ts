// The producer's own deadline (src/kafka/producer.ts), without a broker: records that get no delivery report are
// answered `timeout` once the deadline of the last batch of their deadline group passed, and not before it.
import test from 'ava'
import { setTimeout as sleep } from 'node:timers/promises'
import { Producer } from '../../../src/kafka/producer.js'
import type { OpError } from '../../../src/kafka/op-error.js'

const PRODUCE_TIMEOUT_MS = 300
/** DEADLINE_GRACE_MS in producer.ts */
const GRACE_MS = 1000
/** Within DEADLINE_GROUP_MS (100): both batches share a group */
const SECOND_AFTER_MS = 50

test('no broker: both batches of a group answered timeout after the later one\'s deadline, within the group\'s spread', async (t) => {
  const producer = new Producer({
    // nothing listens on port 1: no delivery report comes before the deadline
    common: { 'bootstrap.servers': '127.0.0.1:1' },
    // librdkafka's own timeout far away: only the producer's deadline can answer
    producer: { 'message.timeout.ms': 60_000, 'linger.ms': 1 },
    securityProtocol: 'PLAINTEXT',
    requestTimeoutMs: 5_000,
    produceTimeoutMs: PRODUCE_TIMEOUT_MS
  })
  t.teardown(async () => await producer.close(0))
  const answered = (started: number) => async (promise: Promise<unknown>): Promise<{ error: string, afterMs: number }> => {
    const error = await promise.then(() => 'delivered', (err: OpError) => err.error)
    return { error, afterMs: performance.now() - started }
  }
  const started = performance.now()
  const first = answered(started)(producer.produce({ op: 'produce', topic: 't', partition: 0, key: null, value: Buffer.from('a'), headers: [] }))
  await sleep(SECOND_AFTER_MS)
  const secondStarted = performance.now()
  const second = answered(started)(producer.produce({ op: 'produce', topic: 't', partition: 0, key: null, value: Buffer.from('b'), headers: [] }))
  const [a, b] = await Promise.all([first, second])
  t.is(a.error, 'timeout')
  t.is(b.error, 'timeout')
  const secondDeadline = secondStarted - started + PRODUCE_TIMEOUT_MS + GRACE_MS
  for (const { afterMs } of [a, b]) {
    t.true(afterMs >= secondDeadline, `answered ${Math.round(afterMs)} ms after the first, before the second's deadline (${Math.round(secondDeadline)})`)
    // the group's timer: its start + the deadline + 100 ms; generous for a loaded machine
    t.true(afterMs < PRODUCE_TIMEOUT_MS + GRACE_MS + 100 + 1_000, `answered ${Math.round(afterMs)} ms after the first`)
  }
})
