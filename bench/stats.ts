/** Raw counts of one measured run, shared by all scenarios. */
export interface Measurement {
  durationSec: number
  /** answered requests (any status) */
  requests: number
  ok: number
  non2xx: number
  /** failed requests (no answer, or an unreadable one), timeouts included */
  errors: number
  timeouts: number
  records: number
  /** latency of every answered request */
  latenciesMs: number[]
  firstError?: string
}

export interface ScenarioResult {
  scenario: string
  durationSec: number
  requests: number
  requestsPerSec: number
  records: number
  recordsPerSec: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  latencyP50Ms: number | null
  latencyP99Ms: number | null
  firstError?: string
}

export function emptyMeasurement (): Measurement {
  return { durationSec: 0, requests: 0, ok: 0, non2xx: 0, errors: 0, timeouts: 0, records: 0, latenciesMs: [] }
}

/** Nearest-rank percentile of an ascending sample; null when empty. */
export function percentile (sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits

export function summarize (scenario: string, m: Measurement): ScenarioResult {
  const sorted = Float64Array.from(m.latenciesMs).sort()
  const perSec = (n: number): number => (m.durationSec > 0 ? round(n / m.durationSec, 1) : 0)
  const ms = (p: number): number | null => {
    const v = percentile(sorted, p)
    return v === null ? null : round(v, 3)
  }
  return {
    scenario,
    durationSec: m.durationSec,
    requests: m.requests,
    requestsPerSec: perSec(m.requests),
    records: m.records,
    recordsPerSec: perSec(m.records),
    ok: m.ok,
    non2xx: m.non2xx,
    errors: m.errors,
    timeouts: m.timeouts,
    latencyP50Ms: ms(50),
    latencyP99Ms: ms(99),
    firstError: m.firstError
  }
}
