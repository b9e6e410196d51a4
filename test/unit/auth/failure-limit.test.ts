// SPEC §10.6a: more than KASTLEX_AUTH_FAILURES_PER_ADDRESS failed token verifications per client
// address within 10 s → 429 with retry-after; other addresses are not affected.
import test from 'ava'
import { AUTH_FAILURE_WINDOW_MS, AuthFailureLimiter } from '../../../src/auth/failure-limit.js'
import { HttpError } from '../../../src/http/errors.js'

const s = (seconds: number): number => 1_000_000 + seconds * 1000

test('the limit per address and its 10 s window', (t) => {
  t.is(AUTH_FAILURE_WINDOW_MS, 10_000)
  const limiter = new AuthFailureLimiter(3)
  for (let i = 0; i < 3; i++) {
    t.notThrows(() => limiter.admit('10.0.0.1', s(i)))
    limiter.record('10.0.0.1', s(i))
  }
  const refused = t.throws(() => limiter.admit('10.0.0.1', s(3)), { instanceOf: HttpError })
  t.is(refused?.status, 429)
  t.is(refused?.body(), '{"error":"too many authentication failures"}')
  t.deepEqual(refused?.headers, [['retry-after', '7']], 'until the first failure leaves the window')
  t.notThrows(() => limiter.admit('10.0.0.2', s(3)), 'another address')
  t.throws(() => limiter.admit('10.0.0.1', s(9.999)))
  t.deepEqual(t.throws(() => limiter.admit('10.0.0.1', s(9.5)), { instanceOf: HttpError })?.headers, [['retry-after', '1']], 'at least 1')
  t.notThrows(() => limiter.admit('10.0.0.1', s(10)), 'the first failure has expired')
  limiter.record('10.0.0.1', s(10))
  t.throws(() => limiter.admit('10.0.0.1', s(10.5)), undefined, 'three failures within 10 s again')
})

test('tracked addresses are bounded', (t) => {
  const limiter = new AuthFailureLimiter(1, 100)
  for (let i = 0; i < 1000; i++) limiter.record(`10.0.${i >> 8}.${i & 255}`, s(0))
  t.is(limiter.size, 100)
})
