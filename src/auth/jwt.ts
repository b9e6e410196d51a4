// ES512 access tokens (SPEC §6.1, §6.2): the signing key from KASTLEX_JWK_FILE, the issuer used by
// POST /login and the verifier used for every request that presents a token. Verification accepts only a
// compact JWS with alg ES512 signed by our key (no `none`, no HMAC keyed with our public key, no other
// algorithm); a repeated token, valid or not, costs a hash and a lookup (two caches kept apart).
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createSigner, createVerifier } from 'fast-jwt'
import { LruMap } from './lru.js'

export const ISSUER = 'Kastlex'
const SUBJECT_PREFIX = 'user:'
/** Leeway on `iat` and `nbf` (SPEC §6.1); none on `exp`. */
export const CLOCK_LEEWAY_SECONDS = 60
const MAX_TTL_SECONDS = 2 ** 31 - 1

/** The gateway's EC P-521 key pair; the PEM texts are what fast-jwt signs and verifies with. */
export interface SigningKey {
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** PKCS#8 PEM of the private key. */
  readonly privatePem: string
  /** SPKI PEM of the public key. */
  readonly publicPem: string
}

/** The key file is missing, unreadable or not an EC P-521 private key; the message names the file. */
export class SigningKeyError extends Error {
  override name = 'SigningKeyError'
}

/**
 * Reads an EC P-521 private key: PEM (SEC1 `EC PRIVATE KEY`, optionally after `EC PARAMETERS`, or
 * unencrypted PKCS#8 `PRIVATE KEY`) or a JSON JWK with kty EC, crv P-521, d, x and y. Anything else
 * (RSA, another curve, a public key alone, an encrypted key, garbage) throws SigningKeyError naming the
 * file. Messages never quote the file.
 */
export function loadSigningKey (path: string): SigningKey {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new SigningKeyError(`${path}: cannot read the key file${code === undefined ? '' : ` (${code})`}`)
  }
  return parseSigningKey(text, path)
}

/** As loadSigningKey, from the file's text; `name` is the file's name in messages. */
export function parseSigningKey (text: string, name = 'key file'): SigningKey {
  const fail = (problem: string): SigningKeyError =>
    new SigningKeyError(`${name}: not an EC P-521 private key (${problem})`)
  let privateKey: KeyObject
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    let jwk: unknown
    try {
      jwk = JSON.parse(trimmed)
    } catch {
      throw fail('neither PEM nor valid JSON')
    }
    if (!isRecord(jwk) || jwk.kty !== 'EC' || jwk.crv !== 'P-521') throw fail('JWK must have kty "EC" and crv "P-521"')
    if (typeof jwk.d !== 'string' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
      throw fail('JWK must have d, x and y')
    }
    try {
      privateKey = createPrivateKey({ key: { kty: 'EC', crv: 'P-521', d: jwk.d, x: jwk.x, y: jwk.y }, format: 'jwk' })
    } catch {
      throw fail('invalid JWK')
    }
  } else {
    if (!trimmed.includes('-----BEGIN ')) throw fail('neither PEM nor JSON')
    if (trimmed.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || trimmed.includes('Proc-Type: 4,ENCRYPTED')) {
      throw fail('encrypted keys are not supported')
    }
    try {
      privateKey = createPrivateKey({ key: trimmed, format: 'pem' })
    } catch {
      throw fail('no private key in the PEM text')
    }
  }
  if (privateKey.asymmetricKeyType !== 'ec') throw fail(`found a ${privateKey.asymmetricKeyType ?? 'secret'} key`)
  const curve = privateKey.asymmetricKeyDetails?.namedCurve
  if (curve !== 'secp521r1') throw fail(`found curve ${curve ?? 'unknown'}`)
  const publicKey = createPublicKey(privateKey)
  // A JWK's x/y need not match its d: prove the pair works before serving with it.
  const probe = Buffer.from('kastlex key check')
  if (!verify('sha512', probe, publicKey, sign('sha512', probe, privateKey))) throw fail('x and y do not match d')
  return Object.freeze({
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string
  })
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The claims of an issued token (SPEC §6.2). */
export interface TokenClaims {
  readonly iss: typeof ISSUER
  readonly sub: string
  readonly aud: string
  readonly iat: number
  readonly exp: number
  readonly jti: string
  readonly typ: 'access'
  readonly pem: Readonly<Record<string, never>>
}

export interface TokenIssuer {
  /** A compact ES512 JWS for `username`, valid for the issuer's TTL from now. */
  issue (username: string): string
}

export interface TokenIssuerOptions {
  /** Milliseconds since the epoch (tests); default Date.now. */
  readonly now?: () => number
}

/** `ttlSeconds` = KASTLEX_TOKEN_TTL_SECONDS, 1…2³¹−1. */
export function createTokenIssuer (key: SigningKey, ttlSeconds: number, options: TokenIssuerOptions = {}): TokenIssuer {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new RangeError(`token TTL must be an integer from 1 to ${MAX_TTL_SECONDS} seconds`)
  }
  const now = options.now ?? Date.now
  const signer = createSigner({ algorithm: 'ES512', key: key.privatePem })
  return {
    issue (username: string): string {
      const iat = Math.floor(now() / 1000)
      const subject = SUBJECT_PREFIX + username
      const claims: TokenClaims = {
        iss: ISSUER,
        sub: subject,
        aud: subject,
        iat,
        exp: iat + ttlSeconds,
        jti: randomUUID(),
        typ: 'access',
        pem: {}
      }
      return signer(claims)
    }
  }
}

export type VerifiedToken =
  | { readonly ok: true, readonly username: string, readonly exp: number, /** The `iat` claim (s), if any. */ readonly iat: number | undefined }
  | { readonly ok: false, readonly reason: string }

export interface TokenVerifier {
  /**
   * Checks signature and claims (SPEC §6.1) and never throws, except what `admit` throws. Whether the
   * user still exists, and the token store, are the caller's business. `admit` is called before
   * anything but a cached valid token is looked at: it may throw to refuse the request (the failure
   * limit per address) before any signature is checked.
   */
  verify (token: string, admit?: () => void): VerifiedToken
}

export interface TokenVerifierOptions {
  /** Valid tokens kept verified (LRU); 0 = no cache. Default 10000. */
  readonly cacheSize?: number
  /** Refused tokens remembered (LRU), apart from valid ones; 0 = none. Default 10000. */
  readonly failureCacheSize?: number
}

/**
 * Longest token looked at; longer ones are refused unread. An issued token is about 450 characters
 * plus 2⅔ per character of the username (which it holds twice).
 */
export const MAX_TOKEN_LENGTH = 16 * 1024
/** Compact JWS: three base64url segments, the last one an ES512 signature (132 bytes → 176 characters). */
const COMPACT_ES512 = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{176}$/

/** What a verified token leaves in the cache: enough to re-check the time rules on every use. */
interface Verified {
  readonly username: string
  readonly exp: number
  readonly iat: number | undefined
  readonly nbf: number | undefined
}

/**
 * The verifier for tokens signed with `key`. Two caches keyed by the token's SHA-256: valid tokens
 * (until their `exp`) and refused ones (for good: a token refused by the signature or the
 * time-independent claims, or expired, never becomes valid), so a repeated token of either kind costs
 * a hash and a lookup, and a flood of forged tokens cannot evict a valid one. Only the time rules that
 * fast-jwt cannot express (the `iat`/`nbf` leeway without one on `exp`) are checked here, on every call,
 * cached or not, and their refusals are not cached (an early token becomes acceptable later).
 */
export function createTokenVerifier (key: SigningKey, options: TokenVerifierOptions = {}): TokenVerifier {
  const valid = new LruMap<string, Verified>(options.cacheSize ?? 10_000)
  const refused = new LruMap<string, string>(options.failureCacheSize ?? 10_000)
  const verifier = createVerifier({
    key: key.publicPem,
    algorithms: ['ES512'],
    allowedIss: ISSUER,
    requiredClaims: ['iss', 'sub', 'exp'],
    clockTolerance: 0,
    ignoreNotBefore: true, // checked below with the leeway
    cache: false
  })

  /** Signature and time-independent claims, and `exp`: a refusal here is final. */
  const check = (token: string): Verified | string => {
    let payload: Record<string, unknown>
    try {
      payload = verifier(token) as Record<string, unknown>
    } catch (err) {
      return (err as { code?: string }).code ?? 'invalid token'
    }
    const { sub, exp, iat, nbf } = payload
    if (typeof sub !== 'string' || !sub.startsWith(SUBJECT_PREFIX) || sub.length === SUBJECT_PREFIX.length) return 'sub is not user:<name>'
    if (iat !== undefined && typeof iat !== 'number') return 'iat is not a number'
    if (nbf !== undefined && typeof nbf !== 'number') return 'nbf is not a number'
    return { username: sub.slice(SUBJECT_PREFIX.length), exp: exp as number, iat, nbf }
  }

  const timely = (token: Verified): VerifiedToken => {
    const latest = Date.now() / 1000 + CLOCK_LEEWAY_SECONDS
    if (token.iat !== undefined && token.iat > latest) return { ok: false, reason: 'iat is in the future' }
    if (token.nbf !== undefined && token.nbf > latest) return { ok: false, reason: 'nbf is in the future' }
    return { ok: true, username: token.username, exp: token.exp, iat: token.iat }
  }

  return {
    verify (token: string, admit?: () => void): VerifiedToken {
      const wellFormed = token.length <= MAX_TOKEN_LENGTH && COMPACT_ES512.test(token)
      const digest = wellFormed ? createHash('sha256').update(token).digest('base64') : ''
      const cached = wellFormed ? valid.get(digest) : undefined
      if (cached !== undefined) {
        // As fast-jwt: valid through the millisecond of `exp`; afterwards verified afresh (and refused).
        if (Date.now() <= cached.exp * 1000) return timely(cached)
        valid.delete(digest)
      }
      admit?.()
      if (!wellFormed) return { ok: false, reason: 'not a compact ES512 token' }
      const known = refused.get(digest)
      if (known !== undefined) return { ok: false, reason: known }
      const result = check(token)
      if (typeof result === 'string') {
        refused.set(digest, result)
        return { ok: false, reason: result }
      }
      valid.set(digest, result)
      return timely(result)
    }
  }
}

const BEARER = /^Bearer:?\s+(\S+)$/i

/**
 * The token of the first `authorization` line whose trimmed value is `Bearer[:] <token>` (SPEC §6.1,
 * case-insensitive); undefined = anonymous (no such line, e.g. only `Basic …`).
 */
export function extractBearer (authorizationLines: readonly string[]): string | undefined {
  for (const line of authorizationLines) {
    const match = BEARER.exec(line.trim())
    if (match !== null) return match[1]
  }
  return undefined
}
