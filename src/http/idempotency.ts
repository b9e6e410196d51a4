// `Idempotency-Key` (SPEC §10.6): the instance's memory of produce answers by (user, key), so that a
// client that lost an answer can send the request again without writing the record twice.
import { createHash, hash } from 'node:crypto'
import { Fifo } from '../fifo.js'
import { idempotencyKeyReused, invalid } from './errors.js'
import type { Reply } from './router.js'

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key'
const REPLAYED: readonly [string, string] = ['idempotent-replayed', 'true']
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/


/** The request's key: one line of 1–255 characters in 0x21–0x7E, else 400; undefined when absent. */
export function idempotencyKey (lines: readonly string[]): string | undefined {
  if (lines.length === 0) return undefined
  const key = lines[0] as string
  if (lines.length > 1 || !KEY_PATTERN.test(key)) throw invalid(IDEMPOTENCY_KEY_HEADER)
  return key
}

/** Requests up to this size are hashed in one call; larger ones as they lie, without a copy. */
const ONE_SHOT_BYTES = 64 * 1024

/**
 * SHA-256 of the fields, each preceded by its byte length as an int32 (an absent field by −1), so that
 * no two different field lists hash the same bytes.
 */
export function fingerprint (fields: ReadonlyArray<string | Uint8Array | undefined>): string {
  let size = 0
  for (const field of fields) size += 4 + (field === undefined ? 0 : typeof field === 'string' ? Buffer.byteLength(field) : field.byteLength)
  if (size > ONE_SHOT_BYTES) return hashedInParts(fields)
  // One buffer and one-shot hashing: about half the cost of an incremental hash for a 1 KB record.
  const bytes = Buffer.allocUnsafe(size)
  let at = 0
  for (const field of fields) {
    let length = -1
    if (typeof field === 'string') length = bytes.write(field, at + 4)
    else if (field !== undefined) {
      bytes.set(field, at + 4)
      length = field.byteLength
    }
    bytes.writeInt32BE(length, at)
    at += 4 + Math.max(length, 0)
  }
  return hash('sha256', bytes, 'base64')
}

function hashedInParts (fields: ReadonlyArray<string | Uint8Array | undefined>): string {
  const sha256 = createHash('sha256')
  const length = Buffer.alloc(4)
  for (const field of fields) {
    const bytes = typeof field === 'string' ? Buffer.from(field) : field
    length.writeInt32BE(bytes === undefined ? -1 : bytes.byteLength)
    sha256.update(length)
    if (bytes !== undefined) sha256.update(bytes)
  }
  return sha256.digest('base64')
}

interface Kept {
  readonly id: string
  readonly fingerprint: string
  /** The 2xx answer, replayed with `idempotent-replayed: true`. */
  readonly reply: Reply
  readonly expires: number
}

interface Running {
  readonly fingerprint: string
  /** Repeats waiting for the first request's outcome; created by the first of them. */
  waiters: Array<() => void> | undefined
}

export interface IdempotencyLimits {
  readonly ttlMs: number
  /** Kept answers at most; the oldest goes first. */
  readonly maxKeys: number
}

/**
 * Kept answers (bounded by `maxKeys`, each for `ttlMs`) and the requests running under a key. A running
 * request is not counted in `maxKeys`: requests in flight are bounded elsewhere, and forgetting one
 * would let its repeat write a second record.
 */
export class IdempotencyStore {
  private readonly kept = new Map<string, Kept>()
  /**
   * Kept answers in the order kept, which is expiry order (one TTL for all). A Map cannot serve as this
   * queue: the holes its deletions leave at the front make every walk from the start slower.
   */
  private readonly order = new Fifo<Kept>()
  private readonly running = new Map<string, Running>()

  constructor (private readonly limits: IdempotencyLimits, private readonly now: () => number = () => performance.now()) {}

  get size (): number {
    return this.kept.size
  }

  /**
   * `work`'s answer for the first request with this key; a repeat with the same fingerprint gets that
   * answer again (if 2xx and not expired) without running `work`, and waits while the first runs; a
   * repeat with another fingerprint gets 422. A failed or non-2xx first lets the next repeat run.
   */
  async run (user: string, key: string, requestFingerprint: string, work: () => Promise<Reply>): Promise<Reply> {
    // A key has no space: the first one ends it.
    const id = `${key} ${user}`
    for (;;) {
      const kept = this.live(id)
      if (kept !== undefined) {
        if (kept.fingerprint !== requestFingerprint) throw idempotencyKeyReused()
        return { ...kept.reply, headers: [...(kept.reply.headers ?? []), REPLAYED] }
      }
      const running = this.running.get(id)
      if (running === undefined) break
      if (running.fingerprint !== requestFingerprint) throw idempotencyKeyReused()
      await new Promise<void>((resolve) => { (running.waiters ??= []).push(resolve) })
    }
    const running: Running = { fingerprint: requestFingerprint, waiters: undefined }
    this.running.set(id, running)
    try {
      const reply = await work()
      if (reply.status >= 200 && reply.status < 300) this.keep(id, requestFingerprint, reply)
      return reply
    } finally {
      this.running.delete(id)
      if (running.waiters !== undefined) for (const wake of running.waiters) wake()
    }
  }

  private live (id: string): Kept | undefined {
    const kept = this.kept.get(id)
    if (kept === undefined || kept.expires > this.now()) return kept
    this.kept.delete(id)
    return undefined
  }

  private keep (id: string, requestFingerprint: string, reply: Reply): void {
    const now = this.now()
    for (let oldest = this.order.peek(); oldest !== undefined; oldest = this.order.peek()) {
      if (oldest.expires > now && this.kept.size < this.limits.maxKeys) break
      this.order.shift()
      // Already gone (expired when looked up, and maybe kept anew since) when it is not the one stored.
      if (this.kept.get(oldest.id) === oldest) this.kept.delete(oldest.id)
    }
    const entry: Kept = { id, fingerprint: requestFingerprint, reply, expires: now + this.limits.ttlMs }
    this.kept.set(id, entry)
    this.order.push(entry)
  }
}
