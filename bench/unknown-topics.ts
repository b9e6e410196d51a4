// Unknown-topic lookups (issue 10 item 2, SPEC §10.6a): a fresh gateway answers anonymous
// GET /api/v1/topics/<unknown-i> for distinct names, 16 at a time; prints RSS before/after, latency
// per slice of 10,000, one more lookup's latency at the end, and the idle CPU and RSS over 10 s after.
// Loopback only. Usage (after npm run build):
//   node dist/bench/unknown-topics.js [--root <checkout with dist/>] [--requests 100000] [--concurrency 16]
//     [--port 18590] [--limit-s 600]
import http from 'node:http'
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { cpuSeconds } from './compare/cpu.js'
import { startGateway } from './gateway.js'
import { request } from './http.js'

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: process.cwd() },
    requests: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    port: { type: 'string', default: '18590' },
    'limit-s': { type: 'string', default: '600' }
  }
})
const total = Number(values.requests)
const concurrency = Number(values.concurrency)
const port = Number(values.port)
const limitMs = Number(values['limit-s']) * 1000
const SLICE = 10_000
const IDLE_MS = 10_000

const rssMb = (pid: number): number => {
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Math.round(Number(kb) / 102.4) / 10
}
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN
const ms = (value: number): string => `${value.toFixed(1)} ms`

const gateway = await startGateway({ root: values.root, port, workers: 0, kafka: process.env.BENCH_KAFKA ?? '127.0.0.1:9092' })
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
const lookUp = async (name: string): Promise<number> => {
  const started = performance.now()
  const { status } = await request(port, { path: `/api/v1/topics/${name}`, agent, timeoutMs: 30_000 })
  if (status !== 404) throw new Error(`${name}: status ${status}`)
  return performance.now() - started
}

try {
  await sleep(2000)
  console.log(`gateway ${values.root}: RSS at start ${rssMb(gateway.pid)} MB`)
  const started = Date.now()
  let next = 0
  let latencies: number[] = []
  let sliceStarted = Date.now()
  const worker = async (): Promise<void> => {
    while (next < total && Date.now() - started < limitMs) {
      latencies.push(await lookUp(`unknown-${next++}`))
      if (latencies.length === SLICE) {
        const sorted = latencies.sort((a, b) => a - b)
        console.log(`${next} done: slice ${((Date.now() - sliceStarted) / 1000).toFixed(1)} s, p50 ${ms(percentile(sorted, 0.5))}, p99 ${ms(percentile(sorted, 0.99))}, RSS ${rssMb(gateway.pid)} MB`)
        latencies = []
        sliceStarted = Date.now()
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  gateway.assertAlive('the lookups')
  const seconds = (Date.now() - started) / 1000
  console.log(`${next} lookups in ${seconds.toFixed(1)} s (${Math.round(next / seconds)}/s)${next < total ? ` — stopped at the ${values['limit-s']} s limit` : ''}; RSS ${rssMb(gateway.pid)} MB`)
  console.log(`one more unknown lookup: ${ms(await lookUp('unknown-after'))}`)
  agent.destroy()
  const cpuBefore = cpuSeconds(gateway.pid)
  await sleep(IDLE_MS)
  console.log(`idle ${IDLE_MS / 1000} s afterwards: CPU ${((cpuSeconds(gateway.pid) - cpuBefore) / (IDLE_MS / 1000) * 100).toFixed(1)} % of a core, RSS ${rssMb(gateway.pid)} MB`)
} finally {
  console.log(`stop: ${await gateway.stop()}`)
}
