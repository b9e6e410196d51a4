// The fuzz session behind `npm run fuzz` (main.ts): starts its own gateway (dist/src/main.js) against the test broker, once per worker mode,
// and sends seeded random and structured junk, raw-socket abuse and checked valid traffic to it over
// loopback. Prints counts; exits 1 on a crash, a 5xx other than 503, an answer after its deadline, a
// non-JSON error body, a client mistake not answered 4xx, valid traffic not served, RSS growth beyond
// the bound, or a health check that no longer answers. Knobs: README "Fuzzing".
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createTopic, deleteTopic } from '../../src/kafka/topic-admin.js'
import { startGateway, type Gateway } from '../helpers/gateway.js'
import { KAFKA } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'
import { Connection, type Outcome } from './connection.js'
import { FUZZ_CORS_ORIGIN, RequestGenerator, serialize, type FuzzRequest, type Topology } from './generate.js'
import { describe, Tally } from './judge.js'
import { Prng } from './prng.js'
import { bodyFlood, PROBE_MAX_MS, runProbe } from './raw-probes.js'
import { validCheck } from './valid.js'

export interface FuzzOptions {
  readonly seed: number
  readonly durationS: number
  /** Stop once this many requests were judged (across phases); Infinity = only the duration. */
  readonly maxRequests: number
  readonly connections: number
  readonly probeLanes: number
  /** One phase per KASTLEX_WORKERS value, each with its own gateway. */
  readonly workerModes: readonly string[]
  readonly rssEndMiB: number
  readonly rssPeakMiB: number
}

const KAFKA_TIMEOUT_MS = 3000
/**
 * The gateway under fuzz: Kafka deadlines of 3 s (a metadata lookup and a produce each), so that every
 * answer is due within the route's own wait (fetch `max_wait_time`) + 2 × 3 s + 4 s slack. Its memory
 * budgets (bodies in flight, the fetch read cache, one fetch's bytes) are set small, so that the RSS
 * bounds measure what the budgets do not explain: 64 lanes each holding a fetch of the default 10 MiB
 * (records, then their JSON) would measure that limit times the connections, not growth.
 */
const GATEWAY_ENV = {
  KASTLEX_KAFKA_REQUEST_TIMEOUT_MS: String(KAFKA_TIMEOUT_MS),
  KASTLEX_PRODUCE_TIMEOUT_MS: String(KAFKA_TIMEOUT_MS),
  KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: String(64 * 1024 * 1024),
  KASTLEX_FETCH_BUFFER_BYTES: String(8 * 1024 * 1024),
  KASTLEX_FETCH_MAX_BYTES_LIMIT: String(1024 * 1024),
  KASTLEX_CORS_ORIGINS: FUZZ_CORS_ORIGIN
}
const DEADLINE_SLACK_MS = 4000
/**
 * Each Kafka worker thread's own steady state (V8 heap, fetch client, librdkafka clients) on top of the
 * end bound. Measured with 64 connections and a pool of 2: +153 MiB after 100 s, +147 MiB after 300 s
 * (a plateau, not growth).
 */
const RSS_END_MIB_PER_WORKER = 32
export const deadlineFor = (request: FuzzRequest): number => request.waitMs + 2 * KAFKA_TIMEOUT_MS + DEADLINE_SLACK_MS
/** Junk that carries tokens or logs in is held below SPEC §10.6a's default auth-failure limit (100 per 10 s). */
const AUTH_PER_SECOND = 4
/** Valid requests answered 503 (Kafka busy) tolerated: 1 % of the valid checks. */
const VALID_503_SHARE = 0.01
/** Crashes whose request is searched by replay (each costs a gateway start); later ones are only counted. */
const CULPRIT_SEARCHES = 3
const CULPRIT_SEARCH_MS = 20_000
const BODY_FLOOD = { connections: 80, declared: 7_900_000 }

export function optionsFrom (argv: readonly string[], env: NodeJS.ProcessEnv): FuzzOptions {
  const long = argv.includes('--long')
  const number = (name: string, fallback: number): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a non-negative number, got ${JSON.stringify(raw)}`)
    return value
  }
  return {
    seed: number('FUZZ_SEED', argv.includes('--short') ? 1 : Math.floor(Math.random() * 2 ** 31)) >>> 0,
    durationS: number('FUZZ_DURATION_S', long ? 600 : 28),
    maxRequests: number('FUZZ_REQUESTS', Infinity),
    connections: number('FUZZ_CONNECTIONS', long ? 64 : 12),
    probeLanes: number('FUZZ_PROBE_LANES', long ? 4 : 2),
    workerModes: (env.FUZZ_WORKERS ?? '0,2').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    rssEndMiB: number('FUZZ_RSS_END_MIB', 128),
    rssPeakMiB: number('FUZZ_RSS_PEAK_MIB', 256)
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function rssMiB (pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}

/** CPU seconds (user + system) the process used so far, from /proc/<pid>/stat (clock ticks of 1/100 s). */
function cpuSeconds (pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

class AuthBudget {
  private tokens = AUTH_PER_SECOND
  private last = performance.now()

  available (): boolean {
    const now = performance.now()
    this.tokens = Math.min(AUTH_PER_SECOND, this.tokens + (now - this.last) / 1000 * AUTH_PER_SECOND)
    this.last = now
    return this.tokens >= 1
  }

  take (): boolean {
    if (!this.available()) return false
    this.tokens--
    return true
  }
}

interface Crash {
  readonly mode: string
  readonly how: string
  readonly afterRequests: number
  readonly inFlight: readonly FuzzRequest[]
  readonly recent: readonly FuzzRequest[]
  readonly output: string
  culprit?: string
}

interface GatewayRun {
  readonly mode: string
  rssStart: number
  rssPeak: number
  rssEnd?: number
  requests: number
  seconds: number
  /** CPU seconds of the gateway during the fuzzing (not its start). */
  cpu?: number
}

/** One fuzz session: phases, lanes, crash recording and the final verdict. */
export class Fuzzer {
  readonly tally = new Tally()
  readonly crashes: Crash[] = []
  readonly runs: GatewayRun[] = []
  private readonly rng: Prng
  private readonly budget = new AuthBudget()
  private topology: Topology = { topics: [] }
  private started = 0

  constructor (private readonly options: FuzzOptions, private readonly log: (line: string) => void = console.log) {
    this.rng = new Prng(options.seed)
  }

  async run (): Promise<boolean> {
    const { options } = this
    this.log(`fuzz: seed ${options.seed} (FUZZ_SEED=${options.seed} reproduces the request mix), ${options.durationS} s, ` +
      `${options.connections} connections + ${options.probeLanes} raw-probe lanes, KASTLEX_WORKERS ${options.workerModes.join(' then ')}, broker ${KAFKA}`)
    const suffix = randomBytes(3).toString('hex')
    this.topology = { topics: [{ name: `fuzz-${suffix}-a`, partitions: 3 }, { name: `fuzz-${suffix}-b`, partitions: 1 }] }
    for (const { name, partitions } of this.topology.topics) await createTopic(KAFKA, name, partitions)
    this.started = performance.now()
    try {
      const phaseMs = options.durationS * 1000 / options.workerModes.length
      for (const [i, mode] of options.workerModes.entries()) {
        if (this.tally.requests >= options.maxRequests) break
        await this.phase(mode, this.started + phaseMs * (i + 1))
      }
    } finally {
      for (const { name } of this.topology.topics) await deleteTopic(KAFKA, name).catch(() => undefined)
    }
    return this.report()
  }

  /** Fuzzes one gateway (restarted after a crash) until `endAt`. */
  private async phase (mode: string, endAt: number): Promise<void> {
    while (performance.now() < endAt - 3000 && this.tally.requests < this.options.maxRequests) {
      const gateway = await startGateway({ ...GATEWAY_ENV, KASTLEX_WORKERS: mode })
      const pid = gateway.process.pid as number
      const ready = await eventually(async () => await this.probeStatus(gateway, '/ready'), (status) => status === 200, 30_000)
      if (ready !== 200) {
        this.tally.fail('gateway not ready', `KASTLEX_WORKERS=${mode}: GET /ready → ${ready ?? 'no answer'} 30 s after the start`)
        await this.stopGateway(gateway)
        return
      }
      await this.warmUp(gateway)
      const rssStart = rssMiB(pid) ?? NaN
      const run: GatewayRun = { mode, rssStart, rssPeak: rssStart, requests: 0, seconds: 0 }
      this.runs.push(run)
      const crash = await this.fuzz(gateway, run, endAt)
      if (crash !== undefined) {
        this.crashes.push(crash)
        this.log(`fuzz: gateway (KASTLEX_WORKERS=${mode}) died (${crash.how}) after ${crash.afterRequests} requests`)
        if (this.crashes.length <= CULPRIT_SEARCHES) {
          this.log('fuzz: replaying the suspects alone against a fresh gateway…')
          crash.culprit = await this.findCulprit(mode, crash)
          this.log(`fuzz: ${crash.culprit}`)
        }
        continue
      }
      await this.finish(gateway, run)
      return
    }
  }

  private async probeStatus (gateway: Gateway, path: string): Promise<number | undefined> {
    const connection = new Connection(Number(new URL(gateway.url).port))
    const outcome = await connection.send(serialize({ category: 'check', method: 'GET', target: path, headers: [], waitMs: 0, expect: 'none', auth: false }), false, 5000)
    connection.close()
    return outcome.kind === 'response' ? outcome.status : undefined
  }

  /**
   * One fetch of every partition and a few offset lookups before RSS is first measured: each Kafka
   * thread then has loaded its fetch client (tens of MiB, once per thread), which is no growth.
   */
  private async warmUp (gateway: Gateway): Promise<void> {
    const paths = this.topology.topics.flatMap(({ name, partitions }) => Array.from({ length: partitions }, (_, p) =>
      [`/api/v2/messages/${name}/${p}?offset=latest&max_wait_time=0`, `/api/v1/offsets/${name}/${p}`])).flat()
    for (const path of paths) await this.probeStatus(gateway, path)
  }

  /** Runs the lanes until `endAt`, the request limit or the gateway's death (returned). */
  private async fuzz (gateway: Gateway, run: GatewayRun, endAt: number): Promise<Crash | undefined> {
    const port = Number(new URL(gateway.url).port)
    const pid = gateway.process.pid as number
    const inFlight = new Set<FuzzRequest>()
    const recent: FuzzRequest[] = []
    let crash: Crash | undefined
    const requestsBefore = this.tally.requests
    const startedAt = performance.now()
    const cpuBefore = cpuSeconds(pid)
    gateway.process.once('exit', (code, signal) => {
      crash = {
        mode: run.mode, how: signal !== null ? `signal ${signal}` : `exit code ${String(code)}`, afterRequests: this.tally.requests,
        inFlight: [...inFlight], recent: recent.slice(-60), output: gateway.output().slice(-3000)
      }
    })
    const stop = (): boolean => crash !== undefined || performance.now() >= endAt || this.tally.requests >= this.options.maxRequests
    const sampler = setInterval(() => { run.rssPeak = Math.max(run.rssPeak, rssMiB(pid) ?? 0) }, 250)
    const previous = new WeakMap<Connection, FuzzRequest>()
    const send = async (connection: Connection, request: FuzzRequest): Promise<Outcome> => {
      inFlight.add(request)
      recent.push(request)
      if (recent.length > 120) recent.splice(0, 60)
      const deadline = deadlineFor(request)
      const outcome = await connection.send(serialize(request), request.method.toUpperCase() === 'HEAD', deadline)
      if (outcome.kind === 'closed') await sleep(300) // a death shows as closed connections before the exit event
      inFlight.delete(request)
      // An answer may come before a large body was read; the rest of it would then be taken for the next request.
      if ((request.body?.length ?? 0) > 64 * 1024) connection.close()
      if (crash === undefined) this.tally.judge(request, outcome, deadline, connection.fresh ? undefined : previous.get(connection))
      previous.set(connection, request)
      return outcome
    }
    const lane = async (rng: Prng): Promise<void> => {
      const connection = new Connection(port)
      const generator = new RequestGenerator(rng, this.topology)
      while (!stop()) {
        if (rng.chance(0.15)) {
          await validCheck(rng, this.topology, async (request) => await send(connection, request), this.tally)
          continue
        }
        const request = generator.junk(this.budget.available())
        if (request.auth && !this.budget.take()) continue
        await send(connection, request)
      }
      connection.close()
    }
    const probeContext = { port, topic: (this.topology.topics[0] as { name: string }).name }
    // A probe's verdicts count only if the gateway did not die meanwhile (its connections close before the exit event).
    const probe = async (rng: Prng, longAllowed: boolean, name?: string): Promise<void> => {
      const tally = new Tally()
      await runProbe(rng, probeContext, tally, longAllowed, name)
      if (tally.failures.size > 0) await sleep(300)
      if (crash === undefined) this.tally.merge(tally)
    }
    const probeLane = async (rng: Prng): Promise<void> => {
      while (!stop()) await probe(rng, endAt - performance.now() > PROBE_MAX_MS)
    }
    const flood = async (): Promise<void> => {
      const at = (startedAt + endAt) / 2
      while (!stop() && performance.now() < at) await sleep(100)
      const tally = new Tally()
      if (!stop()) await bodyFlood(probeContext, tally, BODY_FLOOD.connections, BODY_FLOOD.declared)
      if (crash === undefined) this.tally.merge(tally)
    }
    await Promise.all([
      ...Array.from({ length: this.options.connections }, async () => await lane(this.rng.fork())),
      ...Array.from({ length: this.options.probeLanes }, async () => await probeLane(this.rng.fork())),
      // The probes that wait for the idle close, once per gateway whatever the phase's length.
      ...['TLS ClientHello', 'unfinished headers'].map(async (name) => await probe(this.rng.fork(), true, name)),
      flood()
    ])
    clearInterval(sampler)
    run.requests = this.tally.requests - requestsBefore
    run.seconds = (performance.now() - startedAt) / 1000
    const cpuAfter = cpuSeconds(pid)
    if (cpuBefore !== undefined && cpuAfter !== undefined) run.cpu = cpuAfter - cpuBefore
    if (crash === undefined && gateway.process.exitCode === null && gateway.process.signalCode === null) return undefined
    return crash ?? { mode: run.mode, how: 'exited', afterRequests: this.tally.requests, inFlight: [], recent: recent.slice(-60), output: gateway.output().slice(-3000) }
  }

  /** Replays the requests in flight at the death (then the latest ones) alone against a fresh gateway. */
  private async findCulprit (mode: string, crash: Crash): Promise<string> {
    const suspects = [...crash.inFlight, ...crash.recent.filter((r) => !crash.inFlight.includes(r)).reverse()].slice(0, 100)
    const gateway = await startGateway({ ...GATEWAY_ENV, KASTLEX_WORKERS: mode })
    const deadline = performance.now() + CULPRIT_SEARCH_MS
    try {
      for (const request of suspects) {
        if (performance.now() > deadline) break
        const connection = new Connection(Number(new URL(gateway.url).port))
        const outcome = await connection.send(serialize(request), false, 5000)
        connection.close()
        await sleep(200)
        if (gateway.process.exitCode !== null || gateway.process.signalCode !== null) {
          return `reproduced alone by ${describe(request)} (${outcome.kind === 'response' ? `answered ${outcome.status}` : outcome.kind}, then the process ended: ${gateway.process.signalCode ?? gateway.process.exitCode})`
        }
      }
      return `not reproduced by replaying ${suspects.length} suspects alone (a combination, or timing)`
    } finally {
      await this.stopGateway(gateway)
    }
  }

  /** End of a phase: health still answers, RSS within bounds, then stop. */
  private async finish (gateway: Gateway, run: GatewayRun): Promise<void> {
    const health = await this.probeStatus(gateway, '/health')
    if (health !== 200) this.tally.fail('health check at the end', `GET /health → ${health ?? 'no answer within 5 s'} (KASTLEX_WORKERS=${run.mode})`)
    await sleep(2000)
    run.rssEnd = rssMiB(gateway.process.pid as number)
    const endBound = this.options.rssEndMiB + RSS_END_MIB_PER_WORKER * Number(run.mode)
    if (run.rssEnd !== undefined && run.rssEnd - run.rssStart > endBound) {
      this.tally.fail('RSS growth', `KASTLEX_WORKERS=${run.mode}: ${run.rssStart.toFixed(0)} → ${run.rssEnd.toFixed(0)} MiB at the end (bound +${endBound} MiB)`)
    }
    if (run.rssPeak - run.rssStart > this.options.rssPeakMiB) {
      this.tally.fail('RSS growth', `KASTLEX_WORKERS=${run.mode}: ${run.rssStart.toFixed(0)} → peak ${run.rssPeak.toFixed(0)} MiB (bound +${this.options.rssPeakMiB} MiB)`)
    }
    await this.stopGateway(gateway)
  }

  private async stopGateway (gateway: Gateway): Promise<void> {
    if (gateway.process.exitCode !== null || gateway.process.signalCode !== null) return
    const stopped = gateway.stop()
    const exited = await Promise.race([stopped.then(() => true), sleep(12_000).then(() => false)])
    if (!exited) {
      this.tally.notes.push('a gateway did not exit within 12 s of SIGTERM (issue 10 item 10); killed')
      gateway.process.kill('SIGKILL')
      await stopped
    }
  }

  /** Prints the counts and the verdict; true = passed. */
  private report (): boolean {
    const { tally } = this
    const seconds = (performance.now() - this.started) / 1000
    const sorted = (map: Map<string, number>): string => [...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join(', ')
    const valid503 = tally.statuses.get('valid 503') ?? 0
    if (valid503 > Math.max(1, tally.validChecks * VALID_503_SHARE)) tally.fail('valid requests answered 503', `${valid503} of ${tally.validChecks} valid checks`)
    for (const crash of this.crashes) {
      tally.fail('gateway died', `KASTLEX_WORKERS=${crash.mode}, ${crash.how} after ${crash.afterRequests} requests; ${crash.culprit ?? ''}; ` +
        `in flight: ${crash.inFlight.slice(0, 5).map(describe).join(' | ')}; output tail: ${JSON.stringify(crash.output.slice(-600))}`)
    }
    const usage = process.cpuUsage()
    this.log(`fuzz: ${tally.requests} requests in ${seconds.toFixed(1)} s (${(tally.requests / seconds).toFixed(0)}/s), ${tally.validChecks} valid checks, ` +
      `seed ${this.options.seed}; fuzzer CPU ${((usage.user + usage.system) / 1e6).toFixed(1)} s`)
    this.log(`  statuses: ${sorted(tally.statuses)}`)
    this.log(`  categories: ${sorted(tally.categories)}`)
    if (tally.unavailable.size > 0) this.log(`  503 errors: ${sorted(tally.unavailable)}`)
    for (const run of this.runs) {
      this.log(`  gateway KASTLEX_WORKERS=${run.mode}: ${run.requests} requests in ${run.seconds.toFixed(1)} s (${(run.requests / run.seconds).toFixed(0)}/s, gateway CPU ${run.cpu?.toFixed(1) ?? '?'} s), RSS start ${run.rssStart.toFixed(0)} MiB, peak ${run.rssPeak.toFixed(0)} MiB, end ${run.rssEnd?.toFixed(0) ?? '(died)'} MiB`)
    }
    for (const note of tally.notes) this.log(`  note: ${note}`)
    for (const [name, { count, first }] of tally.failures) this.log(`  FAIL ${name}: ${count}; first: ${first}`)
    this.log(tally.failures.size === 0 ? 'fuzz: PASSED' : `fuzz: FAILED (${[...tally.failures.keys()].join(', ')}); rerun with FUZZ_SEED=${this.options.seed}`)
    return tally.failures.size === 0
  }
}
