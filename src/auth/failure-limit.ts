// The limit on failed token verifications per client address (SPEC §10.6a): more than `limit` within
// 10 s → 429 before any signature is checked, so a flood of forged tokens from one address costs a
// table lookup per request instead of an ES512 verification (about 3 ms of the main thread).
import { tooManyAuthFailures } from '../http/errors.js'
import { DEFAULT_MAX_KEYS, SlidingWindow } from './rate-limit.js'

export const AUTH_FAILURE_WINDOW_MS = 10_000

export class AuthFailureLimiter {
  private readonly failures: SlidingWindow

  constructor (limit: number, maxKeys = DEFAULT_MAX_KEYS) {
    this.failures = new SlidingWindow(AUTH_FAILURE_WINDOW_MS, limit, maxKeys)
  }

  /** Throws 429 (retry-after in whole seconds, ≥ 1) when `address` has used up its failures. */
  admit (address: string, now: number = Date.now()): void {
    const waitMs = this.failures.waitMs(address, now)
    if (waitMs > 0) throw tooManyAuthFailures(Math.max(1, Math.ceil(waitMs / 1000)))
  }

  record (address: string, now: number = Date.now()): void {
    this.failures.record(address, now)
  }

  /** Addresses tracked (tests). */
  get size (): number {
    return this.failures.size
  }
}
