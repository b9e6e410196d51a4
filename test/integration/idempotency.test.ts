// Idempotency-Key on produce and batch produce against the real broker (SPEC §10.6), inline (0 workers)
// and with a pool of 1: replays, 422, bad keys, per-user keys, what is not kept, TTL and eviction, a
// client that lost its answer, and many concurrent clients racing on a few keys. The log is read back
// with fetch every time: exactly one record per key.
import test from 'ava'
import { connect } from 'node:net'
import { DEV_ADMIN } from '../../src/auth/dev-auth.js'
import { Prng } from '../fuzz/prng.js'
import { startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'
import { exchange } from '../helpers/raw-http.js'

const MODES = ['0 workers', '1 worker'] as const
const gateways = new Map<string, Gateway>()
const gateway = (name: string): Gateway => gateways.get(name) as Gateway
const TTL_S = 2
/** A produce waits this long in librdkafka before it is sent: the client can leave after the hand-off. */
const SLOW_LINGER_MS = 1000

test.before(async () => {
  const started = await Promise.all([
    startGateway({ KASTLEX_WORKERS: '0' }),
    startGateway({ KASTLEX_WORKERS: '1' }),
    startGateway({ KASTLEX_WORKERS: '0', KASTLEX_IDEMPOTENCY_TTL_S: String(TTL_S) }),
    startGateway({ KASTLEX_WORKERS: '0', KASTLEX_IDEMPOTENCY_MAX_KEYS: '2' }),
    startGateway({ KASTLEX_WORKERS: '0', KASTLEX_PRODUCER_MAX_LINGER_MS: String(SLOW_LINGER_MS), KASTLEX_LOG_LEVEL: 'trace' }),
    startGateway({ KASTLEX_WORKERS: '1', KASTLEX_PRODUCER_MAX_LINGER_MS: String(SLOW_LINGER_MS), KASTLEX_LOG_LEVEL: 'trace' })
  ])
  const names = ['0 workers', '1 worker', 'short TTL', 'two keys', 'slow 0 workers', 'slow 1 worker']
  for (const [index, name] of names.entries()) gateways.set(name, started[index] as Gateway)
})
test.after.always(async () => { await Promise.all([...gateways.values()].map(async (g) => await g.stop())) })

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: string
}

async function post (on: string, path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(gateway(on).url + path, { method: 'POST', body, headers })
  return { status: res.status, headers: res.headers, body: await res.text() }
}

interface LoggedRecord { offset: number, key: string | null, value: string | null, headers: Record<string, string> }

/** Every record of a partition, read from offset 0 to the high watermark. */
async function log (on: string, topic: string, partition = 0): Promise<LoggedRecord[]> {
  const records: LoggedRecord[] = []
  for (;;) {
    const res = await fetch(`${gateway(on).url}/api/v2/messages/${topic}/${partition}/${records.length}?max_wait_time=0&max_bytes=10000000`)
    if (res.status !== 200) throw new Error(`fetch: ${res.status} ${await res.text()}`)
    records.push(...await res.json() as LoggedRecord[])
    if (records.length >= Number(res.headers.get('x-high-wm-offset'))) return records
  }
}

async function tokenOf (on: string, username: string, password: string): Promise<string> {
  const res = await fetch(gateway(on).url + '/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`)
  return (await res.json() as { token: string }).token
}

const replayed = (answer: Answer): string | null => answer.headers.get('idempotent-replayed')
const offsetOf = (answer: Answer): number => Number(answer.headers.get('x-message-offset'))
/** What a replay must repeat of the first answer. */
const kept = (answer: Answer): unknown => ({
  status: answer.status,
  body: answer.body,
  ...Object.fromEntries(['content-type', 'cache-control', 'x-kafka-partition', 'x-message-offset'].map((name) => [name, answer.headers.get(name)]))
})

for (const mode of MODES) {
  test(`${mode}: a repeated produce gets the first answer with idempotent-replayed; one record is written`, async (t) => {
    const topic = await createTopic(t, 3)
    const headers = { 'idempotency-key': 'order-1', 'x-message-headers': '{"h":"v"}' }
    const first = await post(mode, `/api/v2/messages/${topic}?key=foobar`, 'once', headers)
    t.is(first.status, 204)
    t.is(replayed(first), null)
    for (let i = 0; i < 2; i++) {
      const again = await post(mode, `/api/v2/messages/${topic}?key=foobar`, 'once', headers)
      t.deepEqual(kept(again), kept(first))
      t.is(replayed(again), 'true')
      t.not(again.headers.get('x-request-id'), first.headers.get('x-request-id'), 'a request id of its own')
    }
    const partition = Number(first.headers.get('x-kafka-partition'))
    const records = await log(mode, topic, partition)
    t.is(records.length, 1)
    t.like(records[0], { offset: offsetOf(first), key: 'foobar', value: 'once', headers: { h: 'v' } })
    // Same key on v1: another path, another request.
    t.is((await post(mode, `/api/v1/messages/${topic}?key=foobar`, 'once', headers)).status, 422)
  })

  test(`${mode}: a repeated batch gets the first answer with idempotent-replayed; its records are written once`, async (t) => {
    const topic = await createTopic(t, 2)
    const body = '{"value":"a","partition":0}\n{"value":"b","partition":1}\n{"value":"c","partition":1}'
    const headers = { 'content-type': 'application/x-ndjson', 'idempotency-key': 'batch-1' }
    const first = await post(mode, `/api/v2/batch/${topic}`, body, headers)
    t.is(first.status, 200, first.body)
    t.is(replayed(first), null)
    const again = await post(mode, `/api/v2/batch/${topic}`, body, headers)
    t.deepEqual(kept(again), kept(first))
    t.is(replayed(again), 'true')
    t.deepEqual((await log(mode, topic, 0)).map((r) => r.value), ['a'])
    t.deepEqual((await log(mode, topic, 1)).map((r) => r.value), ['b', 'c'])
    t.deepEqual(JSON.parse(first.body), { results: [{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }, { partition: 1, offset: 1 }] })
    const other = await post(mode, `/api/v2/batch/${topic}`, '{"value":"other"}', headers)
    t.deepEqual([other.status, other.body], [422, '{"error":"idempotency key reused with a different request"}'])
  })

  test(`${mode}: the same key with another body, key, x-message-headers or path is 422 and writes nothing`, async (t) => {
    const topic = await createTopic(t)
    const path = `/api/v2/messages/${topic}/0`
    t.is((await post(mode, `${path}?key=k`, 'v', { 'idempotency-key': 'same', 'x-message-headers': '{"a":1}' })).status, 204)
    const variants: Array<[string, string, Record<string, string>]> = [
      [`${path}?key=k`, 'other', { 'x-message-headers': '{"a":1}' }],
      [`${path}?key=other`, 'v', { 'x-message-headers': '{"a":1}' }],
      [`${path}?key=k`, 'v', { 'x-message-headers': '{"a":2}' }],
      [`${path}?key=k`, 'v', {}],
      [`/api/v2/messages/${topic}?key=k`, 'v', { 'x-message-headers': '{"a":1}' }]
    ]
    for (const [variantPath, body, headers] of variants) {
      const answer = await post(mode, variantPath, body, { 'idempotency-key': 'same', ...headers })
      t.deepEqual([answer.status, answer.body, replayed(answer)], [422, '{"error":"idempotency key reused with a different request"}', null], `${variantPath} ${body}`)
    }
    t.is((await log(mode, topic)).length, 1)
  })

  test(`${mode}: a first answer that is not 2xx (unknown topic 404, bad body 400) is not kept`, async (t) => {
    const topic = await createTopic(t)
    const missing = `/api/v2/messages/no-such-topic-${topic}`
    for (let i = 0; i < 2; i++) {
      const answer = await post(mode, missing, 'v', { 'idempotency-key': 'missing' })
      t.deepEqual([answer.status, replayed(answer)], [404, null])
    }
    const batchPath = `/api/v2/batch/${topic}`
    const bad = await post(mode, batchPath, '{"value":1}', { 'content-type': 'application/x-ndjson', 'idempotency-key': 'fixed-later' })
    t.is(bad.status, 400)
    // Not kept: the same key may now carry the corrected request.
    const good = await post(mode, batchPath, '{"value":"1"}', { 'content-type': 'application/x-ndjson', 'idempotency-key': 'fixed-later' })
    t.deepEqual([good.status, replayed(good)], [200, null])
    t.deepEqual((await log(mode, topic)).map((r) => r.value), ['1'])
  })

  test(`${mode}: keys are per user: anonymous and admin with the same key write a record each`, async (t) => {
    const topic = await createTopic(t)
    const token = await tokenOf(mode, DEV_ADMIN.username, DEV_ADMIN.password)
    const path = `/api/v2/messages/${topic}/0`
    const anonymous = await post(mode, path, 'same', { 'idempotency-key': 'shared' })
    const admin = await post(mode, path, 'same', { 'idempotency-key': 'shared', authorization: `Bearer ${token}` })
    const adminAgain = await post(mode, path, 'same', { 'idempotency-key': 'shared', authorization: `Bearer ${token}` })
    t.deepEqual([anonymous.status, replayed(anonymous), admin.status, replayed(admin)], [204, null, 204, null])
    t.deepEqual([offsetOf(adminAgain), replayed(adminAgain)], [offsetOf(admin), 'true'])
    t.deepEqual((await log(mode, topic)).map((r) => r.offset), [0, 1])
  })

  test(`${mode}: a client that closed right after sending: its retry either replays or writes, once`, async (t) => {
    const topic = await createTopic(t)
    const path = `/api/v2/messages/${topic}/0`
    const socket = connect(Number(new URL(gateway(mode).url).port), '127.0.0.1')
    socket.on('error', () => {})
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\nidempotency-key: lost\r\ncontent-length: 4\r\n\r\nlost`)
    socket.destroy()
    const retry = await post(mode, path, 'lost', { 'idempotency-key': 'lost' })
    t.is(retry.status, 204)
    const records = await log(mode, topic)
    t.deepEqual(records.map((r) => [r.offset, r.value]), [[0, 'lost']])
    t.is(offsetOf(retry), 0)
    t.log(replayed(retry) === 'true' ? 'the first was handed to Kafka: replayed' : 'the first never reached Kafka: the retry wrote')
  })
}

for (const mode of MODES) {
  const slow = `slow ${mode}`
  test(`${mode}: a client gone after the hand-off, before its answer: the answer is kept; the retry replays it`, async (t) => {
    const topic = await createTopic(t)
    const path = `/api/v2/messages/${topic}/0`
    // Primes the topic's metadata, so that the produce below is handed off within the turn it arrives in.
    t.is((await post(slow, path, 'primer')).status, 204)
    const requestId = `lost-answer-${topic}`
    const socket = connect(Number(new URL(gateway(slow).url).port), '127.0.0.1')
    socket.on('error', () => {})
    await new Promise((resolve) => socket.once('connect', resolve))
    let answered = false
    socket.on('data', () => { answered = true })
    socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\nx-request-id: ${requestId}\r\nidempotency-key: lost\r\ncontent-length: 4\r\n\r\nlost`)
    // Logged when the request arrives; the hand-off follows in the same event-loop turn (body in the same
    // read, metadata cached), before the gateway can see this close.
    await gateway(slow).waitForOutput(new RegExp(`"msg":"request received","request_id":"${requestId}"`))
    socket.destroy()
    t.false(answered, `closed before any answer (linger ${SLOW_LINGER_MS} ms)`)
    // (The gateway may see the close only when it writes the answer: reads are paused during the write.)
    await gateway(slow).waitForOutput(new RegExp(`"msg":"request","request_id":"${requestId}"`))
    const retry = await post(slow, path, 'lost', { 'idempotency-key': 'lost' })
    t.deepEqual([retry.status, replayed(retry), offsetOf(retry)], [204, 'true', 1])
    t.deepEqual((await log(slow, topic)).map((r) => [r.offset, r.value]), [[0, 'primer'], [1, 'lost']])
  })
}

test('bad keys are 400 invalid idempotency-key: empty, 256 characters, a space, non-ASCII, given twice', async (t) => {
  const topic = await createTopic(t)
  const path = `/api/v2/messages/${topic}`
  // Without a body: a 400 before a body is read may close the connection (SPEC §10.6a), not the point here.
  // The answer closes the connection (connection: close); the wait is long because this process is busy
  // with the racing clients' test, and a short timer may fire before the answer's bytes are read.
  const raw = async (keyLines: string): Promise<string> => {
    const started = Date.now()
    const answer = await exchange(gateway('0 workers').url, Buffer.from(`POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${keyLines}content-length: 0\r\n\r\n`, 'utf8'), 30_000)
    return answer.text === '' ? `nothing; closed ${String(answer.closed)} after ${Date.now() - started} ms` : answer.text
  }
  for (const lines of ['idempotency-key: \r\n', `idempotency-key: ${'k'.repeat(256)}\r\n`, 'idempotency-key: a b\r\n', 'idempotency-key: aéb\r\n', 'idempotency-key: a\r\nidempotency-key: a\r\n']) {
    const text = await raw(lines)
    t.regex(text, /^HTTP\/1\.1 400 /, `${lines}: ${JSON.stringify(text)}`)
    t.true(text.endsWith('{"error":"invalid idempotency-key"}'), lines)
  }
  const batch = await post('0 workers', `/api/v2/batch/${topic}`, '{"value":"x"}', { 'content-type': 'application/x-ndjson', 'idempotency-key': 'a b' })
  t.deepEqual([batch.status, batch.body], [400, '{"error":"invalid idempotency-key"}'])
  t.is((await post('0 workers', path, 'v', { 'idempotency-key': `!${'k'.repeat(253)}~` })).status, 204, '255 characters, 0x21 and 0x7E')
  t.deepEqual((await log('0 workers', topic)).map((r) => r.value), ['v'])
})

test('an answer is kept for KASTLEX_IDEMPOTENCY_TTL_S, then the key writes again', async (t) => {
  const topic = await createTopic(t)
  const path = `/api/v2/messages/${topic}`
  const started = Date.now()
  const first = await post('short TTL', path, 'v', { 'idempotency-key': 'ttl' })
  t.is(replayed(await post('short TTL', path, 'v', { 'idempotency-key': 'ttl' })), 'true')
  const later = await eventually(async () => await post('short TTL', path, 'v', { 'idempotency-key': 'ttl' }), (a) => replayed(a) === null, TTL_S * 1000 + 10_000, 200)
  t.is(replayed(later), null)
  t.true(Date.now() - started >= TTL_S * 1000, 'not before the TTL')
  t.deepEqual([offsetOf(first), offsetOf(later)], [0, 1])
  t.deepEqual((await log('short TTL', topic)).map((r) => r.offset), [0, 1])
})

test('at most KASTLEX_IDEMPOTENCY_MAX_KEYS answers are kept; the oldest is evicted first', async (t) => {
  const topic = await createTopic(t)
  const path = `/api/v2/messages/${topic}/0`
  const send = async (key: string): Promise<Answer> => await post('two keys', path, key, { 'idempotency-key': key })
  for (const key of ['a', 'b', 'c']) t.is(replayed(await send(key)), null)
  t.is(replayed(await send('c')), 'true', 'c kept')
  t.is(replayed(await send('b')), 'true', 'b kept')
  t.is(replayed(await send('a')), null, 'a, the oldest, was evicted: written again')
  t.is(replayed(await send('c')), 'true', 'c still kept (b went for a)')
  t.is(replayed(await send('b')), null, 'b went for a: written again')
  t.deepEqual((await log('two keys', topic)).map((r) => r.value), ['a', 'b', 'c', 'a', 'b'])
})

/**
 * Many clients, a few keys per user, two bodies per key, all racing: the first request of a key writes
 * the only record of that key; every other request with its body replays its offset, every request with
 * the other body is 422.
 */
for (const mode of MODES) {
  test(`${mode}: 16 concurrent clients racing on a few keys: one record per (user, key), every answer exact`, async (t) => {
    const topic = await createTopic(t)
    const token = await tokenOf(mode, DEV_ADMIN.username, DEV_ADMIN.password)
    const users: Record<string, Record<string, string>> = { anonymous: {}, admin: { authorization: `Bearer ${token}` } }
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4']
    const seed = Date.now() >>> 0
    t.log(`seed ${seed}`)
    const random = new Prng(seed)
    interface Sent { user: string, key: string, body: string, answer: Answer }
    const sent: Sent[] = []
    await Promise.all(Array.from({ length: 16 }, async () => {
      const plan = Array.from({ length: 25 }, () => ({ user: random.pick(Object.keys(users)), key: random.pick(keys), variant: random.pick(['A', 'B']) }))
      for (const { user, key, variant } of plan) {
        const body = JSON.stringify({ user, key, variant })
        const answer = await post(mode, `/api/v2/messages/${topic}/0`, body, { 'idempotency-key': key, ...users[user] })
        sent.push({ user, key, body, answer })
      }
    }))
    const records = await log(mode, topic)
    const byKey = new Map<string, LoggedRecord>()
    for (const record of records) {
      const { user, key } = JSON.parse(record.value as string) as { user: string, key: string }
      t.false(byKey.has(`${user} ${key}`), `one record for ${user} ${key}`)
      byKey.set(`${user} ${key}`, record)
    }
    t.is(byKey.size, new Set(sent.map((s) => `${s.user} ${s.key}`)).size, 'a record for every (user, key) used')
    const writers = new Map<string, number>()
    for (const { user, key, body, answer } of sent) {
      const record = byKey.get(`${user} ${key}`) as LoggedRecord
      if (body !== record.value) {
        t.deepEqual([answer.status, answer.body], [422, '{"error":"idempotency key reused with a different request"}'])
        continue
      }
      t.deepEqual([answer.status, offsetOf(answer)], [204, record.offset])
      if (replayed(answer) === null) writers.set(`${user} ${key}`, (writers.get(`${user} ${key}`) ?? 0) + 1)
      else t.is(replayed(answer), 'true')
    }
    t.deepEqual([...writers.values()], Array.from({ length: byKey.size }, () => 1), 'one unreplayed answer per (user, key)')
    t.is(sent.length, 16 * 25)
  })
}
