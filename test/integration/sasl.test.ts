// SASL to Kafka (SPEC §9 KASTLEX_KAFKA_SASL_FILE) against the embedded broker's SASL_PLAINTEXT listener,
// which knows KAFKA_SASL_USER for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (scripts/embedded-kafka.mjs).
import test from 'ava'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic, KAFKA_SASL, KAFKA_SASL_USER } from '../helpers/kafka.js'

const MECHANISMS = ['plain', 'scram_sha_256', 'scram_sha_512'] as const
const TIMEOUT_MS = 3000
const dir = mkdtempSync(join(tmpdir(), 'kastlex-sasl-test-'))
test.after.always(() => { rmSync(dir, { recursive: true, force: true }) })

/** With `short` timeouts, so that a refused password is answered quickly (the default is 30 s). */
async function saslGateway (mechanism: string, password: string, short: boolean): Promise<Gateway> {
  const file = join(dir, `${mechanism}-${password}.yml`)
  writeFileSync(file, `username: ${JSON.stringify(KAFKA_SASL_USER.username)}\npassword: ${JSON.stringify(password)}\nmechanism: ${mechanism}\n`, { mode: 0o600 })
  const timeouts = { KASTLEX_PRODUCE_TIMEOUT_MS: String(TIMEOUT_MS), KASTLEX_KAFKA_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) }
  return await startGateway({ KASTLEX_KAFKA_CLUSTER: KAFKA_SASL, KASTLEX_KAFKA_SASL_FILE: file, ...(short ? timeouts : {}) })
}

for (const mechanism of MECHANISMS) {
  test(`${mechanism}: produce and fetch back over SASL_PLAINTEXT; brokers show SASL_PLAINTEXT endpoints`, async (t) => {
    const topic = await createTopic(t)
    const gateway = await saslGateway(mechanism, KAFKA_SASL_USER.password, false)
    t.teardown(gateway.stop)
    const value = `over ${mechanism}`
    const produced = await fetch(`${gateway.url}/api/v2/messages/${topic}/0`, { method: 'POST', body: value })
    t.is(produced.status, 204, await produced.text())
    t.is(produced.headers.get('x-message-offset'), '0')
    const fetched = await fetch(`${gateway.url}/api/v2/messages/${topic}/0/0`)
    t.is(fetched.status, 200)
    const [message] = await fetched.json() as Array<{ value: string, offset: number }>
    t.like(message, { value, offset: 0 })

    const brokers = await fetch(`${gateway.url}/api/v1/brokers`)
    t.is(brokers.status, 200)
    const list = await brokers.json() as Array<{ host: string, port: number, endpoints: string[] }>
    t.true(list.length > 0)
    for (const broker of list) {
      t.deepEqual(broker.endpoints, [`SASL_PLAINTEXT://${broker.host}:${broker.port}`])
      t.is(`${broker.host}:${broker.port}`, KAFKA_SASL)
    }
  })

  test(`${mechanism}: a wrong password makes produce answer 503 within the timeouts, never 204`, async (t) => {
    const topic = await createTopic(t)
    const gateway = await saslGateway(mechanism, 'not-the-password', true)
    t.teardown(gateway.stop)
    const started = Date.now()
    const produced = await fetch(`${gateway.url}/api/v2/messages/${topic}/0`, { method: 'POST', body: 'refused' })
    const elapsed = Date.now() - started
    t.is(produced.status, 503, await produced.text())
    t.true(elapsed < TIMEOUT_MS * 2 + 2000, `answered after ${elapsed} ms`)
  })
}
