// SPEC §4.1, §6.3, §6.5 (§11 item 43): bcrypt verification of $2a$/$2b$/$2y$ hashes, one comparison of
// the same cost when there is no hash, $2b$12$ hashes made off the main thread.
import { hash } from '@node-rs/bcrypt'
import test from 'ava'
import { BCRYPT_HASH, hashPassword, verifyPassword } from '../../../src/auth/passwords.js'

// Independent test vectors (Openwall crypt_blowfish / OpenBSD), not produced by the library under test.
const VECTORS: ReadonlyArray<readonly [string, string]> = [
  ['$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', 'U*U'],
  ['$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK', 'U*U*'],
  ['$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a', 'U*U*U'],
  ['$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy', ''],
  ['$2a$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui', '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789chars after 72 are ignored']
]

test('independent $2a$ vectors verify; the same hashes as $2b$ and $2y$ too (ASCII passwords)', async (t) => {
  for (const [hashed, password] of VECTORS) {
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const variant = prefix + hashed.slice(4)
      t.true(BCRYPT_HASH.test(variant), variant)
      t.true(await verifyPassword(password, variant), `${variant} ${password}`)
      t.false(await verifyPassword(`${password}x`.slice(0, 71) + '!', variant), `${variant} wrong`)
    }
  }
})

test('non-ASCII passwords (their UTF-8 bytes) verify alike under $2a$, $2b$ and $2y$', async (t) => {
  const utf8 = 'pässwörd 🔑'
  const made = await hash(utf8, 4)
  for (const prefix of ['$2a$', '$2b$', '$2y$']) {
    t.true(await verifyPassword(utf8, prefix + made.slice(4)))
    t.false(await verifyPassword('passwörd 🔑', prefix + made.slice(4)))
  }
})

test('hashes made by the library (cost 4) verify under every accepted prefix; wrong passwords do not', async (t) => {
  const made = await hash('correct horse', 4)
  t.true(made.startsWith('$2b$04$'))
  for (const prefix of ['$2a$', '$2b$', '$2y$']) {
    const variant = prefix + made.slice(4)
    t.true(await verifyPassword('correct horse', variant))
    t.false(await verifyPassword('correct horsE', variant))
    t.false(await verifyPassword('', variant))
    t.false(await verifyPassword('correct horse ', variant))
  }
})

test('only the first 72 bytes count', async (t) => {
  const long = 'p'.repeat(72)
  const made = await hash(long, 4)
  t.true(await verifyPassword(`${long}anything`, made))
  t.false(await verifyPassword(long.slice(1), made))
  // 72 bytes, not characters: 36 two-byte characters fill them.
  const wide = 'é'.repeat(36)
  t.true(await verifyPassword(`${wide}é`, await hash(wide, 4)))
})

test('no hash, a malformed hash or $2x$ → false (never throws)', async (t) => {
  const [vector, password] = VECTORS[0] as readonly [string, string]
  t.false(await verifyPassword(password, undefined))
  t.false(await verifyPassword('', undefined))
  t.false(await verifyPassword(password, '$2x$' + vector.slice(4)), '$2x$ is not accepted')
  for (const bad of ['', 'plain', vector.slice(0, -1), `${vector}x`, vector.replace('$05$', '$03$'), vector.replace('$05$', '$32$'), '$1$abc$def']) {
    t.false(await verifyPassword(password, bad), bad)
  }
})

test('hashPassword gives $2b$12$ hashes that verify, salted afresh each time', async (t) => {
  const [first, second] = await Promise.all([hashPassword('s3cret'), hashPassword('s3cret')])
  for (const made of [first, second]) {
    t.regex(made, /^\$2b\$12\$[./A-Za-z0-9]{53}$/)
    t.true(BCRYPT_HASH.test(made))
  }
  t.not(first, second)
  t.true(await verifyPassword('s3cret', first))
  t.false(await verifyPassword('s3cret!', second))
})

test('without a hash the answer takes about as long as a real cost-12 comparison, off the main thread', async (t) => {
  const real = await hash('the real password', 12)
  const timed = async (run: () => Promise<boolean>): Promise<number> => {
    const start = performance.now()
    t.false(await run())
    return performance.now() - start
  }
  const realTimes: number[] = []
  const dummyTimes: number[] = []
  for (let i = 0; i < 3; i++) { // interleaved, so load on the machine hits both alike
    realTimes.push(await timed(async () => await verifyPassword('a wrong password', real)))
    dummyTimes.push(await timed(async () => await verifyPassword('a wrong password', undefined)))
  }
  // Load only adds time, so the fastest run of each is the best estimate of its own cost.
  t.log(`real ${realTimes.map(Math.round).join('/')} ms, no hash ${dummyTimes.map(Math.round).join('/')} ms`)
  t.true(Math.min(...dummyTimes) >= 0.5 * Math.min(...realTimes), 'the no-hash path is not measurably faster')

  // The main thread keeps turning while a comparison runs.
  let ticks = 0
  const interval = setInterval(() => { ticks++ }, 5)
  const start = performance.now()
  await verifyPassword('x', undefined)
  const elapsed = performance.now() - start
  clearInterval(interval)
  t.log(`${ticks} timer ticks during a ${Math.round(elapsed)} ms comparison`)
  t.true(ticks >= 3)
})
