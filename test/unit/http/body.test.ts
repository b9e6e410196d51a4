// Request bodies under their limit and under the shared in-flight budget (SPEC §10.6a), against a
// stand-in for uWS's response (only onData is used).
import test from 'ava'
import type { HttpResponse } from '../../../src/http/uws.js'
import { BodyReader } from '../../../src/http/body.js'
import { BodyBudget } from '../../../src/http/body-budget.js'
import type { HttpError } from '../../../src/http/errors.js'

type DataHandler = (chunk: ArrayBuffer, isLast: boolean) => void

function response (): { res: HttpResponse, send: (text: string, isLast: boolean) => void } {
  let handler: DataHandler = () => {}
  const res = { onData: (h: DataHandler) => { handler = h; return res } } as unknown as HttpResponse
  return { res, send: (text, isLast) => handler(new TextEncoder().encode(text).buffer, isLast) }
}

type BodyOutcome = { readonly ok: true, readonly body: Buffer } | { readonly ok: false, readonly error: HttpError }

/** What reader.read() settles with, as data. */
const outcomeOf = async (reader: BodyReader): Promise<BodyOutcome> =>
  await reader.read().then((body) => ({ ok: true, body }), (error: HttpError) => ({ ok: false, error }))

const failure = (outcome: BodyOutcome): { status: number, error: string, headers: ReadonlyArray<readonly [string, string]> } | undefined =>
  outcome.ok ? undefined : { status: outcome.error.status, error: outcome.error.error, headers: outcome.error.headers }

test('a declared length is reserved before the bytes come and given back when the request ends', async (t) => {
  const budget = new BodyBudget(100)
  const { res, send } = response()
  const reader = new BodyReader(res, '10', 50, budget)
  t.is(budget.inFlight, 10)
  send('01234', false)
  send('56789', true)
  const outcome = await outcomeOf(reader)
  t.true(outcome.ok && outcome.body.toString() === '0123456789')
  t.true(reader.complete)
  t.is(budget.inFlight, 10, 'held while the request runs')
  reader.end()
  t.is(budget.inFlight, 0)
  reader.end()
  t.is(budget.inFlight, 0, 'ending twice gives nothing back twice')
})

test('a declared length beyond the budget → 503 overloaded with retry-after: 1, nothing reserved', async (t) => {
  const budget = new BodyBudget(100)
  const first = new BodyReader(response().res, '60', 100, budget)
  const { res, send } = response()
  const second = new BodyReader(res, '41', 100, budget)
  send('x'.repeat(41), true)
  t.deepEqual(failure(await outcomeOf(second)), { status: 503, error: 'overloaded', headers: [['retry-after', '1']] })
  t.false(second.complete)
  t.is(budget.inFlight, 60)
  second.end()
  first.end()
  t.is(budget.inFlight, 0)
})

test('chunked: bytes are reserved as they come; past the budget → overloaded; the end gives all back', async (t) => {
  const budget = new BodyBudget(10)
  const { res, send } = response()
  const reader = new BodyReader(res, undefined, 100, budget)
  t.is(budget.inFlight, 0)
  send('123456', false)
  t.is(budget.inFlight, 6)
  send('12345', false)
  t.deepEqual(failure(await outcomeOf(reader))?.error, 'overloaded')
  t.is(budget.inFlight, 6)
  reader.end()
  t.is(budget.inFlight, 0)
})

test('chunked: a whole body in pieces is joined', async (t) => {
  const budget = new BodyBudget(100)
  const { res, send } = response()
  const reader = new BodyReader(res, undefined, 100, budget)
  send('ab', false)
  send('', false)
  send('cd', true)
  const outcome = await outcomeOf(reader)
  t.true(outcome.ok && outcome.body.toString() === 'abcd')
  reader.end()
  t.is(budget.inFlight, 0)
})

test('an upload abandoned half-way gives its reservation back', async (t) => {
  const budget = new BodyBudget(100)
  const { res, send } = response()
  const reader = new BodyReader(res, '50', 100, budget)
  send('x'.repeat(20), false)
  reader.end() // what the server does when uWS reports the abort
  t.is(failure(await outcomeOf(reader))?.status, 400)
  t.is(budget.inFlight, 0)
  send('x'.repeat(30), true) // late chunks change nothing
  t.is(budget.inFlight, 0)
})

test('refused before reading (413) reserves nothing', async (t) => {
  const budget = new BodyBudget(100)
  t.is(failure(await outcomeOf(new BodyReader(response().res, '101', 100, budget)))?.status, 413)
  t.is(budget.inFlight, 0)
})

test('the rest of a refused body is dropped as it comes; discarding ends with the body', async (t) => {
  const budget = new BodyBudget(1000)
  const { res, send } = response()
  const reader = new BodyReader(res, '150', 100, budget)
  send('x'.repeat(50), false)
  t.true(reader.arriving)
  const rest = reader.discardRest()
  reader.end()
  t.is(budget.inFlight, 0, 'discarded bytes are not held')
  let done = false
  void rest.then(() => { done = true })
  send('x'.repeat(50), false)
  await Promise.resolve()
  t.false(done)
  send('x'.repeat(50), true)
  await rest
  t.false(reader.arriving)
  t.false(reader.complete)
})

test('chunked over the limit: discarding stops at twice the limit', async (t) => {
  const budget = new BodyBudget(1000)
  const { res, send } = response()
  const reader = new BodyReader(res, undefined, 100, budget)
  send('x'.repeat(150), false)
  t.is(failure(await outcomeOf(reader))?.status, 413)
  const rest = reader.discardRest()
  let done = false
  void rest.then(() => { done = true })
  send('x'.repeat(50), false)
  await Promise.resolve()
  t.false(done, 'at 200 bytes: still reading')
  send('x', false)
  await rest
  t.true(reader.arriving, 'stopped before the end')
  reader.end()
  t.is(budget.inFlight, 0)
})

test('discarding ends when the client goes away, and at once when the body already ended', async (t) => {
  const budget = new BodyBudget(1000)
  const left = response()
  const leaving = new BodyReader(left.res, '500', 100, budget)
  const rest = leaving.discardRest()
  leaving.abandon()
  await rest
  const whole = response()
  const ended = new BodyReader(whole.res, '500', 100, budget)
  whole.send('x'.repeat(500), true)
  await ended.discardRest()
  t.is(budget.inFlight, 0)
})

test('a body asked for before it came: every read gets it once the last chunk is in, or the refusal once the request ends', async (t) => {
  const budget = new BodyBudget(1000)
  const { res, send } = response()
  const reader = new BodyReader(res, '6', 100, budget)
  const early = reader.read()
  t.is(reader.read(), early, 'one promise while it comes')
  send('abc', false)
  send('def', true)
  t.is((await early).toString(), 'abcdef')
  t.is((await reader.read()).toString(), 'abcdef', 'and the body itself after')

  const cut = response()
  const aborted = new BodyReader(cut.res, '6', 100, budget)
  const waiting = aborted.read()
  cut.send('abc', false)
  aborted.end()
  t.like(await t.throwsAsync(waiting), { status: 400, error: 'invalid body: aborted' })
  t.like(await t.throwsAsync(aborted.read()), { status: 400, error: 'invalid body: aborted' })
  t.is(budget.inFlight, 6, 'the first body still holds its bytes')
})
