// bench:compare's target rows for issue 15: produce requests/s against kafka-pixy, and CPU per request
// against the sum of the HTTP ceiling's and the direct producer's.
import test from 'ava'
import type { Sample } from '../../../bench/compare/contender.js'
import { checkTargets, type Row } from '../../../bench/compare/report.js'

const sample = (requestsPerSec: number | null, cpuUsPerRequest: number): Sample => ({
  durationSec: 10,
  requestsPerSec,
  producedPerSec: requestsPerSec,
  fetchedPerSec: null,
  latencyP50Ms: 1,
  latencyP99Ms: 5,
  latencyP999Ms: 9,
  errors: { client: 0 },
  wraps: null,
  cpuSecPer10k: cpuUsPerRequest / 100,
  cpuUsPerRequest,
  cpuUsMainThread: null,
  cpuUsOtherThreads: null,
  peakRssMb: 100,
  peakRssScope: 'workload'
})

const row = (contenderId: string, workload: string, median: Sample): Row =>
  ({ contenderId, contender: contenderId, workload, connections: 64, status: 'ok', samples: [median], median })

test('issue 15: requests/s ÷ kafka-pixy ≥ 1.5 and CPU ÷ (bare uWS + direct producer) ≤ 1.3, per workload', (t) => {
  const rows = [
    row('kastlex-0', 'produce-64', sample(30_000, 30)),
    row('pixy', 'produce-64', sample(20_000, 40)),
    row('bare-uws', 'produce-64', sample(150_000, 6)),
    row('direct', 'produce-64', sample(null, 20)),
    row('kastlex-0', 'produce-256', sample(33_000, 35)),
    row('pixy', 'produce-256', sample(33_000, 37)),
    row('bare-uws', 'produce-256', sample(150_000, 6)),
    row('direct', 'produce-256', sample(null, 9))
  ]
  const found = (target: string) => checkTargets(rows).find((check) => check.target === target)
  t.like(found('produce-64 req/s ÷ kafka-pixy (issue 15)'), { measured: 1.5, limit: 1.5, atMost: false, met: true })
  t.like(found('produce-256 req/s ÷ kafka-pixy (issue 15)'), { measured: 1, limit: 1.5, met: false })
  // 30 ÷ (6 + 20) = 1.15; 35 ÷ (6 + 9) = 2.33
  t.like(found('produce-64 CPU µs per request ÷ (bare uWS + direct producer per record)'), { measured: 1.15, limit: 1.3, atMost: true, met: true })
  t.like(found('produce-256 CPU µs per request ÷ (bare uWS + direct producer per record)'), { measured: 2.33, limit: 1.3, met: false })
})

test('issue 15: a ceiling not measured leaves its target unmeasured', (t) => {
  const rows = [row('kastlex-0', 'produce-64', sample(30_000, 30)), row('bare-uws', 'produce-64', sample(150_000, 6))]
  const check = checkTargets(rows).find((c) => c.target === 'produce-64 CPU µs per request ÷ (bare uWS + direct producer per record)')
  t.like(check, { measured: null, met: null })
})
