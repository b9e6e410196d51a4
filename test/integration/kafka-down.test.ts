// Kafka going away under a warm gateway (metadata cached, clients connected): produce answers 503
// within its deadline, fetch never hangs either, and the process stays up. Uses a broker of its own, which the
// test stops, so the shared broker of the other tests is untouched.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTopic } from '../../src/kafka/topic-admin.js'
import { freePort, startGateway } from '../helpers/gateway.js'
import { eventually } from '../helpers/poll.js'

const KAFKA_SCRIPT = fileURLToPath(new URL('../../../scripts/kafka.mjs', import.meta.url))

/** A port whose next two (controller, SASL listener) are free as well. */
async function freePortTriple (): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (port > 65000) continue
    const next = [await freePort(), await freePort()]
    if (!next.includes(port + 1) && !next.includes(port + 2)) return port
  }
}

test('produce answers 503 within its deadline once the broker is gone; nothing hangs; fetch resumes once it is back', async (t) => {
  t.timeout(240_000)
  // A free port can be taken by another test's process before the broker binds it: up to 3 tries.
  let port = 0
  let env: NodeJS.ProcessEnv = {}
  const kafka = (command: string): number | null => {
    const run = spawnSync(process.execPath, [KAFKA_SCRIPT, command], { env, encoding: 'utf8', timeout: 120_000 })
    if (run.status !== 0) t.log(`kafka ${command} on ${String(env.EMBEDDED_KAFKA_PORT)}: ${run.stderr}`)
    return run.status
  }
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    const candidate = await freePortTriple()
    env = { ...process.env, EMBEDDED_KAFKA_PORT: String(candidate), EMBEDDED_KAFKA_DIR: mkdtempSync(join(tmpdir(), 'kastlex-kafka-down-')), EMBEDDED_KAFKA_HEAP: '256m' }
    if (kafka('up') === 0) {
      port = candidate
    } else {
      kafka('down')
      rmSync(env.EMBEDDED_KAFKA_DIR as string, { recursive: true, force: true })
    }
  }
  t.not(port, 0, 'a broker of its own started')
  t.teardown(() => { kafka('down'); rmSync(env.EMBEDDED_KAFKA_DIR as string, { recursive: true, force: true }) })
  const address = `127.0.0.1:${port}`
  await createTopic(address, 'doomed', 1)
  const gateway = await startGateway({ KASTLEX_KAFKA_CLUSTER: address, KASTLEX_PRODUCE_TIMEOUT_MS: '3000', KASTLEX_KAFKA_REQUEST_TIMEOUT_MS: '3000' })
  t.teardown(gateway.stop)
  t.is((await fetch(`${gateway.url}/api/v2/messages/doomed/0`, { method: 'POST', body: 'before' })).status, 204)
  // The first fetch loads the fetch client (about a second of CPU, counted against its 3 s deadline): on a
  // loaded machine it may answer 503 timeout; the reads before the broker goes away only need to work.
  t.is(await eventually(async () => (await fetch(`${gateway.url}/api/v2/messages/doomed/0/0`)).status, (status) => status === 200), 200)

  t.is(kafka('down'), 0)
  const started = Date.now()
  const [produced, fetched, batch] = await Promise.all([
    fetch(`${gateway.url}/api/v2/messages/doomed/0`, { method: 'POST', body: 'after' }),
    fetch(`${gateway.url}/api/v2/messages/doomed/0/1?max_wait_time=0`),
    fetch(`${gateway.url}/api/v2/batch/doomed/0`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '{"value":"a"}\n{"value":"b"}' })
  ])
  const elapsed = Date.now() - started
  const failure = /^(timeout|broker_not_available|request_timed_out|not_leader_for_partition|leader_not_available)$/
  t.is(produced.status, 503, await produced.clone().text())
  t.regex((await produced.json() as { error: string }).error, failure)
  // A batch answers 200 within the same deadline, each record with the error the single route gives.
  t.is(batch.status, 200, await batch.clone().text())
  const { results } = await batch.json() as { results: Array<{ error: string, status: number }> }
  t.is(results.length, 2)
  for (const result of results) {
    t.regex(result.error, failure)
    t.is(result.status, 503)
  }
  // A partition this worker already reads answers from what it has (here: nothing new) without asking Kafka.
  t.true(fetched.status === 503 || (fetched.status === 200 && await fetched.clone().text() === '[]'), `${fetched.status} ${await fetched.clone().text()}`)
  t.true(elapsed < 3000 + 1000 + 2000, `answered after ${elapsed} ms`)
  t.is((await fetch(`${gateway.url}/health`)).status, 200, 'the gateway is still up')

  // The broker back on the same port and data: reads resume, exactly where they were. The records answered
  // 503 are not there: librdkafka still held them (it does not time a record out while the leader is down)
  // and wrote them once the broker was back, until the gateway closed that client at the deadline.
  t.is(kafka('up'), 0)
  const resumed = await eventually(async () => {
    if (gateway.process.exitCode !== null) throw new Error(`gateway exited:\n${gateway.output().slice(-3000)}`)
    // A keep-alive connection idle through the blocking restart may have been closed by the server: not an answer, try again.
    const res = await fetch(`${gateway.url}/api/v2/messages/doomed/0/0?max_wait_time=0`).catch(() => undefined)
    if (res === undefined) return { status: 0, values: [] }
    return { status: res.status, values: res.status === 200 ? (await res.json() as Array<{ value: string }>).map((m) => m.value) : [] }
  }, (r) => r.status === 200 && r.values.length > 0, 60_000, 250)
  t.deepEqual(resumed, { status: 200, values: ['before'] }, gateway.output().slice(-3000))
})
