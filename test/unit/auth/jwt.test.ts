// SPEC §6.1 (extraction, verification), §6.2 (issued tokens), §9 KASTLEX_JWK_FILE and §11 items 51–52:
// the key formats, every forged-token variant, the clock rules (no sleeps: Date.now is stubbed) and the
// verification cache, which must never outlive a token's exp.
import test from 'ava'
import { constants, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSigner } from 'fast-jwt'
import {
  CLOCK_LEEWAY_SECONDS, createTokenIssuer, createTokenVerifier, extractBearer, ISSUER, loadSigningKey, MAX_TOKEN_LENGTH,
  parseSigningKey, SigningKeyError
} from '../../../src/auth/jwt.js'

const dir = mkdtempSync(join(tmpdir(), 'kastlex-jwt-'))
test.after.always(() => rmSync(dir, { recursive: true, force: true }))

const pair = generateKeyPairSync('ec', { namedCurve: 'P-521' })
const files = {
  sec1: write('sec1.pem', pair.privateKey.export({ type: 'sec1', format: 'pem' }) as string),
  pkcs8: write('pkcs8.pem', pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
  jwk: write('key.jwk', JSON.stringify(pair.privateKey.export({ format: 'jwk' })))
}
const key = loadSigningKey(files.sec1)

function write (name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url')
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/** A compact token with any header and claims, signed as asked. */
function forge (header: Record<string, unknown>, claims: Record<string, unknown>, signer: 'none' | KeyObject | ((input: string) => Buffer)): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
  if (signer === 'none') return `${input}.`
  const signature = typeof signer === 'function'
    ? signer(input)
    : sign('sha512', Buffer.from(input), { key: signer, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64url(signature)}`
}

const ES512 = { alg: 'ES512', typ: 'JWT' }
function claims (overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds()
  return { iss: 'Kastlex', sub: 'user:alice', aud: 'user:alice', iat, exp: iat + 3600, jti: 'j', typ: 'access', pem: {}, ...overrides }
}
const good = (overrides: Record<string, unknown> = {}): string => forge(ES512, claims(overrides), pair.privateKey)

/** Runs `body` with Date.now returning `at` (ms). Synchronous only, so no other test sees the stub. */
function at<T> (ms: number, body: () => T): T {
  const real = Date.now
  Date.now = () => ms
  try {
    return body()
  } finally {
    Date.now = real
  }
}

// ---------------------------------------------------------------------------------------------- keys

test('the P-521 key loads from SEC1 PEM, PKCS#8 PEM, JWK and SEC1 after EC PARAMETERS', (t) => {
  const params = write('params.pem', '-----BEGIN EC PARAMETERS-----\nBgUrgQQAIw==\n-----END EC PARAMETERS-----\n' +
    (pair.privateKey.export({ type: 'sec1', format: 'pem' }) as string))
  const keys = [files.sec1, files.pkcs8, files.jwk, params].map(loadSigningKey)
  const expectedPublic = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string
  for (const loaded of keys) {
    t.is(loaded.publicPem, expectedPublic)
    t.regex(loaded.privatePem, /^-----BEGIN PRIVATE KEY-----\n/)
    t.is(loaded.privateKey.asymmetricKeyDetails?.namedCurve, 'secp521r1')
    t.is(loaded.publicKey.type, 'public')
    t.true(Object.isFrozen(loaded))
  }
  // A token issued with one loading verifies with any other.
  for (const issuing of keys) {
    const token = createTokenIssuer(issuing, 60).issue('alice')
    for (const verifying of keys) t.true(createTokenVerifier(verifying).verify(token).ok)
  }
})

test('JWK with surrounding whitespace and extra members (kid, use) loads', (t) => {
  const jwk = { ...pair.privateKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'ES512' }
  t.is(parseSigningKey(`\n  ${JSON.stringify(jwk, null, 2)}\n`).publicPem, key.publicPem)
})

test('anything but an EC P-521 private key is refused, naming the file and quoting nothing', (t) => {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ed = generateKeyPairSync('ed25519')
  const jwk = pair.privateKey.export({ format: 'jwk' })
  const other = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({ format: 'jwk' })
  const cases: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['p256-sec1', p256.privateKey.export({ type: 'sec1', format: 'pem' }) as string, /found curve prime256v1/],
    ['p256-pkcs8', p256.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, /found curve prime256v1/],
    ['p384-jwk', JSON.stringify(p384.privateKey.export({ format: 'jwk' })), /crv "P-521"/],
    ['p256-jwk-relabelled', JSON.stringify({ ...p256.privateKey.export({ format: 'jwk' }), crv: 'P-521' }), /invalid JWK/],
    ['rsa-pkcs1', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string, /found a rsa key/],
    ['rsa-pkcs8', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, /found a rsa key/],
    ['rsa-jwk', JSON.stringify(rsa.privateKey.export({ format: 'jwk' })), /kty "EC"/],
    ['ed25519', ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, /found a ed25519 key/],
    ['public-pem', pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, /no private key/],
    ['public-jwk', JSON.stringify(pair.publicKey.export({ format: 'jwk' })), /must have d, x and y/],
    ['mismatched-jwk', JSON.stringify({ ...jwk, d: other.d }), /x and y do not match d/],
    ['bad-d-jwk', JSON.stringify({ ...jwk, d: 'AAAA' }), /x and y do not match d|invalid JWK/],
    ['encrypted', pair.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string, /encrypted/],
    ['encrypted-sec1', pair.privateKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string, /encrypted/],
    ['garbage', 'hello world', /neither PEM nor JSON/],
    ['empty', '', /neither PEM nor JSON/],
    ['bad-json', '{"kty":', /neither PEM nor valid JSON/],
    ['json-array', '[1]', /neither PEM nor JSON/],
    ['oct-jwk', '{"kty":"oct","k":"c2VjcmV0"}', /kty "EC"/],
    ['truncated-pem', (pair.privateKey.export({ type: 'sec1', format: 'pem' }) as string).slice(0, 120), /no private key/],
    ['certificate-ish', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', /no private key/]
  ]
  for (const [name, text, detail] of cases) {
    const path = write(name, text)
    const error = t.throws(() => loadSigningKey(path), { instanceOf: SigningKeyError }, name)
    const message = error?.message ?? ''
    t.true(message.startsWith(`${path}: not an EC P-521 private key (`), `${name}: ${message}`)
    t.regex(message, detail, name)
    if (text.length > 40) t.false(message.includes(text.slice(-40, -20)), `${name} quotes the file`)
  }
  const missing = join(dir, 'missing.pem')
  t.throws(() => loadSigningKey(missing), { instanceOf: SigningKeyError, message: `${missing}: cannot read the key file (ENOENT)` })
})

// -------------------------------------------------------------------------------------------- issuing

test('issued tokens: header, claims of SPEC §6.2, and they verify', (t) => {
  const now = 1_700_000_000_123
  const token = createTokenIssuer(key, 2_592_000, { now: () => now }).issue('alice')
  const [header, payload, signature] = token.split('.') as [string, string, string]
  t.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), { alg: 'ES512', typ: 'JWT' })
  const body = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
  t.deepEqual(Object.keys(body).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'pem', 'sub', 'typ'])
  t.is(body.iss, 'Kastlex')
  t.is(body.sub, 'user:alice')
  t.is(body.aud, 'user:alice')
  t.is(body.iat, 1_700_000_000)
  t.is(body.exp, 1_700_000_000 + 2_592_000)
  t.regex(body.jti as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  t.is(body.typ, 'access')
  t.deepEqual(body.pem, {})
  t.is(Buffer.from(signature, 'base64url').length, 132, 'JOSE ES512 signature: r ‖ s, 66 bytes each')

  const fresh = createTokenIssuer(key, 60).issue('bob')
  const { iat, exp } = JSON.parse(Buffer.from(fresh.split('.')[1] as string, 'base64url').toString()) as { iat: number, exp: number }
  t.deepEqual(createTokenVerifier(key).verify(fresh), { ok: true, username: 'bob', exp, iat })
})

test('each token has its own jti', (t) => {
  const issuer = createTokenIssuer(key, 60, { now: () => 1_700_000_000_000 })
  const jtis = new Set(Array.from({ length: 20 }, () => JSON.parse(Buffer.from(issuer.issue('a').split('.')[1] as string, 'base64url').toString()).jti))
  t.is(jtis.size, 20)
})

test('usernames of any form round-trip through sub', (t) => {
  const issuer = createTokenIssuer(key, 60)
  const verifier = createTokenVerifier(key)
  for (const name of ['alice', '123', 'user:nested', 'ünïcödé', 'with space', 'a.b']) {
    t.like(verifier.verify(issuer.issue(name)), { ok: true, username: name })
  }
})

test('the TTL is 1…2^31-1 seconds', (t) => {
  for (const ttl of [0, -1, 1.5, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => createTokenIssuer(key, ttl), { instanceOf: RangeError }, String(ttl))
  }
  t.notThrows(() => createTokenIssuer(key, 1))
  t.notThrows(() => createTokenIssuer(key, 2 ** 31 - 1))
})

// ------------------------------------------------------------------------------------------ verifying

test('a valid token is ok with the username, exp and iat', (t) => {
  const iat = nowSeconds()
  const exp = iat + 100
  t.deepEqual(createTokenVerifier(key).verify(good({ iat, exp })), { ok: true, username: 'alice', exp, iat })
  // Minimal: iss, sub and exp only
  t.deepEqual(createTokenVerifier(key).verify(forge({ alg: 'ES512' }, { iss: 'Kastlex', sub: 'user:x', exp }, pair.privateKey)), { ok: true, username: 'x', exp, iat: undefined })
})

test('forged and unacceptable tokens are refused', (t) => {
  const valid = good()
  const [h, p, s] = valid.split('.') as [string, string, string]
  const publicPem = key.publicPem
  const hmac = (alg: string, secret: string) => (input: string): Buffer => createHmac(alg, secret).update(input).digest()
  const otherP521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const ed = generateKeyPairSync('ed25519').privateKey
  const now = nowSeconds()
  const flip = (text: string, index: number): string =>
    text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1)

  const cases: ReadonlyArray<readonly [string, string]> = [
    // signature and algorithm
    ['tampered payload', `${h}.${b64url(JSON.stringify(claims({ sub: 'user:admin' })))}.${s}`],
    ['tampered payload, one character', `${h}.${flip(p, 10)}.${s}`],
    ['tampered signature', `${h}.${p}.${flip(s, 20)}`],
    ['truncated signature', `${h}.${p}.${s.slice(0, -4)}`],
    ['signature removed', `${h}.${p}.`],
    ['alg none, no signature', forge({ alg: 'none', typ: 'JWT' }, claims(), 'none')],
    ['alg none with the real signature', `${b64url(JSON.stringify({ alg: 'none' }))}.${p}.${s}`],
    ['alg NONE', forge({ alg: 'NONE' }, claims(), 'none')],
    ['HS256 keyed with the public key PEM', forge({ alg: 'HS256', typ: 'JWT' }, claims(), hmac('sha256', publicPem))],
    ['HS512 keyed with the public key PEM', forge({ alg: 'HS512', typ: 'JWT' }, claims(), hmac('sha512', publicPem))],
    ['HS256 keyed with the trimmed public key PEM', forge({ alg: 'HS256' }, claims(), hmac('sha256', publicPem.trim()))],
    ['HS256 keyed with the public JWK', forge({ alg: 'HS256' }, claims(), hmac('sha256', JSON.stringify(pair.publicKey.export({ format: 'jwk' }))))],
    ['ES512 by another P-521 key', forge(ES512, claims(), otherP521)],
    ['ES256 by a P-256 key', forge({ alg: 'ES256' }, claims(), (input) => sign('sha256', Buffer.from(input), { key: p256, dsaEncoding: 'ieee-p1363' }))],
    ['ES512 header, DER signature', forge(ES512, claims(), (input) => sign('sha512', Buffer.from(input), pair.privateKey))],
    ['RS256', forge({ alg: 'RS256' }, claims(), (input) => sign('sha256', Buffer.from(input), rsa))],
    ['PS512', forge({ alg: 'PS512' }, claims(), (input) => sign('sha512', Buffer.from(input), { key: rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }))],
    ['EdDSA', forge({ alg: 'EdDSA' }, claims(), (input) => sign(null, Buffer.from(input), ed))],
    ['ES384 header, our signature', forge({ alg: 'ES384' }, claims(), pair.privateKey)],
    ['no alg', forge({ typ: 'JWT' }, claims(), pair.privateKey)],
    ['unknown crit header', forge({ ...ES512, crit: ['exp'], exp: 1 }, claims(), pair.privateKey)],
    // time
    ['expired', good({ iat: now - 7200, exp: now - 3600 })],
    ['expired a second ago', good({ iat: now - 100, exp: now - 1 })],
    ['issued by fast-jwt in the past, expired', createSigner({ algorithm: 'ES512', key: key.privatePem, clockTimestamp: (now - 7200) * 1000, expiresIn: 3600_000 })({ iss: 'Kastlex', sub: 'user:alice' })],
    ['missing exp', forge(ES512, { iss: 'Kastlex', sub: 'user:alice', iat: now }, pair.privateKey)],
    ['exp null', good({ exp: null })],
    ['exp as text', good({ exp: String(now + 3600) })],
    ['nbf beyond the leeway', good({ nbf: now + CLOCK_LEEWAY_SECONDS + 5 })],
    ['iat beyond the leeway', good({ iat: now + CLOCK_LEEWAY_SECONDS + 5 })],
    ['iat as text', good({ iat: String(now) })],
    ['nbf as text', good({ nbf: String(now) })],
    // issuer and subject
    ['wrong issuer', good({ iss: 'kastlex' })],
    ['other issuer', good({ iss: 'Evil' })],
    ['issuer as a list', good({ iss: ['Kastlex'] })],
    ['no issuer', good({ iss: undefined })],
    ['no sub', good({ sub: undefined })],
    ['sub without user:', good({ sub: 'alice' })],
    ['sub user: with no name', good({ sub: 'user:' })],
    ['sub with other prefix', good({ sub: 'User:alice' })],
    ['sub as a number', good({ sub: 7 })],
    // garbage
    ['empty', ''],
    ['one segment', 'abc'],
    ['two segments', `${h}.${p}`],
    ['four segments', `${h}.${p}.${s}.${s}`],
    ['padding', `${h}=.${p}.${s}`],
    ['whitespace inside', `${h}.${p} .${s}`],
    ['not base64url JSON', 'aaaa.bbbb.cccc'],
    ['header not an object', `${b64url('"ES512"')}.${p}.${s}`],
    ['payload not an object', forge(ES512, [] as unknown as Record<string, unknown>, pair.privateKey)],
    ['payload JSON null', `${h}.${b64url('null')}.${s}`],
    ['random bytes', b64url(Buffer.alloc(300, 7))],
    ['JWE-like, five segments', 'a.b.c.d.e']
  ]
  // Fresh verifier per case and one shared (so a cached valid token cannot leak into a forged one).
  const shared = createTokenVerifier(key)
  t.true(shared.verify(valid).ok)
  for (const [name, token] of cases) {
    const result = createTokenVerifier(key).verify(token)
    t.false(result.ok, name)
    if (!result.ok) t.is(typeof result.reason, 'string')
    t.false(shared.verify(token).ok, `${name} (shared verifier)`)
  }
  t.true(shared.verify(valid).ok)
})

test('refusals happen for the intended reason (not an accidental signature failure)', (t) => {
  const now = nowSeconds()
  const verifier = createTokenVerifier(key)
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['alg none', forge({ alg: 'none' }, claims(), 'none'), 'not a compact ES512 token'],
    ['ES512 header, signature of another length', forge(ES512, claims(), () => Buffer.alloc(64)), 'not a compact ES512 token'],
    ['over the length bound', good({ jti: 'j'.repeat(MAX_TOKEN_LENGTH) }), 'not a compact ES512 token'],
    ['ES384 with a 132-byte signature', forge({ alg: 'ES384' }, claims(), () => Buffer.alloc(132)), 'FAST_JWT_INVALID_ALGORITHM'],
    ['HS256 with the public PEM', forge({ alg: 'HS256' }, claims(), (input) => createHmac('sha256', key.publicPem).update(input).digest()), 'not a compact ES512 token'],
    ['tampered', `${good().split('.')[0] as string}.${b64url(JSON.stringify(claims({ sub: 'user:admin' })))}.${good().split('.')[2] as string}`, 'FAST_JWT_INVALID_SIGNATURE'],
    ['expired', good({ exp: now - 1 }), 'FAST_JWT_EXPIRED'],
    ['missing exp', good({ exp: undefined }), 'FAST_JWT_MISSING_REQUIRED_CLAIM'],
    ['wrong issuer', good({ iss: 'Evil' }), 'FAST_JWT_INVALID_CLAIM_VALUE'],
    ['iat beyond the leeway', good({ iat: now + 120 }), 'iat is in the future'],
    ['nbf beyond the leeway', good({ nbf: now + 120 }), 'nbf is in the future'],
    ['sub', good({ sub: 'alice' }), 'sub is not user:<name>'],
    ['garbage', 'garbage', 'not a compact ES512 token'],
    ['bad JSON in a compact form', `${b64url('{')}.${b64url('{')}.${'A'.repeat(176)}`, 'FAST_JWT_MALFORMED']
  ]
  for (const [name, token, reason] of cases) t.deepEqual(verifier.verify(token), { ok: false, reason }, name)
})

test('exp: valid through its second, no leeway after it', (t) => {
  const exp = 2_000_000_000
  const token = good({ iat: exp - 100, exp })
  const verifier = createTokenVerifier(key, { cacheSize: 0 })
  t.true(at(exp * 1000 - 1000, () => verifier.verify(token).ok))
  t.true(at(exp * 1000, () => verifier.verify(token).ok))
  t.false(at(exp * 1000 + 1, () => verifier.verify(token).ok))
  t.false(at(exp * 1000 + 1000, () => verifier.verify(token).ok))
})

test('iat and nbf: up to 60 s in the future accepted', (t) => {
  const now = 2_000_000_000
  const verifier = createTokenVerifier(key, { cacheSize: 0 })
  for (const claim of ['iat', 'nbf']) {
    const edge = good({ [claim]: now + 60, exp: now + 3600 })
    const beyond = good({ [claim]: now + 61, exp: now + 3600 })
    t.true(at(now * 1000, () => verifier.verify(edge).ok), `${claim} now + 60`)
    t.false(at(now * 1000, () => verifier.verify(beyond).ok), `${claim} now + 61`)
    t.true(at(now * 1000 + 1000, () => verifier.verify(beyond).ok), `${claim} becomes acceptable a second later`)
  }
})

test('the cache never makes an expired token valid, nor an early one valid too soon', (t) => {
  const now = 2_000_000_000
  const verifier = createTokenVerifier(key)
  const token = good({ iat: now, exp: now + 10 })
  t.true(at(now * 1000, () => verifier.verify(token).ok))
  t.true(at(now * 1000 + 5000, () => verifier.verify(token).ok), 'cached while valid')
  t.false(at((now + 10) * 1000 + 1, () => verifier.verify(token).ok), 'expired despite the cache')
  t.false(at((now + 3600) * 1000, () => verifier.verify(token).ok))

  // Not yet valid (nbf beyond the leeway) is re-checked on every call, cached or not.
  const early = good({ iat: now, nbf: now + 300, exp: now + 3600 })
  t.false(at(now * 1000, () => verifier.verify(early).ok))
  t.false(at(now * 1000 + 1000, () => verifier.verify(early).ok))
  t.true(at((now + 240) * 1000, () => verifier.verify(early).ok))
  t.false(at(now * 1000 + 2000, () => verifier.verify(early).ok), 'a cached success does not make it valid earlier')

  // A refusal by the time rules is not cached: a token first seen too early is accepted later.
  const later = good({ iat: now + 1000, exp: now + 3600 })
  t.false(at(now * 1000, () => verifier.verify(later).ok))
  t.true(at((now + 1000) * 1000, () => verifier.verify(later).ok))
})

test('the cache makes repeated verification cheap', (t) => {
  const token = createTokenIssuer(key, 3600).issue('alice')
  const cached = createTokenVerifier(key)
  const uncached = createTokenVerifier(key, { cacheSize: 0 })
  cached.verify(token)
  const slow = time(() => uncached.verify(token), 20)
  const fast = time(() => cached.verify(token), 2000)
  t.log(`verify: ${(slow / 1000).toFixed(1)} µs uncached, ${(fast / 1000).toFixed(1)} µs cached`)
  t.true(fast * 5 < slow)
})

/** Mean ns per call of `verify`, over `n` calls. */
function time (verify: () => void, n: number): number {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) verify()
  return Number(process.hrtime.bigint() - start) / n
}

const stranger = generateKeyPairSync('ec', { namedCurve: 'P-521' })
/** A token with in-range claims signed by another P-521 key: refused only by the ES512 verification. */
const forged = (i = 0): string => forge(ES512, claims({ jti: `forged-${i}` }), stranger.privateKey)

test('failures are cached apart from valid tokens: a flood of distinct refused tokens does not evict a valid one', (t) => {
  const verifier = createTokenVerifier(key, { cacheSize: 10 })
  const valid = good()
  t.true(verifier.verify(valid).ok)
  // Refused without a signature check (wrong algorithm), so thousands stay quick; they are remembered all the same.
  for (let i = 0; i < 5000; i++) {
    t.false(verifier.verify(forge({ alg: 'ES384' }, claims({ jti: `flood-${i}` }), () => Buffer.alloc(132))).ok)
  }
  for (let i = 0; i < 20; i++) t.false(verifier.verify(forged(i)).ok)
  // `admit` runs on every path but a valid-cache hit (before any signature check).
  let admitted = false
  t.true(verifier.verify(valid, () => { admitted = true }).ok)
  t.false(admitted, 'still a cache hit')
})

test('a repeated forged token costs a cache hit, and stays refused', (t) => {
  const verifier = createTokenVerifier(key)
  const token = forged()
  const first = time(() => t.deepEqual(verifier.verify(token), { ok: false, reason: 'FAST_JWT_INVALID_SIGNATURE' }), 1)
  const again = time(() => t.deepEqual(verifier.verify(token), { ok: false, reason: 'FAST_JWT_INVALID_SIGNATURE' }), 200)
  t.log(`forged token: ${(first / 1000).toFixed(1)} µs first, ${(again / 1000).toFixed(1)} µs repeated`)
  t.true(again * 5 < first)
})

test('admit is asked before anything but a cached valid token is looked at, and may refuse', (t) => {
  const verifier = createTokenVerifier(key)
  const valid = good()
  const refuse = (): never => { throw new Error('refused') }
  t.throws(() => verifier.verify(valid, refuse), { message: 'refused' }, 'not verified yet: admit decides')
  let asked = 0
  t.true(verifier.verify(valid, () => { asked++ }).ok)
  t.is(asked, 1)
  t.true(verifier.verify(valid, refuse).ok, 'a cached valid token is not held up')
  for (const token of [forged(), 'garbage', forge({ alg: 'none' }, claims(), 'none')]) {
    t.false(verifier.verify(token).ok)
    t.throws(() => verifier.verify(token, refuse), { message: 'refused' }, 'a known refusal is refused by admit too')
  }
})

// ---------------------------------------------------------------------------------------- extraction

test('extractBearer: first authorization line of the form Bearer[:] <token>', (t) => {
  const cases: ReadonlyArray<readonly [readonly string[], string | undefined]> = [
    [[], undefined],
    [['Bearer abc.def.ghi'], 'abc.def.ghi'],
    [['bearer abc'], 'abc'],
    [['BEARER abc'], 'abc'],
    [['Bearer: abc'], 'abc'],
    [['Bearer:abc'], undefined],
    [['Bearer:  \t abc'], 'abc'],
    [['  Bearer abc  '], 'abc'],
    [['Bearerabc'], undefined],
    [['Bearer'], undefined],
    [['Bearer '], undefined],
    [['Bearer abc def'], undefined],
    [['Basic dXNlcjpwdw=='], undefined],
    [['Token Bearer abc'], undefined],
    [['xBearer abc'], undefined],
    [['Basic x', 'Bearer second'], 'second'],
    [['Bearer first', 'Bearer second'], 'first'],
    [['Bearer a b', 'Bearer c'], 'c'],
    [['Bearer ::'], '::']
  ]
  for (const [lines, expected] of cases) t.is(extractBearer(lines), expected, JSON.stringify(lines))
})

test('ISSUER is Kastlex', (t) => {
  t.is(ISSUER, 'Kastlex')
})
