// The worker pool: a worker that dies is replaced and its in-flight requests are answered 503. The inline
// client: a write starts at once, only for a requester still open.
import test from 'ava'
import { fileURLToPath } from 'node:url'
import { HttpError } from '../../../src/http/errors.js'
import { InlineKafkaClient, PooledKafkaClient, type OpRunner } from '../../../src/pool/kafka-client.js'
import type { KafkaOp } from '../../../src/pool/messages.js'

const CRASHING_WORKER = fileURLToPath(new URL('../../helpers/crashing-worker.js', import.meta.url))

test('a dying worker answers its in-flight ops with 503 worker_failed and is replaced', async (t) => {
  const pool = new PooledKafkaClient({ filename: CRASHING_WORKER, threads: 1, workerData: () => ({}) })
  t.teardown(async () => { await pool.close() })
  t.deepEqual(await pool.run({ op: 'metadata' }), { brokers: [], topics: [] })

  const error = await t.throwsAsync(pool.run({ op: 'topicConfig', topic: 'crash' }))
  t.true(error instanceof HttpError)
  t.like(error, { status: 503, error: 'worker_failed' })

  t.deepEqual(await pool.run({ op: 'metadata' }), { brokers: [], topics: [] }, 'a replacement serves the next op')
})

test('ops of one event-loop turn travel as one batch and settle individually', async (t) => {
  const pool = new PooledKafkaClient({ filename: CRASHING_WORKER, threads: 1, workerData: () => ({}) })
  t.teardown(async () => { await pool.close() })
  const results = await Promise.allSettled([pool.run({ op: 'metadata' }), pool.run({ op: 'topicConfig', topic: 'crash' })])
  t.is(results[0].status, 'rejected', 'the crash takes the whole batch down with it')
  t.like(results[1], { status: 'rejected', reason: { status: 503, error: 'worker_failed' } })
})

test('loaded(): resolves once every thread answers; names the thread and the cause when one cannot load', async (t) => {
  const pool = new PooledKafkaClient({ filename: CRASHING_WORKER, threads: 2, workerData: () => ({}) })
  t.teardown(async () => { await pool.close() })
  await t.notThrowsAsync(pool.loaded())

  const missing = new PooledKafkaClient({ filename: fileURLToPath(new URL('./no-such-worker.js', import.meta.url)), threads: 1, workerData: () => ({}) })
  t.teardown(async () => { await missing.close(100) })
  const error = await t.throwsAsync(missing.loaded())
  t.regex(error?.message ?? '', /^worker thread 0 did not start: .*Cannot find module .*no-such-worker\.js/)
})

test('a batch body travels to the worker as one op, its memory transferred rather than copied', async (t) => {
  const pool = new PooledKafkaClient({ filename: CRASHING_WORKER, threads: 1, workerData: () => ({}) })
  t.teardown(async () => { await pool.close() })
  const body = Buffer.allocUnsafeSlow(100_000)
  await pool.run({ op: 'produceBatch', topic: 't', partition: -1, partitionCount: 1, format: 'binary', body, headers: [], maxRecords: 1000 })
  t.is(body.buffer.byteLength, 0, 'detached on this thread: it moved to the worker')
})

test('an op whose requester is no longer open when the turn ends is never sent to a worker: it rejects 499', async (t) => {
  const pool = new PooledKafkaClient({ filename: CRASHING_WORKER, threads: 1, workerData: () => ({}) })
  t.teardown(async () => { await pool.close() })
  const closing = { open: true }
  const gone = pool.run({ op: 'topicConfig', topic: 'crash' }, closing)
  const wanted = pool.run({ op: 'metadata' }, { open: true })
  // The client closes the connection before the turn ends.
  closing.open = false
  const error = await t.throwsAsync(gone)
  t.like(error, { status: 499, error: 'client_closed_request' })
  t.deepEqual(await wanted, { brokers: [], topics: [] }, 'the batch went without the crashing op')
})

/** A runner that records the ops it was given and answers each with an empty metadata result. */
function recordingRunner (): OpRunner & { started: KafkaOp[] } {
  const started: KafkaOp[] = []
  return {
    started,
    run: async (op) => {
      started.push(op)
      return { brokers: [], topics: [] } as never
    },
    close: async () => {}
  }
}

test('inline: a write for an open requester is handed over at once, within the handler\'s own turn of I/O', async (t) => {
  const runner = recordingRunner()
  const client = new InlineKafkaClient(runner)
  const answered = client.run({ op: 'metadata' }, { open: true })
  t.is(runner.started.length, 1, 'started before run() returned: no wait for the check phase')
  t.deepEqual(await answered, { brokers: [], topics: [] })
})

test('inline: a write for a requester already gone rejects 499 and never reaches Kafka', async (t) => {
  const runner = recordingRunner()
  const client = new InlineKafkaClient(runner)
  const error = await t.throwsAsync(client.run({ op: 'metadata' }, { open: false }))
  t.like(error, { status: 499, error: 'client_closed_request' })
  t.is(runner.started.length, 0)
  await client.run({ op: 'metadata' })
  t.is(runner.started.length, 1, 'an op without a requester (not a write for a request) always runs')
})
