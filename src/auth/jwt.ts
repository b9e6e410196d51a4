// ES512 access tokens (SPEC §6.1, §6.2): the signing key from KASTLEX_JWK_FILE, the issuer used by
// POST /login and the verifier used for every request that presents a token. Verification accepts only a
// compact JWS with alg ES512 signed by our key (no `none`, no HMAC keyed with our public key, no other
// algorithm); fast-jwt's cache keeps a repeated token at a few µs and never outlives the token's `exp`.
import { createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createSigner, createVerifier } from 'fast-jwt'

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
  | { readonly ok: true, readonly username: string, readonly exp: number }
  | { readonly ok: false, readonly reason: string }

export interface TokenVerifier {
  /**
   * Checks signature and claims (SPEC §6.1) and never throws. Whether the user still exists, and the
   * token store, are the caller's business.
   */
  verify (token: string): VerifiedToken
}

export interface TokenVerifierOptions {
  /** Tokens kept verified (LRU); 0 = no cache. Default 10000. */
  readonly cacheSize?: number
}

/**
 * The verifier for tokens signed with `key`. Only the time rules that fast-jwt cannot express are
 * checked here (the `iat`/`nbf` leeway without one on `exp`), and on every call, cached or not: fast-jwt
 * caches a token at most until its `exp` and never caches a failure (errorCacheTTL −1), so a cache hit
 * is exactly "the signature and the time-independent claims were verified before".
 */
export function createTokenVerifier (key: SigningKey, options: TokenVerifierOptions = {}): TokenVerifier {
  const cacheSize = options.cacheSize ?? 10_000
  const verifier = createVerifier({
    key: key.publicPem,
    algorithms: ['ES512'],
    allowedIss: ISSUER,
    requiredClaims: ['iss', 'sub', 'exp'],
    clockTolerance: 0,
    ignoreNotBefore: true, // checked below with the leeway
    cache: cacheSize > 0 ? cacheSize : false,
    errorCacheTTL: -1
  })
  return {
    verify (token: string): VerifiedToken {
      let payload: Record<string, unknown>
      try {
        payload = verifier(token) as Record<string, unknown>
      } catch (err) {
        return { ok: false, reason: (err as { code?: string }).code ?? 'invalid token' }
      }
      const latest = Date.now() / 1000 + CLOCK_LEEWAY_SECONDS
      for (const claim of ['iat', 'nbf'] as const) {
        const value = payload[claim]
        if (value === undefined) continue
        if (typeof value !== 'number') return { ok: false, reason: `${claim} is not a number` }
        if (value > latest) return { ok: false, reason: `${claim} is in the future` }
      }
      const { sub, exp } = payload
      if (typeof sub !== 'string' || !sub.startsWith(SUBJECT_PREFIX) || sub.length === SUBJECT_PREFIX.length) {
        return { ok: false, reason: 'sub is not user:<name>' }
      }
      return { ok: true, username: sub.slice(SUBJECT_PREFIX.length), exp: exp as number }
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
