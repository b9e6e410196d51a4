// Micro-benchmark of the gateway without Kafka (issue 15): the real process and HTTP front end (uWS,
// routing, parameters, auth and permissions, body reading, metrics, answers) on a stub Kafka client that
// answers at once (bench/micro/stub-*.ts), driven by wrk over real sockets as bench:compare drives it.
// Per KASTLEX_WORKERS setting and workload: requests/s, latency p50/p99, and the gateway process's CPU
// µs per request, split into its main thread and its other threads; then a markdown + JSON report in
// bench/results/micro-<timestamp>.{md,json}. No broker; a few seconds per workload, so a regression in
// gateway code shows up at once.
//
//   npm run bench:micro
//   BENCH_DURATION=3 (seconds measured, after a 1 s warm-up)   BENCH_WORKERS=0,2   BENCH_CONNECTIONS=64
//   BENCH_PORT=18094   BENCH_WRK_THREADS=2   BENCH_LABEL=<suffix of the report's name>
//   BENCH_WORKLOADS=health,produce,produce-token,not-found (all when unset)
//   BENCH_ALLOCATIONS=1: after each workload's measured run, a run as long with V8's sampling heap profiler on the
//   gateway's main thread: bytes allocated per request (allocation-sampler.ts), apart from the CPU figures
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEV_ADMIN } from '../../src/auth/dev-auth.js'
import { createTokenIssuer, loadSigningKey } from '../../src/auth/jwt.js'
import { rawProduce } from '../compare/contender.js'
import { pick } from '../compare/config.js'
import { cpuPerRequest, cpuTicks } from '../compare/cpu.js'
import type { RequestTemplate } from '../compare/peers/peer.js'
import { killAll, message } from '../compare/processes.js'
import { ensureWrk, runWrk, wrkVersion, writeScript, type WrkErrors } from '../compare/wrk.js'
import type { Workload } from '../compare/workloads.js'
import { envInt, envInts } from '../env.js'
import { devAuthFiles, GATEWAY_LOG_LEVEL, startGateway, type Gateway } from '../gateway.js'
import { HOST } from '../http.js'
import { labelSuffix, machineInfo, reportStamp, writeReport, type MachineInfo } from '../report.js'
import type { AllocationState } from './allocation-sampler.js'
import { STUB_TOPIC } from './stub-kafka.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..') // dist/bench/micro/main.js -> repo root
const RESULTS_DIR = join(ROOT, 'bench/results')
const STUB_GATEWAY = 'dist/bench/micro/stub-gateway.js'
const WARMUP_SEC = 1
const RECORD_BYTES = 1024
/** Longer than any run */
const TOKEN_TTL_SEC = 24 * 3600
/** How long the gateway's allocation sampler may take to start or to sum its profile, and how often it is looked at. */
const SAMPLER_WAIT_MS = 30_000
const SAMPLER_POLL_MS = 50

const log = (msg: string): void => { process.stderr.write(`[micro] ${msg}\n`) }

interface Config {
  workers: number[]
  durationSec: number
  connections: number
  port: number
  wrkThreads: number
  /** BENCH_ALLOCATIONS=1: where the gateway's allocation sampler writes its state; undefined: not measured. */
  allocationsFile: string | undefined
}

function readConfig (): Config {
  return {
    workers: envInts('BENCH_WORKERS', '0,2', 0, 256),
    durationSec: envInt('BENCH_DURATION', '3', 1, 600),
    connections: envInt('BENCH_CONNECTIONS', '64', 1, 10_000),
    port: envInt('BENCH_PORT', '18094', 1, 65535),
    wrkThreads: envInt('BENCH_WRK_THREADS', '2', 1, 64),
    allocationsFile: process.env.BENCH_ALLOCATIONS === '1' ? join(os.tmpdir(), `kastlex-micro-allocations-${process.pid}.json`) : undefined
  }
}

/** One static request, sent by every connection in a loop (wrk's produce-only path sends it unchanged). */
interface MicroWorkload {
  workload: Workload
  request: RequestTemplate
  /** The status every answer has: one request is checked before the run; wrk counts a 4xx as an error, which a refused workload expects. */
  status: number
}

/** `token`: a bearer token of the development admin, valid for the gateways of this run. */
function workloads (connections: number, token: string): MicroWorkload[] {
  const one = (name: string, description: string, request: RequestTemplate, status = 204): MicroWorkload =>
    ({ workload: { name, connections, steps: ['produce'], description }, request, status })
  const produce = rawProduce(`/api/v2/messages/${STUB_TOPIC}`, randomBytes(RECORD_BYTES))
  return [
    one('health', 'GET /health: the floor of any request (uWS, routing, metrics, the answer), no body, no Kafka',
      { method: 'GET', path: '/health', headers: {} }, 200),
    one('produce', `POST /api/v2/messages/${STUB_TOPIC}, ${RECORD_BYTES} B binary body, anonymous (as bench:compare), answered by the stub at once`, produce),
    one('produce-token', 'the same with a bearer token (ES512) of a user: its check and the user\'s permissions',
      { ...produce, headers: { ...produce.headers, Authorization: `Bearer ${token}` } }),
    one('not-found', 'GET /api/v2/no-such-route: a refused request (404), as a careless or hostile client sends them',
      { method: 'GET', path: '/api/v2/no-such-route', headers: {} }, 404)
  ]
}

export interface MicroRow {
  workers: number
  workload: string
  connections: number
  requestsPerSec: number
  latencyP50Ms: number
  latencyP99Ms: number
  errors: WrkErrors
  /** the gateway process's user + system CPU per request, and its main thread's and other threads' parts */
  cpuUsPerRequest: number | null
  cpuUsMainThread: number | null
  cpuUsOtherThreads: number | null
  /** Bytes the main thread allocated per request, sampled in a run of its own (BENCH_ALLOCATIONS=1); null when not measured. */
  allocatedBytesPerRequest: number | null
  /** Every answer is an error status (4xx): wrk's status errors are the answers meant. */
  refused: boolean
}

export interface MicroReport {
  machine: MachineInfo
  config: Record<string, string | number>
  workloads: Array<{ name: string, description: string }>
  rows: MicroRow[]
}

async function measure (gateway: Gateway, workers: number, micro: MicroWorkload, config: Config, script: string): Promise<MicroRow> {
  const { workload } = micro
  const baseUrl = `http://${HOST}:${config.port}`
  log(`workers=${workers} ${workload.name}: ${WARMUP_SEC} s warm-up, then ${config.durationSec} s measured`)
  await expectStatus(baseUrl, micro)
  await runWrk(baseUrl, workload, WARMUP_SEC, config.wrkThreads, script)
  gateway.assertAlive(`during the ${workload.name} warm-up`)
  const cpu0 = cpuTicks(gateway.pid)
  const r = await runWrk(baseUrl, workload, config.durationSec, config.wrkThreads, script)
  const cpu = cpuPerRequest(cpu0, cpuTicks(gateway.pid), r.requests)
  gateway.assertAlive(`during ${workload.name}`)
  const allocated = config.allocationsFile === undefined ? null : await allocatedPerRequest(gateway, config.allocationsFile, async () => await runWrk(baseUrl, workload, config.durationSec, config.wrkThreads, script))
  return {
    workers,
    workload: workload.name,
    connections: workload.connections,
    requestsPerSec: Math.round(r.requests / r.durationSec),
    latencyP50Ms: r.p50Ms,
    latencyP99Ms: r.p99Ms,
    errors: r.errors,
    cpuUsPerRequest: cpu?.totalUs ?? null,
    cpuUsMainThread: cpu?.mainUs ?? null,
    cpuUsOtherThreads: cpu?.otherUs ?? null,
    allocatedBytesPerRequest: allocated,
    refused: micro.status >= 400
  }
}

/** One request of the workload, answered with its status: else the run would measure another path. */
async function expectStatus (baseUrl: string, { workload, request, status }: MicroWorkload): Promise<void> {
  const answer = await fetch(baseUrl + request.path, { method: request.method, headers: request.headers, body: request.body })
  await answer.arrayBuffer()
  if (answer.status !== status) throw new Error(`${workload.name}: answered ${answer.status}, not ${status}`)
}

/** Starts the gateway's allocation sampler, runs `load`, stops it: the bytes sampled ÷ the requests answered. */
async function allocatedPerRequest (gateway: Gateway, file: string, load: () => Promise<{ requests: number }>): Promise<number | null> {
  await rm(file, { force: true })
  process.kill(gateway.pid, 'SIGUSR2')
  await samplerState(file, 'sampling')
  const { requests } = await load()
  process.kill(gateway.pid, 'SIGUSR2')
  const done = await samplerState(file, 'done')
  await rm(file, { force: true })
  return done.state === 'done' && requests > 0 ? Math.round(done.bytes / requests) : null
}

async function samplerState (file: string, wanted: AllocationState['state']): Promise<AllocationState> {
  const deadline = Date.now() + SAMPLER_WAIT_MS
  for (;;) {
    const state = await readFile(file, 'utf8').then((text) => JSON.parse(text) as AllocationState, () => undefined)
    if (state?.state === wanted) return state
    if (Date.now() > deadline) throw new Error(`the gateway's allocation sampler did not report "${wanted}" within ${SAMPLER_WAIT_MS / 1000} s`)
    await sleep(SAMPLER_POLL_MS)
  }
}

/** Requests failed or answered otherwise than the workload means. */
const errorCount = ({ errors: e, refused }: MicroRow): number => e.connect + e.read + e.write + e.timeout + (refused ? 0 : e.status)
const cell = (v: number | null): string => v === null ? '–' : String(v)

export function markdown (report: MicroReport): string {
  const { machine, config } = report
  return [
    `# KastleX micro-benchmark (no Kafka), ${machine.date}`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryMb} MB, ${machine.os}, node ${machine.node}; the load generator shares these cores.`,
    `The gateway process (bench/micro/stub-gateway.ts) with a stub Kafka client that answers at once: inline with KASTLEX_WORKERS=0, else in stub worker threads. ` +
      `Load generator: ${config.wrk}, ${config.connections} keep-alive connections, ${config.wrkThreads} threads. ` +
      `Each workload: ${config.warmupSec} s warm-up, then ${config.durationSec} s measured; one run (compare reports of one machine, and expect noise).`,
    'CPU = user + system µs per request of the gateway process, split into its main thread and its other threads (the stub Kafka workers, V8\'s GC helpers, libuv\'s); from /proc.',
    '',
    '| workload | what |',
    '|---|---|',
    ...report.workloads.map((w) => `| ${w.name} | ${w.description} |`),
    '',
    'Allocated = bytes the main thread allocated per request (V8\'s sampling heap profiler, collected objects included), in a run of its own after the measured one (BENCH_ALLOCATIONS=1); – when not measured.',
    '',
    '| KASTLEX_WORKERS | workload | conns | req/s | p50 ms | p99 ms | errors | CPU µs / req | main thread | other threads | allocated B / req |',
    '|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...report.rows.map((r) => `| ${r.workers} | ${r.workload} | ${r.connections} | ${r.requestsPerSec} | ${r.latencyP50Ms} | ${r.latencyP99Ms} | ` +
      `${errorCount(r)} | ${cell(r.cpuUsPerRequest)} | ${cell(r.cpuUsMainThread)} | ${cell(r.cpuUsOtherThreads)} | ${cell(r.allocatedBytesPerRequest)} |`)
  ].join('\n') + '\n'
}

async function main (): Promise<void> {
  const config = readConfig()
  const stamp = reportStamp()
  ensureWrk()
  const wrk = wrkVersion()
  const key = loadSigningKey((await devAuthFiles(ROOT)).jwkFile)
  const all = pick('BENCH_WORKLOADS', workloads(config.connections, createTokenIssuer(key, TOKEN_TTL_SEC).issue(DEV_ADMIN.username)), (m) => m.workload.name)
  const scriptDir = await mkdtemp(join(os.tmpdir(), 'kastlex-micro-'))
  let gateway: Gateway | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    gateway?.kill()
    killAll()
    log(`${signal}: stopped what this script started, exiting`)
    process.exit(130)
  }
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
  const rows: MicroRow[] = []
  // The gateways inherit this process's environment: their allocation sampler writes here.
  if (config.allocationsFile !== undefined) process.env.BENCH_ALLOCATIONS_FILE = config.allocationsFile
  try {
    const scripts = await Promise.all(all.map(async ({ workload, request }) =>
      await writeScript(scriptDir, workload.name, workload, { produce: request })))
    for (const workers of config.workers) {
      log(`starting the stub gateway, KASTLEX_WORKERS=${workers}, on ${HOST}:${config.port}`)
      // No broker: the stub answers every op, and nothing else of the gateway reaches for Kafka.
      gateway = await startGateway({ root: ROOT, port: config.port, workers, kafka: `${HOST}:9`, entry: STUB_GATEWAY })
      try {
        for (const [i, micro] of all.entries()) rows.push(await measure(gateway, workers, micro, config, scripts[i]))
      } finally {
        log(`gateway stopped: ${await gateway.stop()}`)
      }
    }
  } finally {
    await rm(scriptDir, { recursive: true, force: true })
  }

  const report: MicroReport = {
    machine: machineInfo(),
    config: {
      durationSec: config.durationSec,
      warmupSec: WARMUP_SEC,
      connections: config.connections,
      wrkThreads: config.wrkThreads,
      recordBytes: RECORD_BYTES,
      wrk,
      gatewayLogLevel: GATEWAY_LOG_LEVEL,
      allocations: config.allocationsFile === undefined ? 'not measured' : 'measured'
    },
    workloads: all.map(({ workload }) => ({ name: workload.name, description: workload.description })),
    rows
  }
  await writeReport(RESULTS_DIR, 'micro', `${stamp}${labelSuffix(process.env.BENCH_LABEL)}`, report, markdown(report))
  const failed = rows.filter((r) => errorCount(r) > 0)
  if (failed.length > 0) throw new Error(`${failed.map((r) => `workers=${r.workers} ${r.workload}`).join(', ')}: requests failed or were not answered as the workload means; not the path meant to be measured`)
}

main().then(() => process.exit(0), (err: unknown) => {
  log(`failed: ${message(err)}`)
  process.exit(1)
})
