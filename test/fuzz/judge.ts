// What the fuzzer counts and what fails a run. Every answer gets the general checks; requests with an
// expectation (generate.ts) get theirs; each failure category keeps its first example.
import { LOGIN_BODY_LIMIT } from '../../src/api/login.js'
import type { Outcome } from './connection.js'
import { FUZZ_CORS_ORIGIN, type FuzzRequest } from './generate.js'

interface Example {
  count: number
  first: string
}

export class Tally {
  readonly statuses = new Map<string, number>()
  readonly categories = new Map<string, number>()
  readonly unavailable = new Map<string, number>()
  readonly failures = new Map<string, Example>()
  readonly notes: string[] = []
  requests = 0
  validChecks = 0

  /** Adds another tally's counts (a probe's, once it is known that the gateway did not die meanwhile). */
  merge (other: Tally): void {
    this.requests += other.requests
    this.validChecks += other.validChecks
    for (const name of ['statuses', 'categories', 'unavailable'] as const) for (const [key, n] of other[name]) this[name].set(key, (this[name].get(key) ?? 0) + n)
    for (const [key, { count, first }] of other.failures) {
      const entry = this.failures.get(key)
      if (entry === undefined) this.failures.set(key, { count, first })
      else entry.count += count
    }
    this.notes.push(...other.notes)
  }

  count (map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1)
  }

  fail (category: string, example: string): void {
    const entry = this.failures.get(category)
    if (entry === undefined) this.failures.set(category, { count: 1, first: example })
    else entry.count++
  }

  /** Judges one answer to a fuzz request; returns the failure category, if any. */
  judge (request: FuzzRequest, outcome: Outcome, deadlineMs: number, previous?: FuzzRequest): string | undefined {
    this.requests++
    this.count(this.categories, request.category)
    const example = (): string => `${describe(request)} → ${describeOutcome(outcome)}`
    if (outcome.kind === 'timeout') {
      this.count(this.statuses, 'no answer by deadline')
      this.fail('slow', `${example()} (deadline ${deadlineMs} ms)`)
      return 'slow'
    }
    if (outcome.kind === 'closed') {
      this.count(this.statuses, 'closed')
      if (!wellFormedHttp(request)) return undefined
      // SPEC §10.6a reads the rest of a refused body up to twice the route's limit, then closes: a client
      // still sending beyond that may see the reset before the answer.
      if (request.target.startsWith('/login') && (request.body?.length ?? 0) > 2 * LOGIN_BODY_LIMIT) { this.count(this.statuses, 'closed beyond the read-and-drop bound'); return undefined }
      this.fail('no answer (connection closed)', `${example()}; previous request on that connection: ${previous === undefined ? 'none' : describe(previous)}`)
      return 'closed'
    }
    this.count(this.statuses, String(outcome.status))
    const error = errorName(outcome.body)
    if (outcome.status === 503) this.count(this.unavailable, error ?? '(no error member)')
    if (outcome.status >= 500 && outcome.status !== 503) return this.failWith('5xx other than 503', example())
    if (outcome.status >= 400 && request.method.toUpperCase() !== 'HEAD') {
      const type = outcome.headers.get('content-type') ?? ''
      if (!type.startsWith('application/json') || error === undefined) return this.failWith('non-JSON error body', example())
    }
    // SPEC §10.3 on every answer the gateway writes (uWS's own 400/431 carry no x-request-id): the allowed
    // origin exactly when the request has one Origin line naming it.
    const origins = request.headers.filter(([name]) => name === 'origin').map(([, value]) => value)
    const allowOrigin = origins.length === 1 && origins[0] === FUZZ_CORS_ORIGIN ? FUZZ_CORS_ORIGIN : undefined
    if (outcome.headers.has('x-request-id') && outcome.headers.get('access-control-allow-origin') !== allowOrigin) return this.failWith('CORS headers', example())
    // Octets HTTP does not allow (e.g. controls in a header value): uWS refuses the request itself.
    if (outcome.status === 400 && !wellFormedHttp(request)) return undefined
    switch (request.expect) {
      case 'client-mistake':
        if (outcome.status < 400 || outcome.status >= 500) return this.failWith('client mistake not answered 4xx', example())
        break
      case 'record-too-large':
        if (outcome.status !== 413 && !(outcome.status === 503 && error === 'overloaded')) return this.failWith('record over the broker limit not 413', example())
        break
      case 'body-over-limit':
        if ((outcome.status < 400 || outcome.status >= 500) && !(outcome.status === 503 && error === 'overloaded')) return this.failWith('body over the limit not refused', example())
        break
      case 'none':
        break
    }
    return undefined
  }

  private failWith (category: string, example: string): string {
    this.fail(category, example)
    return category
  }
}

/** The `error` member of a JSON error body; undefined when the body is not one. */
export function errorName (body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string') return (parsed as { error: string }).error
  } catch { }
  return undefined
}

/** Octets RFC 9110/9112 allow: visible ASCII in the target, no controls in header values. */
export function wellFormedHttp (request: FuzzRequest): boolean {
  const badValue = /[\x00-\x08\x0a-\x1f\x7f]/
  return /^[\x21-\x7e]+$/.test(request.target) && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(request.method) &&
    request.headers.every(([, value]) => !badValue.test(value))
}

const clip = (text: string, max = 160): string => text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text

export function describe (request: FuzzRequest): string {
  const headers = clip(request.headers.map(([name, value]) => `${name}: ${clip(JSON.stringify(value).slice(1, -1), 80)}`).join('; '), 600)
  return `[${request.category}] ${request.method} ${clip(JSON.stringify(request.target).slice(1, -1), 300)}` +
    (headers !== '' ? ` {${headers}}` : '') + (request.body !== undefined ? ` body ${request.body.length} B` : '')
}

export function describeOutcome (outcome: Outcome): string {
  if (outcome.kind === 'timeout') return `no answer after ${Math.round(outcome.ms)} ms`
  if (outcome.kind === 'closed') return `closed without an answer after ${Math.round(outcome.ms)} ms (${outcome.detail})`
  return `${outcome.status} ${clip(outcome.body.toString('utf8'), 200)} in ${Math.round(outcome.ms)} ms`
}
