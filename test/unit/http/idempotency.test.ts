// The Idempotency-Key store (SPEC §10.6): key syntax, fingerprints, replay, 422, waiting for a first
// request in flight, what is kept (2xx only), TTL and eviction of the oldest, on a clock the test moves.
import test from 'ava'
import { createHash } from 'node:crypto'
import { fingerprint, IdempotencyStore, idempotencyKey } from '../../../src/http/idempotency.js'
import { HttpError } from '../../../src/http/errors.js'
import type { Reply } from '../../../src/http/router.js'

const REPLAYED = ['idempotent-replayed', 'true']

function setUp (maxKeys = 10, ttlMs = 1000): { store: IdempotencyStore, clock: { now: number } } {
  const clock = { now: 0 }
  return { store: new IdempotencyStore({ ttlMs, maxKeys }, () => clock.now), clock }
}

/** Work that counts its runs and answers 204 with the run's number as its offset. */
function counted (): { work: () => Promise<Reply>, runs: () => number } {
  let runs = 0
  return {
    work: async () => ({ status: 204, headers: [['x-message-offset', String(runs++)]] }),
    runs: () => runs
  }
}

/** Work that finishes when the test says so. */
function controlled (): { work: () => Promise<Reply>, started: Promise<void>, finish: (outcome: Reply | Error) => void } {
  let finish: (outcome: Reply | Error) => void = () => {}
  let started: () => void = () => {}
  const startedPromise = new Promise<void>((resolve) => { started = resolve })
  const work = async (): Promise<Reply> => await new Promise((resolve, reject) => {
    started()
    finish = (outcome) => { if (outcome instanceof Error) reject(outcome); else resolve(outcome) }
  })
  return { work, started: startedPromise, finish: (outcome) => finish(outcome) }
}

const status422 = { instanceOf: HttpError, message: 'idempotency key reused with a different request' }

test('a key is one line of 1–255 characters in 0x21–0x7E; absent is undefined', (t) => {
  t.is(idempotencyKey([]), undefined)
  t.is(idempotencyKey(['a']), 'a')
  t.is(idempotencyKey(['!~' + 'x'.repeat(253)]), '!~' + 'x'.repeat(253))
  for (const bad of [[''], ['x'.repeat(256)], ['a b'], ['é'], ['a\tb'], ['\x7f'], ['a', 'a']]) {
    const error = t.throws(() => idempotencyKey(bad), { instanceOf: HttpError }, JSON.stringify(bad))
    t.is(error?.status, 400)
    t.is(error?.error, 'invalid idempotency-key')
  }
})

test('a fingerprint is the SHA-256 of the int32-length-prefixed fields (−1: absent), small or large', (t) => {
  const encoded = (fields: Array<string | Buffer | undefined>): string => {
    const parts = fields.flatMap((field) => {
      const length = Buffer.alloc(4)
      length.writeInt32BE(field === undefined ? -1 : Buffer.byteLength(field))
      return field === undefined ? [length] : [length, Buffer.from(field)]
    })
    return createHash('sha256').update(Buffer.concat(parts)).digest('base64')
  }
  for (const body of [Buffer.alloc(0), Buffer.alloc(1024, 1), Buffer.alloc(200_000, 2)]) {
    const fields = ['POST', '/api/v2/messages/t', undefined, '{"é":1}', body]
    t.is(fingerprint(fields), encoded(fields), `${body.length} bytes`)
  }
})

test('fingerprints tell field boundaries and absent fields apart, and bytes from text only by content', (t) => {
  t.is(fingerprint(['POST', Buffer.from('ab')]), fingerprint(['POST', 'ab']))
  t.not(fingerprint(['ab', 'c']), fingerprint(['a', 'bc']))
  t.not(fingerprint(['a', undefined]), fingerprint(['a', '']))
  t.not(fingerprint(['a', undefined, 'b']), fingerprint(['a', 'b', undefined]))
  t.is(Buffer.from(fingerprint(['x']), 'base64').length, 32)
})

test('the first request runs; a repeat gets its answer with idempotent-replayed and runs nothing', async (t) => {
  const { store } = setUp()
  const { work, runs } = counted()
  const first = await store.run('alice', 'k', 'f', work)
  t.deepEqual(first, { status: 204, headers: [['x-message-offset', '0']] })
  const again = await store.run('alice', 'k', 'f', work)
  t.deepEqual(again, { status: 204, headers: [['x-message-offset', '0'], REPLAYED] })
  t.is(runs(), 1)
  t.is(store.size, 1)
})

test('the body and content type of a kept answer are replayed as they were', async (t) => {
  const { store } = setUp()
  await store.run('u', 'k', 'f', async () => ({ status: 200, contentType: 'application/json', body: '{"results":[]}' }))
  t.deepEqual(await store.run('u', 'k', 'f', async () => { throw new Error('not run') }),
    { status: 200, contentType: 'application/json', body: '{"results":[]}', headers: [REPLAYED] })
})

test('keys are per user', async (t) => {
  const { store } = setUp()
  const { work, runs } = counted()
  await store.run('alice', 'k', 'f', work)
  const bob = await store.run('bob', 'k', 'f', work)
  t.deepEqual(bob.headers, [['x-message-offset', '1']])
  t.is(runs(), 2)
})

test('the same key with another fingerprint is 422, after the first and while it runs', async (t) => {
  const { store } = setUp()
  const first = controlled()
  const running = store.run('u', 'k', 'f', first.work)
  await first.started
  await t.throwsAsync(store.run('u', 'k', 'other', first.work), status422)
  first.finish({ status: 204 })
  await running
  await t.throwsAsync(store.run('u', 'k', 'other', first.work), status422)
})

test('a repeat while the first runs waits for it and gets its answer', async (t) => {
  const { store } = setUp()
  const first = controlled()
  const running = store.run('u', 'k', 'f', first.work)
  await first.started
  let repeatDone = false
  const repeat = store.run('u', 'k', 'f', async () => { throw new Error('a repeat must not run') })
  void repeat.then(() => { repeatDone = true })
  await new Promise((resolve) => setImmediate(resolve))
  t.false(repeatDone, 'still waiting while the first runs')
  first.finish({ status: 204, headers: [['x-message-offset', '7']] })
  t.deepEqual(await running, { status: 204, headers: [['x-message-offset', '7']] })
  t.deepEqual(await repeat, { status: 204, headers: [['x-message-offset', '7'], REPLAYED] })
})

test('a first that fails lets exactly one waiting repeat run; the others get its answer', async (t) => {
  const { store } = setUp()
  const first = controlled()
  const running = store.run('u', 'k', 'f', first.work)
  await first.started
  const { work, runs } = counted()
  const repeats = [store.run('u', 'k', 'f', work), store.run('u', 'k', 'f', work), store.run('u', 'k', 'f', work)]
  first.finish(new HttpError(499, 'client_closed_request'))
  await t.throwsAsync(running, { message: 'client_closed_request' })
  const answers = await Promise.all(repeats)
  t.is(runs(), 1)
  t.deepEqual(answers.map((a) => a.headers), [
    [['x-message-offset', '0']],
    [['x-message-offset', '0'], REPLAYED],
    [['x-message-offset', '0'], REPLAYED]
  ])
})

test('a non-2xx answer is not kept: the repeat runs', async (t) => {
  const { store } = setUp()
  let runs = 0
  const notFound = async (): Promise<Reply> => { runs++; return { status: 404, body: '{"error":"unknown_topic_or_partition"}' } }
  t.is((await store.run('u', 'k', 'f', notFound)).status, 404)
  t.is((await store.run('u', 'k', 'f', notFound)).headers, undefined)
  t.is(runs, 2)
  t.is(store.size, 0)
})

test('an answer is kept for the TTL, then the key runs again (and may carry another request)', async (t) => {
  const { store, clock } = setUp(10, 1000)
  const { work, runs } = counted()
  await store.run('u', 'k', 'f', work)
  clock.now = 999
  t.deepEqual((await store.run('u', 'k', 'f', work)).headers?.at(-1), REPLAYED)
  clock.now = 1000
  t.deepEqual((await store.run('u', 'k', 'f', work)).headers, [['x-message-offset', '1']])
  clock.now = 2500
  t.deepEqual((await store.run('u', 'k', 'other', work)).headers, [['x-message-offset', '2']])
  t.is(runs(), 3)
})

test('at most maxKeys answers are kept; the oldest goes first, expired ones before any live one', async (t) => {
  const { store, clock } = setUp(2, 1000)
  const { work, runs } = counted()
  await store.run('u', 'a', 'f', work)
  clock.now = 10
  await store.run('u', 'b', 'f', work)
  await store.run('u', 'c', 'f', work)
  t.is(store.size, 2)
  t.deepEqual((await store.run('u', 'b', 'f', work)).headers?.at(-1), REPLAYED, 'b kept')
  t.deepEqual((await store.run('u', 'c', 'f', work)).headers?.at(-1), REPLAYED, 'c kept')
  t.is(runs(), 3)
  clock.now = 20
  t.deepEqual((await store.run('u', 'a', 'f', work)).headers, [['x-message-offset', '3']], 'a evicted: runs again')
  t.is(store.size, 2)
  // b (the oldest) was evicted by a; c and a remain.
  t.deepEqual((await store.run('u', 'c', 'f', work)).headers?.at(-1), REPLAYED)
  clock.now = 1011
  await store.run('u', 'd', 'f', work)
  t.is(store.size, 2, 'c expired and dropped; a and d kept')
  t.deepEqual((await store.run('u', 'a', 'f', work)).headers?.at(-1), REPLAYED)
  t.is(runs(), 5)
})

test('many keys through a small store: the newest maxKeys stay, whatever was evicted or expired before', async (t) => {
  const { store, clock } = setUp(10, 1000)
  const reply = async (): Promise<Reply> => ({ status: 204 })
  for (let i = 0; i < 5000; i++) {
    clock.now = i
    await store.run('u', `k${i}`, 'f', reply)
    t.true(store.size <= 10)
  }
  // Expired on lookup and kept anew: the stale queue entry of the first keeping must not evict it.
  clock.now = 6000
  await store.run('u', 'k4999', 'f', reply)
  t.is(store.size, 1, 'all others expired')
  const replays = await Promise.all(['k4999', 'k4998'].map(async (key) => (await store.run('u', key, 'f', reply)).headers))
  t.deepEqual(replays, [[REPLAYED], undefined])
})
