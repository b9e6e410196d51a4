// SPEC §6.6 (§11 item 44): per-address attempts and per-username failures in a sliding window.
// Every call takes an explicit `now`: no sleeping.
import test from 'ava'
import { clientAddress, LoginRateLimiter } from '../../../src/auth/rate-limit.js'

const T0 = 1_700_000_000_000
const s = (seconds: number): number => T0 + seconds * 1000

test('at most maxPerAddress attempts per address, any outcome; other addresses unaffected', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 60, maxPerAddress: 3, maxFailuresPerUser: 100 })
  for (let i = 0; i < 3; i++) {
    t.deepEqual(limiter.check('10.0.0.1', `user${i}`, s(i)), { allowed: true })
    limiter.recordAttempt('10.0.0.1', s(i))
  }
  // The oldest attempt (t=0) leaves the window at t=60: from t=3 that is 57 s away.
  t.deepEqual(limiter.check('10.0.0.1', 'someone', s(3)), { allowed: false, retryAfterSeconds: 57 })
  t.deepEqual(limiter.check('10.0.0.2', 'someone', s(3)), { allowed: true })
})

test('at most maxFailuresPerUser failures per username, from any address; successes do not count', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 300, maxPerAddress: 1000, maxFailuresPerUser: 2 })
  limiter.recordAttempt('a', s(0))
  limiter.recordFailure('alice', s(0))
  limiter.recordAttempt('b', s(10)) // a success: an attempt, no failure
  t.deepEqual(limiter.check('c', 'alice', s(20)), { allowed: true })
  limiter.recordFailure('alice', s(20))
  t.deepEqual(limiter.check('d', 'alice', s(30)), { allowed: false, retryAfterSeconds: 270 })
  t.deepEqual(limiter.check('d', 'bob', s(30)), { allowed: true })
  t.deepEqual(limiter.check('d', 'Alice', s(30)), { allowed: true }, 'usernames are exact')
})

test('a refused request is not counted', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 10, maxPerAddress: 1, maxFailuresPerUser: 1 })
  limiter.recordAttempt('addr', s(0))
  limiter.recordFailure('user', s(0))
  // Hammering while refused (the route neither records an attempt nor a failure) does not extend the wait.
  for (let i = 1; i < 10; i++) t.false(limiter.check('addr', 'user', s(i)).allowed)
  t.deepEqual(limiter.check('addr', 'user', s(10)), { allowed: true })
  // Through begin(): a refusal records nothing either.
  const refused = new LoginRateLimiter({ windowSeconds: 10, maxPerAddress: 1, maxFailuresPerUser: 5 })
  t.true(refused.begin('x', 'u', s(0)).allowed)
  for (let i = 1; i < 10; i++) t.false(refused.begin('x', 'u', s(i)).allowed)
  t.true(refused.begin('x', 'u', s(10)).allowed)
})

test('the window slides: each event expires window seconds after it happened', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 100, maxPerAddress: 3, maxFailuresPerUser: 10 })
  for (const at of [0, 40, 80]) limiter.recordAttempt('a', s(at))
  t.deepEqual(limiter.check('a', 'u', s(99.999)), { allowed: false, retryAfterSeconds: 1 })
  t.deepEqual(limiter.check('a', 'u', s(100)), { allowed: true }, 'the t=0 attempt expired')
  limiter.recordAttempt('a', s(100))
  t.deepEqual(limiter.check('a', 'u', s(101)), { allowed: false, retryAfterSeconds: 39 }, 'now the t=40 one must expire')
  t.deepEqual(limiter.check('a', 'u', s(139.5)), { allowed: false, retryAfterSeconds: 1 })
  t.deepEqual(limiter.check('a', 'u', s(140)), { allowed: true })
})

test('retry-after is whole seconds rounded up, at least 1, the larger of both limits', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 60, maxPerAddress: 1, maxFailuresPerUser: 1 })
  limiter.recordAttempt('a', s(0))
  t.deepEqual(limiter.check('a', 'u', s(0)), { allowed: false, retryAfterSeconds: 60 })
  t.deepEqual(limiter.check('a', 'u', s(0.001)), { allowed: false, retryAfterSeconds: 60 })
  t.deepEqual(limiter.check('a', 'u', s(58.5)), { allowed: false, retryAfterSeconds: 2 })
  t.deepEqual(limiter.check('a', 'u', s(59.999)), { allowed: false, retryAfterSeconds: 1 })
  limiter.recordFailure('u', s(30))
  t.deepEqual(limiter.check('a', 'u', s(40)), { allowed: false, retryAfterSeconds: 50 }, 'user limit is later')
  t.deepEqual(limiter.check('b', 'u', s(40)), { allowed: false, retryAfterSeconds: 50 })
  t.deepEqual(limiter.check('a', 'v', s(40)), { allowed: false, retryAfterSeconds: 20 })
  t.deepEqual(limiter.check('a', 'u', s(90)), { allowed: true })
})

test('the default clock is Date.now', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 3600, maxPerAddress: 1, maxFailuresPerUser: 1 })
  t.deepEqual(limiter.check('a', 'u'), { allowed: true })
  limiter.recordAttempt('a')
  limiter.recordFailure('u')
  const refused = limiter.check('b', 'u')
  t.false(refused.allowed)
  if (!refused.allowed) t.true(refused.retryAfterSeconds >= 3599 && refused.retryAfterSeconds <= 3600)
})

test('begin() counts the attempt and a provisional failure at once; succeeded() withdraws the failure', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 60, maxPerAddress: 100, maxFailuresPerUser: 2 })
  // Two concurrent guesses for one user are admitted, the third is refused before either finishes.
  const first = limiter.begin('a', 'alice', s(0))
  const second = limiter.begin('b', 'alice', s(1))
  t.true(first.allowed && second.allowed)
  t.deepEqual(limiter.begin('c', 'alice', s(2)), { allowed: false, retryAfterSeconds: 58 })
  if (first.allowed) {
    first.succeeded()
    first.succeeded() // idempotent
  }
  t.deepEqual(limiter.check('c', 'alice', s(2)), { allowed: true })
  t.is(limiter.size.addresses, 2)
  // Attempts still count against addresses after a success.
  const tight = new LoginRateLimiter({ windowSeconds: 60, maxPerAddress: 1, maxFailuresPerUser: 5 })
  const permit = tight.begin('a', 'u', s(0))
  if (permit.allowed) permit.succeeded()
  t.false(tight.check('a', 'v', s(1)).allowed)
  t.true(tight.check('b', 'u', s(1)).allowed)
  t.is(tight.size.users, 0, 'a withdrawn failure leaves no key behind')
})

test('expired keys are dropped; memory is bounded by maxKeys, evicting the least recently recorded', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 10, maxPerAddress: 1, maxFailuresPerUser: 1, maxKeys: 1000 })
  for (let i = 0; i < 5000; i++) {
    limiter.recordAttempt(`addr-${i}`, s(0))
    limiter.recordFailure(`user-${i}`, s(0))
  }
  t.deepEqual(limiter.size, { addresses: 1000, users: 1000 })
  t.true(limiter.check('addr-4999', 'x', s(1)).allowed === false, 'the newest keys are kept')
  t.true(limiter.check('addr-0', 'user-0', s(1)).allowed, 'the oldest were evicted')
  // Touching a key makes it recent: it survives the next flood.
  limiter.recordAttempt('addr-4000', s(1))
  for (let i = 0; i < 999; i++) limiter.recordAttempt(`new-${i}`, s(1))
  t.false(limiter.check('addr-4000', 'x', s(2)).allowed)
  t.true(limiter.check('addr-4001', 'x', s(2)).allowed)
  // After the window, one recording sweeps every expired key.
  limiter.recordAttempt('late', s(20))
  limiter.recordFailure('late', s(20))
  t.deepEqual(limiter.size, { addresses: 1, users: 1 })
  // A check on an expired key deletes it.
  t.true(limiter.check('late', 'late', s(40)).allowed)
  t.deepEqual(limiter.size, { addresses: 0, users: 0 })
})

test('a key keeps at most limit timestamps; long keys are stored as digests and still distinct', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 100, maxPerAddress: 2, maxFailuresPerUser: 2 })
  for (let i = 0; i < 10; i++) limiter.recordAttempt('a', s(i)) // recorded without check: only the newest 2 matter
  t.deepEqual(limiter.check('a', 'u', s(10)), { allowed: false, retryAfterSeconds: 98 })
  const long = 'x'.repeat(60_000)
  limiter.recordFailure(long, s(0))
  limiter.recordFailure(long, s(0))
  t.false(limiter.check('b', long, s(1)).allowed)
  t.true(limiter.check('b', `${long}y`, s(1)).allowed)
  t.true(limiter.check('b', long.slice(1), s(1)).allowed)
})

test('a clock that steps back keeps timestamps ordered', (t) => {
  const limiter = new LoginRateLimiter({ windowSeconds: 100, maxPerAddress: 2, maxFailuresPerUser: 10 })
  limiter.recordAttempt('a', s(50))
  limiter.recordAttempt('a', s(10))
  t.deepEqual(limiter.check('a', 'u', s(60)), { allowed: false, retryAfterSeconds: 50 })
  t.deepEqual(limiter.check('a', 'u', s(110)), { allowed: true })
})

test('options must be positive integers', (t) => {
  const good = { windowSeconds: 1, maxPerAddress: 1, maxFailuresPerUser: 1 }
  t.notThrows(() => new LoginRateLimiter(good))
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => new LoginRateLimiter({ ...good, windowSeconds: bad }), { instanceOf: RangeError })
    t.throws(() => new LoginRateLimiter({ ...good, maxPerAddress: bad }), { instanceOf: RangeError })
    t.throws(() => new LoginRateLimiter({ ...good, maxFailuresPerUser: bad }), { instanceOf: RangeError })
    t.throws(() => new LoginRateLimiter({ ...good, maxKeys: bad }), { instanceOf: RangeError })
  }
})

test('clientAddress: the peer, or behind N trusted proxies the N-th x-forwarded-for entry from the right', (t) => {
  t.is(clientAddress('10.0.0.9', ['203.0.113.7, 10.0.0.1'], 0), '10.0.0.9', '0 hops: the socket peer')
  t.is(clientAddress('10.0.0.9', [], 1), '10.0.0.9', 'no header: the peer')
  t.is(clientAddress('10.0.0.9', ['10.0.0.77, 203.0.113.7'], 1), '203.0.113.7', '1 hop: the right-most entry, not what the client wrote')
  t.is(clientAddress('10.0.0.9', ['10.0.0.77, 203.0.113.7, 10.0.0.1'], 2), '203.0.113.7', '2 hops: second from the right')
  t.is(clientAddress('10.0.0.9', ['203.0.113.7'], 3), '203.0.113.7', 'fewer entries than hops: the left-most')
  t.is(clientAddress('10.0.0.9', ['  2001:db8::1  '], 1), '2001:db8::1')
  t.is(clientAddress('10.0.0.9', [''], 1), '10.0.0.9')
  t.is(clientAddress('10.0.0.9', ['203.0.113.7, '], 1), '10.0.0.9', 'an empty entry falls back to the peer')
  t.is(clientAddress('10.0.0.9', ['10.0.0.77', '203.0.113.7'], 1), '203.0.113.7', 'several header lines are one list')
})
