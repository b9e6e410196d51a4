// The produce stream over time (SPEC §10.4a): flow control (a client sending far more than
// KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT without reading: bounded, nothing lost), the permission checked again
// (expiry, revocation, reload → 1008), SIGTERM (everything received answered, then 1001), hostile input.
import { hash } from '@node-rs/bcrypt'
import test from 'ava'
import { createSigner } from 'fast-jwt'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeFramedRecords } from '../../src/batch/binary-framing.js'
import { deleteTopic } from '../../src/kafka/topic-admin.js'
import { startGateway, testAuthFiles, type Gateway } from '../helpers/gateway.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'
import { closeLine, maskedFrame, StreamClient, type Answer } from '../helpers/produce-stream.js'

const MAX_IN_FLIGHT = 1000
const dir = mkdtempSync(join(tmpdir(), 'kastlex-stream-life-'))
const tokenTopic = `tokens-ws-${randomBytes(4).toString('hex')}`
const gateways = new Map<string, Gateway>()
let jwkPem: string

const AUTH_PERMISSIONS = 'anonymous:\n  fetch: all\n  show_offsets: all\nalice:\n  produce: all\nbob:\n  produce: all\nadmin:\n  reload: true\n  revoke: true\n'

test.before(async () => {
  const { jwkFile } = await testAuthFiles()
  jwkPem = readFileSync(jwkFile, 'utf8')
  const passwd = join(dir, 'passwd.yml')
  const password = await hash('secret', 4)
  writeFileSync(passwd, ['alice', 'bob', 'admin'].map((user) => `${user}:\n  password_hash: "${password}"\n`).join(''))
  writeFileSync(join(dir, 'auth.yml'), AUTH_PERMISSIONS)
  writeFileSync(join(dir, 'open.yml'), 'anonymous:\n  produce: all\n  fetch: all\n  show_offsets: all\nalice:\n  produce: all\n')
  const flow = { KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT), KASTLEX_PERMISSIONS_FILE_PATH: join(dir, 'open.yml'), KASTLEX_PASSWD_FILE_PATH: passwd }
  const [auth, flow0, flow1] = await Promise.all([
    startGateway({ KASTLEX_WORKERS: '1', KASTLEX_ENABLE_TOKEN_STORAGE: 'true', KASTLEX_TOKEN_STORAGE_TOPIC: tokenTopic, KASTLEX_PERMISSIONS_FILE_PATH: join(dir, 'auth.yml'), KASTLEX_PASSWD_FILE_PATH: passwd }),
    startGateway({ KASTLEX_WORKERS: '0', ...flow }),
    startGateway({ KASTLEX_WORKERS: '1', ...flow })
  ])
  gateways.set('auth', auth as Gateway).set('0 workers', flow0 as Gateway).set('1 worker', flow1 as Gateway)
})
test.after.always(async () => {
  await Promise.all([...gateways.values()].map(async (gateway) => await gateway.stop()))
  await deleteTopic(KAFKA, tokenTopic).catch(() => {})
})

const MODES = ['0 workers', '1 worker'] as const
const url = (gateway: string, path: string): string => (gateways.get(gateway) as Gateway).url + path

/** One login per user: each login replaces the user's stored token (SPEC §6.7). */
const tokens = new Map<string, Promise<string>>()
async function tokenOf (user: string): Promise<string> {
  let token = tokens.get(user)
  if (token === undefined) tokens.set(user, token = login(user))
  return await token
}

async function login (user: string): Promise<string> {
  const res = await fetch(url('auth', '/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: 'secret' }) })
  if (res.status !== 200) throw new Error(`login ${user}: ${res.status}`)
  return (await res.json() as { token: string }).token
}

async function latestOffset (topic: string, partition = 0): Promise<number> {
  const res = await fetch(url('0 workers', `/api/v1/offsets/${topic}/${partition}`))
  return (await res.json() as { offset: number }).offset
}

const records = (count: number, size: number, tag: string): Buffer =>
  encodeFramedRecords(Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`${tag}-${i}-`.padEnd(size, 'x')) })))

for (const mode of MODES) {
  test(`${mode}: a client sending far more than MAX_IN_FLIGHT without reading: the gateway stops reading at the bound, nothing is lost`, async (t) => {
    const topic = await createTopic(t)
    const client = await StreamClient.open(url(mode, `/api/v2/produce/${topic}`))
    t.teardown(() => client.close())
    const FRAMES = 200
    const PER_FRAME = 50
    // The client reads no answers while it sends 10,000 records (10 MB).
    client.ws.pause()
    for (let f = 0; f < FRAMES; f++) client.send(records(PER_FRAME, 1000, `f${f}`))
    await new Promise<void>((resolve) => client.ws.send(Buffer.alloc(0), { binary: true }, () => resolve()))
    client.ws.resume()
    const answers = await client.answered(FRAMES + 1, 60_000)
    t.deepEqual(answers.map((a) => a.seq), Array.from({ length: FRAMES + 1 }, (_, i) => i))
    t.deepEqual(answers[FRAMES], { seq: FRAMES, error: 'invalid body: empty', status: 400 })
    const offsets = answers.slice(0, FRAMES).flatMap((a) => (a.results ?? []).map((r) => r.offset))
    t.deepEqual(offsets, Array.from({ length: FRAMES * PER_FRAME }, (_, i) => i), 'every record acknowledged, in order')
    t.is(await latestOffset(topic), FRAMES * PER_FRAME)
    const last = await (await fetch(url(mode, `/api/v2/messages/${topic}/0/${FRAMES * PER_FRAME - 1}`))).json() as Array<{ value: string }>
    t.true(last[0]?.value.startsWith(`f${FRAMES - 1}-${PER_FRAME - 1}-`))
    client.close()
    const closed = await closeLine(gateways.get(mode) as Gateway, topic)
    // Reading stops at the bound; what one socket read (≤ 512 KiB, ~500 of these records) held is still taken.
    const peak = closed.peak_unanswered as number
    t.true(peak >= MAX_IN_FLIGHT, `reached the bound (${peak})`)
    t.true(peak <= MAX_IN_FLIGHT + 600, `bounded: ${peak}`)
    t.is(closed.records, FRAMES * PER_FRAME)
  })
}

/** Sends a frame every 100 ms until the stream closes; resolves with the close. */
async function keepSending (client: StreamClient): Promise<{ code: number, reason: string }> {
  const timer = setInterval(() => { if (client.closed === undefined) client.send(records(1, 10, 'tick')) }, 100)
  try {
    return await client.closeCode(20_000)
  } finally {
    clearInterval(timer)
  }
}

/**
 * Every answer before the first refusal produced its record; refusals (frames of the read in which the loss
 * was noticed; later ones are not read) only after, all with `status`.
 */
function answeredThenRefused (t: { true: (v: boolean, m?: string) => void, is: (a: unknown, b: unknown, m?: string) => void }, answers: readonly Answer[], status: number): void {
  const refused = answers.findIndex((a) => a.error !== undefined)
  const first = refused < 0 ? answers.length : refused
  t.true(first > 0, `answered before the loss (${first})`)
  t.true(answers.slice(0, first).every((a) => a.results?.[0]?.offset !== undefined), 'produced before the loss')
  t.true(answers.slice(first).every((a) => a.status === status), `refused ${status} after it`)
  t.is(answers.map((a) => a.seq).join(), answers.map((_, i) => i).join(), 'in order')
}

test('an expired token closes the stream 1008 within the re-check interval', async (t) => {
  const topic = await createTopic(t)
  const now = Math.floor(Date.now() / 1000)
  // Signed with the gateway's key (no token storage there): valid for 3 more seconds.
  const token = createSigner({ algorithm: 'ES512', key: jwkPem })({ iss: 'Kastlex', sub: 'user:alice', aud: 'user:alice', iat: now, exp: now + 3 })
  const client = await StreamClient.open(url('0 workers', `/api/v2/produce/${topic}?access_token=${token}`))
  const opened = Date.now()
  const closed = await keepSending(client)
  t.deepEqual(closed, { code: 1008, reason: 'Unauthenticated' })
  t.true(Date.now() - opened < 3000 + 5000 + 2000, `within expiry + 5 s (${Date.now() - opened} ms)`)
  answeredThenRefused(t, client.answers, 401)
  const output = (gateways.get('0 workers') as Gateway).output()
  t.regex(output, new RegExp(`"path":"/api/v2/produce/${topic}","status":101`), 'the handshake\'s access line')
  t.false(output.includes(token), 'the access_token is never logged')
})

test('a revoked token closes the stream 1008', async (t) => {
  const topic = await createTopic(t)
  const [alice, admin] = await Promise.all([tokenOf('alice'), tokenOf('admin')])
  const client = await StreamClient.open(url('auth', `/api/v2/produce/${topic}`), { authorization: `Bearer ${alice}` })
  await client.until((c) => { if (c.answers.length === 0) c.send(records(1, 10, 'first')); return c.answers.length > 0 }, 10_000)
  const revoked = await fetch(url('auth', '/admin/tokens/alice'), { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } })
  t.is(revoked.status, 204)
  const closed = await keepSending(client)
  t.deepEqual(closed, { code: 1008, reason: 'Unauthenticated' })
  answeredThenRefused(t, client.answers, 401)
})

test('a reload that takes produce away closes the stream 1008', async (t) => {
  const topic = await createTopic(t)
  const [bob, admin] = await Promise.all([tokenOf('bob'), tokenOf('admin')])
  const client = await StreamClient.open(url('auth', `/api/v2/produce/${topic}`), { authorization: `Bearer ${bob}` })
  t.teardown(() => writeFileSync(join(dir, 'auth.yml'), AUTH_PERMISSIONS))
  const sending = keepSending(client)
  await client.until((c) => c.answers.length > 0, 10_000)
  writeFileSync(join(dir, 'auth.yml'), AUTH_PERMISSIONS.replace('bob:\n  produce: all\n', 'bob:\n  fetch: all\n'))
  t.is((await fetch(url('auth', '/admin/reload'), { headers: { authorization: `Bearer ${admin}` } })).status, 204)
  t.deepEqual(await sending, { code: 1008, reason: 'Unauthorized' })
  answeredThenRefused(t, client.answers, 403)
})

for (const workers of ['0', '1']) {
  test(`${workers} workers: SIGTERM answers every frame received, then closes 1001, and the gateway exits 0`, async (t) => {
    const topic = await createTopic(t)
    const gateway = await startGateway({ KASTLEX_WORKERS: workers })
    t.teardown(async () => { await gateway.stop() })
    const client = await StreamClient.open(`${gateway.url}/api/v2/produce/${topic}`)
    const flood = setInterval(() => { if (client.closed === undefined) for (let i = 0; i < 20; i++) client.send(records(20, 200, 'sigterm')) }, 5)
    t.teardown(() => clearInterval(flood))
    await client.until((c) => c.answers.length >= 5, 20_000)
    const stopped = gateway.stop()
    const closed = await client.closeCode(20_000)
    clearInterval(flood)
    t.is(closed.code, 1001)
    t.is(await stopped, 0)
    const answers = client.answers
    t.deepEqual(answers.map((a) => a.seq), answers.map((_, i) => i), 'answers in order, none missing before the close')
    t.true(answers.every((a) => a.results?.length === 20), 'all produced')
    // Nothing was produced that was not answered: the log holds exactly the answered records.
    t.is(await latestOffset(topic), answers.length * 20)
  })
}

for (const mode of MODES) {
  test(`${mode}: hostile clients: garbage and fragmented frames, a frame announcing more than it carries, ping floods, early bytes — nothing crashes`, async (t) => {
    const topic = await createTopic(t)
    const client = await StreamClient.open(url(mode, `/api/v2/produce/${topic}`))
    t.teardown(() => client.close())
    for (let i = 0; i < 50; i++) client.send(randomBytes(1 + (i * 37) % 300))
    // One message in three fragments (valid framing once joined), then ping floods.
    const whole = records(3, 50, 'fragmented')
    client.ws.send(whole.subarray(0, 5), { binary: true, fin: false })
    client.ws.send(whole.subarray(5, 40), { binary: true, fin: false })
    client.ws.send(whole.subarray(40), { binary: true, fin: true })
    for (let i = 0; i < 5000; i++) client.ws.ping(randomBytes(100))
    client.send(records(1, 10, 'after'))
    const answers = await client.answered(52)
    t.true(answers.slice(0, 50).every((a) => a.status === 400 || a.results !== undefined), 'garbage answered (400, or records if it happened to be framing)')
    t.is(answers[50]?.results?.length, 3, 'fragments joined into one frame')
    t.is(answers[51]?.results?.length, 1)
    t.is(client.closed, undefined)

    // A frame header announcing 1 MB of which only 10 bytes come, then the client goes silent and leaves.
    const raw = await rawUpgrade(url(mode, `/api/v2/produce/${topic}`))
    raw.write(Buffer.concat([Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4]), randomBytes(10)]))
    // Bytes sent with the handshake itself, before its answer (a client must wait for it: RFC 6455 §4.1).
    const early = await rawUpgrade(url(mode, `/api/v2/produce/${topic}`), Buffer.from([0x82, 0x88, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]))
    early.destroy()
    raw.destroy()
    t.is((await fetch(url(mode, '/health'))).status, 200)
    const after = await StreamClient.open(url(mode, `/api/v2/produce/${topic}`))
    after.send(records(1, 10, 'still'))
    t.is((await after.answered(1))[0]?.results?.length, 1)
    after.close()
  })
}

/** A raw TCP connection that sent a WebSocket handshake (plus `extra` in the same write) and read its 101. */
async function rawUpgrade (target: string, extra = Buffer.alloc(0)): Promise<ReturnType<typeof connect>> {
  const { hostname, port, pathname } = new URL(target)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => {})
  const head = `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
  socket.write(Buffer.concat([Buffer.from(head), extra]))
  await new Promise<void>((resolve, reject) => {
    let seen = ''
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1')
      if (seen.includes('\r\n\r\n')) resolve()
    })
    socket.once('close', () => resolve())
    setTimeout(() => reject(new Error(`no answer to the handshake: ${seen}`)), 10_000)
  })
  return socket
}

test('an upgrade pipelined behind another request waits for its answer (uWS pipelining edit), and frames sent right after the 101 are read', async (t) => {
  const topic = await createTopic(t)
  const { hostname, port } = new URL(url('0 workers', '/'))
  const socket = connect(Number(port), hostname)
  t.teardown(() => socket.destroy())
  let seen = ''
  const arrived = async (pattern: RegExp): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${JSON.stringify(seen)}`)), 10_000)
      const check = (): void => { if (pattern.test(seen)) { clearTimeout(timer); socket.off('data', check); resolve() } }
      socket.on('data', check)
      check()
    })
  }
  socket.on('data', (chunk: Buffer) => { seen += chunk.toString('latin1') })
  socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n` +
    `GET /api/v2/produce/${topic} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  await arrived(/101 Switching Protocols\r\n[^]*\r\n\r\n/)
  t.regex(seen, /^HTTP\/1\.1 200 OK[^]*\{"status":"ok"\}HTTP\/1\.1 101 /, 'the 200, then the 101')
  socket.write(Buffer.concat([1, 2].map((n) => maskedFrame(records(n, 10, 'raw')))))
  await arrived(/"seq":1,/)
  t.regex(seen, /\{"seq":0,"results":\[\{"partition":0,"offset":0\}\]\}[^]*\{"seq":1,"results":\[\{"partition":0,"offset":1\},\{"partition":0,"offset":2\}\]\}/)
})
