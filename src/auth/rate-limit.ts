// The login rate limit (SPEC §6.6, §11 item 44). Per instance, a sliding window of `windowSeconds`: at
// most `maxPerAddress` attempts per client address (any outcome) and `maxFailuresPerUser` failures per
// submitted username. A request over either limit is neither evaluated nor counted: 429 with
// `retry-after` = whole seconds until it would be allowed (≥ 1).
//
// An event at time t counts while now < t + window. Memory is bounded: a key keeps at most `limit`
// timestamps (older ones cannot change a decision), expired timestamps are pruned whenever a key is
// touched, keys whose newest event has expired are swept in order of last activity, keys longer than
// 128 characters are stored as their SHA-256, and at most `maxKeys` keys per table are kept (the least
// recently recorded is evicted first). Eviction forgets a key's history, so the cap should stay well
// above the number of addresses and usernames active within one window; flooding 100 000 distinct
// usernames to evict a victim's failures takes 100 000 bcrypt comparisons, which is its own limit.
import { createHash } from 'node:crypto'

export interface LoginRateLimitOptions {
  readonly windowSeconds: number
  readonly maxPerAddress: number
  readonly maxFailuresPerUser: number
  /** Cap on tracked keys per table (addresses, usernames). Default 100 000. */
  readonly maxKeys?: number
}

export type RateLimitDecision =
  | { readonly allowed: true }
  | { readonly allowed: false, /** Whole seconds until the request would be allowed, ≥ 1. */ readonly retryAfterSeconds: number }

/** An admitted login (see `LoginRateLimiter.begin`): its attempt and a provisional failure are counted. */
export interface LoginPermit {
  readonly allowed: true
  /** The password matched: withdraw the provisional failure. Idempotent. */
  readonly succeeded: () => void
}

export const DEFAULT_MAX_KEYS = 100_000

export class LoginRateLimiter {
  private readonly addresses: SlidingWindow
  private readonly users: SlidingWindow

  constructor (options: LoginRateLimitOptions) {
    const windowMs = positiveInteger('windowSeconds', options.windowSeconds) * 1000
    const maxKeys = positiveInteger('maxKeys', options.maxKeys ?? DEFAULT_MAX_KEYS)
    this.addresses = new SlidingWindow(windowMs, positiveInteger('maxPerAddress', options.maxPerAddress), maxKeys)
    this.users = new SlidingWindow(windowMs, positiveInteger('maxFailuresPerUser', options.maxFailuresPerUser), maxKeys)
  }

  /** Whether a login from `address` for `username` may be evaluated now. Counts nothing. */
  check (address: string, username: string, now: number = Date.now()): RateLimitDecision {
    const waitMs = Math.max(this.addresses.waitMs(address, now), this.users.waitMs(username, now))
    return waitMs <= 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }
  }

  /** Counts an evaluated attempt (any outcome) against `address`. */
  recordAttempt (address: string, now: number = Date.now()): void {
    this.addresses.record(address, now)
  }

  /** Counts a failed attempt against `username`. */
  recordFailure (username: string, now: number = Date.now()): void {
    this.users.record(username, now)
  }

  /**
   * `check`, then — if allowed — `recordAttempt` and a provisional `recordFailure` in one synchronous
   * step, withdrawn by `succeeded()`. Unlike check-then-`recordFailure`-after-bcrypt, this also bounds
   * concurrent guesses: failures are counted while their comparisons are still running.
   */
  begin (address: string, username: string, now: number = Date.now()): LoginPermit | Extract<RateLimitDecision, { allowed: false }> {
    const decision = this.check(address, username, now)
    if (!decision.allowed) return decision
    this.addresses.record(address, now)
    this.users.record(username, now)
    let withdrawn = false
    return {
      allowed: true,
      succeeded: () => {
        if (withdrawn) return
        withdrawn = true
        this.users.remove(username, now)
      }
    }
  }

  /** Tracked keys per table (for tests and metrics). */
  get size (): { readonly addresses: number, readonly users: number } {
    return { addresses: this.addresses.size, users: this.users.size }
  }
}

/**
 * The client address of SPEC §6.6: the socket peer; behind `hops` trusted proxies (each appends the
 * address it was called from to `x-forwarded-for`), the entry `hops` from the right (1 = right-most),
 * trimmed; the left-most when the list is shorter; the peer when the header is absent or that entry
 * empty. Entries left of it are whatever the client wrote and are never used. Several header lines
 * are one list, in order (RFC 9110 §5.3).
 */
export function clientAddress (peer: string, forwardedFor: readonly string[], hops: number): string {
  if (hops === 0 || forwardedFor.length === 0) return peer
  const entries = forwardedFor.join(',').split(',')
  const entry = (entries[Math.max(0, entries.length - hops)] as string).trim()
  return entry === '' ? peer : entry
}

function positiveInteger (name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`LoginRateLimiter: ${name} must be a positive integer, got ${value}`)
  return value
}

const MAX_PLAIN_KEY = 128

/** Short keys as they are, long ones (a 60 KiB username) as their digest; prefixes keep them apart. */
function storedKey (key: string): string {
  return key.length <= MAX_PLAIN_KEY ? `=${key}` : `#${createHash('sha256').update(key).digest('base64')}`
}

/** Per key, the ascending times (ms) of its events still inside the window; at most `limit` of them. */
export class SlidingWindow {
  /** In order of last `record` (a Map iterates in insertion order; recording re-inserts). */
  private readonly keys = new Map<string, number[]>()

  constructor (
    private readonly windowMs: number,
    private readonly limit: number,
    private readonly maxKeys: number
  ) {}

  get size (): number {
    return this.keys.size
  }

  /** Milliseconds until one more event for `key` fits in the window; ≤ 0 when it fits now. */
  waitMs (key: string, now: number): number {
    const stored = storedKey(key)
    const stamps = this.keys.get(stored)
    if (stamps === undefined) return 0
    this.prune(stamps, now)
    if (stamps.length === 0) {
      this.keys.delete(stored)
      return 0
    }
    if (stamps.length < this.limit) return 0
    // The event whose expiry brings the count below the limit.
    return (stamps[stamps.length - this.limit] as number) + this.windowMs - now
  }

  record (key: string, now: number): void {
    const stored = storedKey(key)
    const stamps = this.keys.get(stored) ?? []
    this.keys.delete(stored)
    this.prune(stamps, now)
    let at = stamps.length
    while (at > 0 && (stamps[at - 1] as number) > now) at-- // a clock that stepped back: keep the order
    stamps.splice(at, 0, now)
    if (stamps.length > this.limit) stamps.splice(0, stamps.length - this.limit)
    this.keys.set(stored, stamps)
    this.sweep(now)
  }

  /** Withdraws one event recorded at `time` (if still tracked). */
  remove (key: string, time: number): void {
    const stored = storedKey(key)
    const stamps = this.keys.get(stored)
    if (stamps === undefined) return
    const at = stamps.lastIndexOf(time)
    if (at >= 0) stamps.splice(at, 1)
    if (stamps.length === 0) this.keys.delete(stored)
  }

  private prune (stamps: number[], now: number): void {
    let expired = 0
    while (expired < stamps.length && (stamps[expired] as number) + this.windowMs <= now) expired++
    if (expired > 0) stamps.splice(0, expired)
  }

  /**
   * Drops keys from the least recently recorded end while their newest event has expired (amortised
   * O(1): each key is dropped at most once per recording), then evicts down to the cap.
   */
  private sweep (now: number): void {
    for (const [stored, stamps] of this.keys) {
      const newest = stamps[stamps.length - 1]
      if (newest !== undefined && newest + this.windowMs > now) break
      this.keys.delete(stored)
    }
    while (this.keys.size > this.maxKeys) {
      const oldest = this.keys.keys().next()
      if (oldest.done === true) break
      this.keys.delete(oldest.value)
    }
  }
}
