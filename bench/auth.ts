// Authentication costs (issue 4): login throughput (one bcrypt cost-12 comparison each, on libuv's
// thread pool) and what verifying a bearer token adds to a request (GET /api/v1/topics, served from
// the metadata cache, with and without a token).
//
//   npm run bench:auth          BENCH_DURATION=10 (seconds)  BENCH_PORT=18092  BENCH_WORKERS=2
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEV_ADMIN } from '../src/auth/dev-auth.js'
import { startGateway } from './gateway.js'
import { HOST, request } from './http.js'
import { ensureKafka } from './kafka.js'
import { runLoad } from './load.js'
import { summarize, type ScenarioResult } from './stats.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const durationSec = Number(process.env.BENCH_DURATION ?? 10)
const port = Number(process.env.BENCH_PORT ?? 18092)
const workers = Number(process.env.BENCH_WORKERS ?? 2)
const LOGIN_CONNECTIONS = 8
const READ_CONNECTIONS = 64

async function main (): Promise<void> {
  await ensureKafka(ROOT)
  // The login rate limit would refuse a load generator from one address: lifted for this run.
  process.env.KASTLEX_LOGIN_MAX_PER_ADDRESS = '1000000000'
  process.env.KASTLEX_LOGIN_MAX_FAILURES_PER_USER = '1000000000'
  const gateway = await startGateway({ root: ROOT, port, workers, kafka: `${HOST}:${process.env.EMBEDDED_KAFKA_PORT ?? 9092}` })
  const results: ScenarioResult[] = []
  try {
    const credentials = JSON.stringify(DEV_ADMIN)
    const login = await request(port, { method: 'POST', path: '/login', headers: { 'content-type': 'application/json' }, body: Buffer.from(credentials) })
    const token = (JSON.parse(login.body.toString()) as { token: string }).token
    results.push(summarize('login', await runLoad({
      port, method: 'POST', path: '/login', headers: { 'content-type': 'application/json' }, body: credentials, connections: LOGIN_CONNECTIONS, durationSec
    })))
    for (const [name, headers] of [['topics, anonymous', {}], ['topics, bearer token', { authorization: `Bearer ${token}` }]] as const) {
      await runLoad({ port, method: 'GET', path: '/api/v1/topics', headers, connections: READ_CONNECTIONS, durationSec: 3 })
      results.push(summarize(name, await runLoad({ port, method: 'GET', path: '/api/v1/topics', headers, connections: READ_CONNECTIONS, durationSec })))
    }
  } finally {
    await gateway.stop()
  }
  const [, anonymous, withToken] = results
  process.stdout.write(results.map((r) => `${r.scenario.padEnd(22)} ${String(r.requestsPerSec).padStart(9)} req/s  p50 ${r.latencyP50Ms} ms  p99 ${r.latencyP99Ms} ms  non-2xx ${r.non2xx}`).join('\n') + '\n')
  if (anonymous !== undefined && withToken !== undefined && anonymous.requestsPerSec > 0 && withToken.requestsPerSec > 0) {
    const perRequestUs = (1 / withToken.requestsPerSec - 1 / anonymous.requestsPerSec) * 1e6
    process.stdout.write(`token check: ${perRequestUs.toFixed(1)} µs of gateway time per request (${((1 - withToken.requestsPerSec / anonymous.requestsPerSec) * 100).toFixed(1)} % fewer requests/s)\n`)
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
