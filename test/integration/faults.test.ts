// Faults: Kafka unreachable, bad configuration, graceful stop, and the inline (no pool) mode.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { freePort, startGateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url))

test('Kafka unreachable → 503 within the produce timeout, never a hang', async (t) => {
  const deadPort = await freePort()
  const gateway = await startGateway({
    KASTLEX_KAFKA_CLUSTER: `127.0.0.1:${deadPort}`,
    KASTLEX_PRODUCE_TIMEOUT_MS: '1500',
    KASTLEX_KAFKA_REQUEST_TIMEOUT_MS: '1500'
  })
  t.teardown(gateway.stop)
  const started = Date.now()
  const [produced, fetched, topics, ready] = await Promise.all([
    fetch(`${gateway.url}/api/v2/messages/kastlex`, { method: 'POST', body: 'x' }),
    fetch(`${gateway.url}/api/v2/messages/kastlex/0/0`),
    fetch(`${gateway.url}/api/v1/topics`),
    fetch(`${gateway.url}/ready`)
  ])
  const elapsed = Date.now() - started
  t.is(ready.status, 503)
  t.deepEqual(await ready.json(), { error: 'not ready', checks: { kafka: 'failing', token_store: 'disabled' } })
  for (const res of [produced, fetched, topics]) {
    t.is(res.status, 503, res.url)
    t.regex((await res.json() as { error: string }).error, /^(timeout|broker_not_available)$/)
  }
  t.true(elapsed < 1500 * 2 + 2000, `answered after ${elapsed} ms`)
})

test('a bad variable stops the start with a message naming it', (t) => {
  const result = spawnSync(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, KASTLEX_HTTP_PORT: '80a', KASTLEX_WORKERS: '-1', KASTLEX_LOG_LEVEL: 'loud' },
    encoding: 'utf8',
    timeout: 20_000
  })
  t.is(result.status, 1)
  for (const name of ['KASTLEX_HTTP_PORT', 'KASTLEX_WORKERS', 'KASTLEX_LOG_LEVEL']) t.true(result.stderr.includes(name), name)
})

test('inline mode (KASTLEX_WORKERS=0) produces and fetches; SIGTERM stops it cleanly', async (t) => {
  const topic = await createTopic(t)
  const gateway = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(gateway.stop)
  const produced = await fetch(`${gateway.url}/api/v1/messages/${topic}`, { method: 'POST', body: 'inline' })
  t.is(produced.status, 204)
  const [message] = await (await fetch(`${gateway.url}/api/v2/messages/${topic}/0/0`)).json() as Array<{ value: string }>
  t.is(message?.value, 'inline')
  t.is(await gateway.stop(), 0)
  t.regex(gateway.output(), /"msg":"stopped"/)
})

test('SIGTERM lets an in-flight long poll finish before exiting', async (t) => {
  const topic = await createTopic(t)
  const gateway = await startGateway({ KASTLEX_WORKERS: '1', KASTLEX_LOG_LEVEL: 'trace' })
  t.teardown(gateway.stop)
  const polling = fetch(`${gateway.url}/api/v2/messages/${topic}/0/latest?max_wait_time=1500`)
  await gateway.waitForOutput(/"msg":"request received".*\/latest/)
  const stopped = gateway.stop()
  const res = await polling
  t.is(res.status, 200)
  t.deepEqual(await res.json(), [])
  t.is(await stopped, 0)
})

test('with KASTLEX_PRODUCER_REQUIRED_ACKS=0 produce answers offset −1 (no acknowledgement to report)', async (t) => {
  const topic = await createTopic(t)
  const gateway = await startGateway({ KASTLEX_PRODUCER_REQUIRED_ACKS: '0' })
  t.teardown(gateway.stop)
  const res = await fetch(`${gateway.url}/api/v2/messages/${topic}/0`, { method: 'POST', body: 'fire and forget' })
  t.is(res.status, 204)
  t.is(res.headers.get('x-message-offset'), '-1')
  t.is(res.headers.get('x-kafka-partition'), '0')
})
