// The token-storage record (SPEC §6.7): key `user:<name>` (UTF-8), value = the Erlang external term of
// `#{exp => Exp, token_hash => <<SHA-256 of the compact JWT, 32 bytes>>}`.
//
// Writing is byte-exact: `83 74 00000002` · `64 0003 "exp"` · int · `64 000A "token_hash"` ·
// `6D 00000020` + 32 bytes, where int = `62` + int32 BE when −2³¹ ≤ Exp < 2³¹, else `6E` n sign + n
// little-endian digit bytes (smallest n); usually 67 bytes.
//
// Reading accepts: version 131, map (116) with any key order and extra keys; atom keys with tags
// 100/115 (Latin-1) and 118/119 (UTF-8); integer values with tags 97/98/110/111; `token_hash` a binary
// (109) of exactly 32 bytes. Extra keys/values may be atoms, integers or binaries (anything else makes
// the record unreadable). Trailing bytes after the term, duplicate keys, a missing key or an `exp` that
// is not a safe integer make it unreadable too. A value whose first byte is `{` is read as the JSON form
// `{"exp":N,"token_hash":"<64 hex>"}` (other members ignored). Null or empty = tombstone. Unreadable →
// undefined (the caller skips and logs it); the decoder never throws.
import { createHash } from 'node:crypto'

export interface TokenEntry {
  readonly exp: number
  /** 32 bytes: SHA-256 of the compact JWT text. */
  readonly tokenHash: Buffer
}

const VERSION = 131
const MAP_EXT = 116
const ATOM_EXT = 100
const SMALL_ATOM_EXT = 115
const ATOM_UTF8_EXT = 118
const SMALL_ATOM_UTF8_EXT = 119
const SMALL_INTEGER_EXT = 97
const INTEGER_EXT = 98
const SMALL_BIG_EXT = 110
const LARGE_BIG_EXT = 111
const BINARY_EXT = 109

const HASH_BYTES = 32
const INT32_MIN = -0x80000000
const INT32_MAX = 0x7fffffff
const KEY_PREFIX = 'user:'

/** The value written at login, exactly as SPEC §6.7 lays it out. Throws RangeError on an invalid entry. */
export function encodeTokenRecord (entry: TokenEntry): Buffer {
  const { exp, tokenHash } = entry
  if (!Number.isSafeInteger(exp)) throw new RangeError(`token record exp must be a safe integer, got ${exp}`)
  if (!Buffer.isBuffer(tokenHash) || tokenHash.length !== HASH_BYTES) {
    throw new RangeError(`token record hash must be ${HASH_BYTES} bytes`)
  }
  return Buffer.concat([
    Buffer.from([VERSION, MAP_EXT, 0, 0, 0, 2]),
    atom('exp'),
    encodeInteger(exp),
    atom('token_hash'),
    Buffer.from([BINARY_EXT, 0, 0, 0, HASH_BYTES]),
    tokenHash
  ])
}

function atom (name: string): Buffer {
  const text = Buffer.from(name, 'latin1')
  const head = Buffer.from([ATOM_EXT, 0, 0])
  head.writeUInt16BE(text.length, 1)
  return Buffer.concat([head, text])
}

function encodeInteger (value: number): Buffer {
  if (value >= INT32_MIN && value <= INT32_MAX) {
    const out = Buffer.alloc(5)
    out[0] = INTEGER_EXT
    out.writeInt32BE(value, 1)
    return out
  }
  let magnitude = BigInt(Math.abs(value))
  const digits: number[] = []
  while (magnitude > 0n) {
    digits.push(Number(magnitude & 0xffn))
    magnitude >>= 8n
  }
  return Buffer.from([SMALL_BIG_EXT, digits.length, value < 0 ? 1 : 0, ...digits])
}

/** A record value → its entry, 'tombstone' (null/empty) or undefined (unreadable). Never throws. */
export function decodeTokenRecord (value: Buffer | null | undefined): TokenEntry | 'tombstone' | undefined {
  try {
    if (value === null || value === undefined) return 'tombstone'
    const raw: unknown = value // callers outside TS may pass anything
    if (!(raw instanceof Uint8Array)) return undefined
    if (raw.length === 0) return 'tombstone'
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.length)
    if (bytes[0] === 0x7b) return decodeJson(bytes)
    return decodeTerm(bytes)
  } catch {
    return undefined
  }
}

function decodeJson (bytes: Buffer): TokenEntry | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const { exp, token_hash: hash } = parsed as Record<string, unknown>
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp)) return undefined
  if (typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) return undefined
  return { exp, tokenHash: Buffer.from(hash, 'hex') }
}

/** A parsed term: an atom's name, an integer (bigint, exact), a binary, or a skipped value. */
type Term =
  | { readonly kind: 'atom', readonly name: string }
  | { readonly kind: 'integer', readonly value: bigint | undefined }
  | { readonly kind: 'binary', readonly bytes: Buffer }

/** Thrown internally on malformed input; caught by decodeTokenRecord. */
class Malformed extends Error {}

class Reader {
  pos = 0
  constructor (readonly bytes: Buffer) {}

  need (n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) throw new Malformed('truncated')
  }

  u8 (): number {
    this.need(1)
    return this.bytes[this.pos++] as number
  }

  u16 (): number {
    this.need(2)
    const v = this.bytes.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }

  u32 (): number {
    this.need(4)
    const v = this.bytes.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }

  i32 (): number {
    this.need(4)
    const v = this.bytes.readInt32BE(this.pos)
    this.pos += 4
    return v
  }

  take (n: number): Buffer {
    this.need(n)
    const out = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** One term of a supported type; anything else is Malformed. */
  term (): Term {
    const tag = this.u8()
    switch (tag) {
      case ATOM_EXT: return { kind: 'atom', name: this.take(this.u16()).toString('latin1') }
      case SMALL_ATOM_EXT: return { kind: 'atom', name: this.take(this.u8()).toString('latin1') }
      case ATOM_UTF8_EXT: return { kind: 'atom', name: this.take(this.u16()).toString('utf8') }
      case SMALL_ATOM_UTF8_EXT: return { kind: 'atom', name: this.take(this.u8()).toString('utf8') }
      case SMALL_INTEGER_EXT: return { kind: 'integer', value: BigInt(this.u8()) }
      case INTEGER_EXT: return { kind: 'integer', value: BigInt(this.i32()) }
      case SMALL_BIG_EXT: return this.big(this.u8())
      case LARGE_BIG_EXT: return this.big(this.u32())
      case BINARY_EXT: return { kind: 'binary', bytes: this.take(this.u32()) }
      default: throw new Malformed(`unsupported tag ${tag}`)
    }
  }

  /** A bignum's sign and n little-endian digits; value undefined when wider than 64 bits (never an exp). */
  big (n: number): Term {
    const sign = this.u8()
    if (sign !== 0 && sign !== 1) throw new Malformed('bad bignum sign')
    const digits = this.take(n)
    let top = digits.length
    while (top > 0 && digits[top - 1] === 0) top--
    if (top > 8) return { kind: 'integer', value: undefined }
    let magnitude = 0n
    for (let i = top - 1; i >= 0; i--) magnitude = (magnitude << 8n) | BigInt(digits[i] as number)
    return { kind: 'integer', value: sign === 1 ? -magnitude : magnitude }
  }
}

function decodeTerm (bytes: Buffer): TokenEntry | undefined {
  const r = new Reader(bytes)
  if (r.u8() !== VERSION || r.u8() !== MAP_EXT) return undefined
  const arity = r.u32()
  let exp: Term | undefined
  let hash: Term | undefined
  const seen = new Set<string>()
  for (let i = 0; i < arity; i++) {
    const key = r.term()
    const value = r.term()
    if (key.kind !== 'atom') continue
    if (seen.has(key.name)) return undefined
    seen.add(key.name)
    if (key.name === 'exp') exp = value
    else if (key.name === 'token_hash') hash = value
  }
  if (r.pos !== bytes.length) return undefined
  if (exp?.kind !== 'integer' || exp.value === undefined) return undefined
  if (hash?.kind !== 'binary' || hash.bytes.length !== HASH_BYTES) return undefined
  const expNumber = Number(exp.value)
  if (!Number.isSafeInteger(expNumber) || BigInt(expNumber) !== exp.value) return undefined
  return { exp: expNumber, tokenHash: Buffer.from(hash.bytes) }
}

export const tokenKey = (username: string): string => `${KEY_PREFIX}${username}`

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The username of a key `user:<name>` (non-empty name, valid UTF-8), else undefined. */
export function usernameOfKey (key: Buffer | string | null | undefined): string | undefined {
  let text: string
  if (typeof key === 'string') text = key
  else if (key instanceof Uint8Array) {
    try {
      text = utf8.decode(key)
    } catch {
      return undefined
    }
  } else return undefined
  if (!text.startsWith(KEY_PREFIX) || text.length === KEY_PREFIX.length) return undefined
  return text.slice(KEY_PREFIX.length)
}

/** SHA-256 of the compact token text (UTF-8). */
export function tokenHash (token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}
