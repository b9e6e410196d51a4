// Token storage (SPEC §6.7): two gateways share a compacted token topic; login writes the record
// (in the original's Erlang layout), revocation reaches the other instance, a restarted instance accepts
// a stored token after its replay, and readers take the JSON form too.
import { hash } from '@node-rs/bcrypt'
import test from 'ava'
import { createSigner } from 'fast-jwt'
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eventually } from '../helpers/poll.js'
import { freePort, startGateway, testAuthFiles, type Gateway } from '../helpers/gateway.js'

const dir = mkdtempSync(join(tmpdir(), 'kastlex-token-test-'))
const topic = `tokens-${randomBytes(4).toString('hex')}`
const gateways: Gateway[] = []

async function gateway (): Promise<Gateway> {
  const started = await startGateway({
    KASTLEX_ENABLE_TOKEN_STORAGE: 'true',
    KASTLEX_TOKEN_STORAGE_TOPIC: topic,
    KASTLEX_PERMISSIONS_FILE_PATH: join(dir, 'permissions.yml'),
    KASTLEX_PASSWD_FILE_PATH: join(dir, 'passwd.yml')
  })
  gateways.push(started)
  return started
}

/**
 * A gateway that does not know `topic` as its token topic (storage off, another name configured): the
 * token gateways refuse their topic on the message routes (SPEC §10.6a), this one reads and writes it.
 */
async function outsider (): Promise<Gateway> {
  const started = await startGateway({
    KASTLEX_TOKEN_STORAGE_TOPIC: `${topic}-not-this`,
    KASTLEX_PERMISSIONS_FILE_PATH: join(dir, 'permissions.yml'),
    KASTLEX_PASSWD_FILE_PATH: join(dir, 'passwd.yml')
  })
  gateways.push(started)
  return started
}

test.before(async () => {
  writeFileSync(join(dir, 'permissions.yml'), `anonymous:\n  list_topics: true\n  produce: all\n  fetch: all\nalice:\n  list_brokers: true\nroot:\n  revoke: true\n`)
  writeFileSync(join(dir, 'passwd.yml'), `alice:\n  password_hash: "${await hash('pw', 4)}"\nroot:\n  password_hash: "${await hash('pw', 4)}"\n`)
})
test.after.always(async () => { await Promise.all(gateways.map(async (g) => await g.stop())) })

async function login (g: Gateway, username: string): Promise<string> {
  const res = await fetch(`${g.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'pw' }) })
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`)
  return (await res.json() as { token: string }).token
}

const brokers = async (g: Gateway, token: string): Promise<number> =>
  (await fetch(`${g.url}/api/v1/brokers`, { headers: { authorization: `Bearer ${token}` } })).status

/** Polls until `probe` gives `expected` (another instance's tail catches up asynchronously). */
const becomes = async (probe: () => Promise<number>, expected: number): Promise<number> => await eventually(probe, (status) => status === expected)

async function ready (g: Gateway): Promise<number> {
  return await becomes(async () => (await fetch(`${g.url}/ready`)).status, 200)
}

test.serial('a token is valid at once where it was issued, on the other instance after its tail; revocation reaches both', async (t) => {
  const a = await gateway()
  const b = await gateway()
  t.is(await ready(a), 200)
  t.deepEqual(await (await fetch(`${a.url}/ready`)).json(), { status: 'ready', checks: { kafka: 'ok', token_store: 'ok' } })
  const token = await login(a, 'alice')
  t.is(await brokers(a, token), 200, 'valid on the issuing instance the moment login answered')
  t.is(await becomes(async () => await brokers(b, token), 200), 200)

  const newer = await login(a, 'alice')
  t.is(await brokers(a, token), 401, 'one valid token per user: the previous one is replaced')
  t.is(await brokers(a, newer), 200)

  const root = await login(a, 'root')
  t.is((await fetch(`${a.url}/admin/tokens/alice`, { method: 'DELETE', headers: { authorization: `Bearer ${root}` } })).status, 204)
  t.is(await brokers(a, newer), 401, 'revoked here at once')
  t.is(await becomes(async () => await brokers(b, newer), 401), 401, 'and on the instance sharing the topic')
})

test.serial('read-your-login across instances: a token from A works on B at once; revocation still spreads at once; forged tokens never wait', async (t) => {
  const a = await gateway()
  const b = await gateway()
  t.is(await ready(a), 200)
  t.is(await ready(b), 200)
  const statuses: number[] = []
  const durations: number[] = []
  for (let i = 0; i < 20; i++) {
    const token = await login(a, 'alice')
    const started = Date.now()
    statuses.push(await brokers(b, token))
    durations.push(Date.now() - started)
  }
  t.deepEqual(statuses, Array(20).fill(200), 'each token, used on B the moment A answered the login')
  t.log(`B answered a token from A after ${durations.sort((x, y) => x - y).join(', ')} ms`)

  const root = await login(a, 'root')
  const token = await login(a, 'alice')
  t.is(await brokers(b, token), 200)
  t.is((await fetch(`${a.url}/admin/tokens/alice`, { method: 'DELETE', headers: { authorization: `Bearer ${root}` } })).status, 204)
  const revoked = Date.now()
  t.is(await eventually(async () => await brokers(b, token), (status) => status === 401, 1000, 25), 401)
  const spread = Date.now() - revoked
  t.true(spread < 1000, `B refused the revoked token ${spread} ms after the revocation`)
  t.log(`B refused the revoked token ${spread} ms after A answered the revocation`)
  t.is(await brokers(b, token), 401, 'the wait for fresh tokens does not bring a revoked one back')

  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const forged = createSigner({ algorithm: 'ES512', key: stranger, iss: 'Kastlex', sub: 'user:alice', expiresIn: 600_000 })({})
  const started = Date.now()
  t.is(await brokers(b, forged), 401)
  t.true(Date.now() - started < 500, `a forged fresh token answered after ${Date.now() - started} ms (no wait for the tail)`)
})

test.serial('records use the original layout; a restarted instance accepts a stored token after its replay; JSON records are read', async (t) => {
  const a = gateways[0] ?? await gateway()
  const token = await login(a, 'alice')
  const tokenHash = createHash('sha256').update(token).digest()
  const reader = await outsider()
  t.is((await fetch(`${a.url}/api/v2/messages/${topic}/0/last`)).status, 403, 'not through a token gateway')
  const latest = await fetch(`${reader.url}/api/v2/messages/${topic}/0/last`, { headers: { accept: 'application/binary' } })
  const value = Buffer.from(await latest.arrayBuffer())
  t.is(latest.headers.get('x-message-key'), 'user%3Aalice')
  t.is(value.length, 67)
  t.deepEqual(value.subarray(0, 6), Buffer.from('837400000002', 'hex'))
  t.deepEqual(value.subarray(-32), tokenHash)

  const restarted = await gateway()
  t.is(await ready(restarted), 200)
  t.is(await brokers(restarted, token), 200, 'the stored token is valid after the replay')

  // Another writer's JSON form of the same entry keeps the token valid; a different hash revokes it.
  const writeJson = async (hex: string): Promise<void> => {
    const res = await fetch(`${reader.url}/api/v2/messages/${topic}/0?key=user%3Aalice`, { method: 'POST', body: JSON.stringify({ exp: 1, token_hash: hex }) })
    t.is(res.status, 204)
  }
  await writeJson(tokenHash.toString('hex'))
  await writeJson('00'.repeat(32))
  t.is(await becomes(async () => await brokers(restarted, token), 401), 401, 'the JSON record replaced the entry')
})

test('until the first replay, token checks wait (bounded), then 503 token store not ready; anonymous requests do not wait', async (t) => {
  const { jwkFile } = await testAuthFiles()
  const sign = createSigner({ algorithm: 'ES512', key: readFileSync(jwkFile, 'utf8'), iss: 'Kastlex', sub: 'user:alice', expiresIn: 600_000 })
  const unreachable = await startGateway({
    KASTLEX_KAFKA_CLUSTER: `127.0.0.1:${await freePort()}`,
    KASTLEX_ENABLE_TOKEN_STORAGE: 'true',
    KASTLEX_TOKEN_STORE_WAIT_MS: '700',
    KASTLEX_KAFKA_REQUEST_TIMEOUT_MS: '1000',
    KASTLEX_PERMISSIONS_FILE_PATH: join(dir, 'permissions.yml'),
    KASTLEX_PASSWD_FILE_PATH: join(dir, 'passwd.yml')
  })
  gateways.push(unreachable)
  const started = Date.now()
  const res = await fetch(`${unreachable.url}/api/v1/brokers`, { headers: { authorization: `Bearer ${sign({})}` } })
  t.true(Date.now() - started >= 650, `answered after ${Date.now() - started} ms`)
  t.is(res.status, 503)
  t.deepEqual(await res.json(), { error: 'token store not ready' })
  const anonymous = await fetch(`${unreachable.url}/api/v1/brokers`)
  t.is(anonymous.status, 403, 'anonymous requests never consult the store')
  const ready = await fetch(`${unreachable.url}/ready`)
  t.is(ready.status, 503)
  t.like(await ready.json(), { error: 'not ready', checks: { token_store: 'pending' } })
})
