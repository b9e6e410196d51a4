// KastleX comparison benchmark (issue 5, first slice): on one machine and one embedded Kafka, each
// contender in turn under the same load generator (wrk from Debian), then a markdown + JSON report in
// bench/results/compare-<timestamp>.{md,json}.
//
//   npm run bench:compare
//   BENCH_DURATION=15 (seconds, after a 3 s warm-up)  BENCH_PORT=18092 (gateway; the bare server uses +1)
//   BENCH_WRK_THREADS=2
//
// Contenders: KastleX (KASTLEX_WORKERS=2 and 0), the HTTP ceiling (bare uWebSockets.js answering 204)
// and the Kafka ceiling (a direct librdkafka producer). Strimzi Kafka Bridge and kafka-pixy are listed
// as skipped in this version. Workloads: produce 1 KB binary records over 64 and 256 connections.
// If /usr/bin/wrk is missing, the script installs it with `apt-get install -y wrk` (Debian package).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { GATEWAY_LOG_LEVEL, startGateway, type Gateway } from './gateway.js'
import { HOST } from './http.js'
import { createTopic, deleteTopic, ensureKafka } from './kafka.js'
import { machineInfo, type MachineInfo } from './report.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..') // dist/bench/compare.js -> repo root
const RESULTS_DIR = join(ROOT, 'bench/results')
const KAFKA = `${HOST}:${process.env.EMBEDDED_KAFKA_PORT ?? 9092}`
const WRK = '/usr/bin/wrk'
const WARMUP_SEC = 3
const RECORD_BYTES = 1024
const PARTITIONS = 8
const REQUEST_TIMEOUT_SEC = 10
const WORKLOADS = [
  { name: 'produce-64', connections: 64 },
  { name: 'produce-256', connections: 256 }
] as const
/** Slack on top of a run's nominal length before its process is killed. */
const RUN_SLACK_MS = 30_000
const START_TIMEOUT_MS = 15_000
const STOP_GRACE_MS = 5_000
const NOT_YET = 'not in this version of the script yet'

type Workload = typeof WORKLOADS[number]

interface Config { port: number, durationSec: number, wrkThreads: number }

interface WrkErrors { connect: number, read: number, write: number, timeout: number, status: number }

interface Row {
  contender: string
  workload: string
  connections: number
  status: 'ok' | 'failed' | 'skipped'
  note?: string
  durationSec?: number
  /** completed HTTP responses per second (any status); null for the direct producer */
  requestsPerSec?: number | null
  /** acknowledged records per second (2xx for KastleX); null for the bare HTTP server */
  recordsPerSec?: number | null
  latencyP50Ms?: number | null
  latencyP99Ms?: number | null
  latencyP999Ms?: number | null
  errors?: WrkErrors | { produce: number }
  firstError?: string | null
  /** CPU seconds (user + system) of the contender's process per 10 000 requests (records for the producer) */
  cpuSecPer10k?: number | null
  peakRssMb?: number | null
  /** what the peak RSS covers: this workload (after a reset via clear_refs) or the process's life */
  peakRssScope?: 'workload' | 'process'
}

interface CompareReport {
  machine: MachineInfo
  config: Record<string, string | number | boolean>
  rows: Row[]
  ratios: Array<{ workload: string, kastlex: string, vsBareUwsRequests: number | null, vsDirectProducerRecords: number | null }>
}

const log = (msg: string): void => { process.stderr.write(`[compare] ${msg}\n`) }
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits
const message = (err: unknown): string => err instanceof Error ? err.message : String(err)

function readConfig (): Config {
  const int = (name: string, fallback: string, min: number, max: number): number => {
    const text = process.env[name] || fallback
    const n = Number(text.trim())
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected an integer in ${min}..${max}, got "${text}"`)
    return n
  }
  return {
    port: int('BENCH_PORT', '18092', 1, 65534),
    durationSec: int('BENCH_DURATION', '15', 1, 3600),
    wrkThreads: int('BENCH_WRK_THREADS', '2', 1, 64)
  }
}

// ---- processes ---------------------------------------------------------------------------------

/** Everything started here, stopped on a signal as well. */
const children = new Set<ChildProcess>()

function track (child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  if (await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS, false, { ref: false })])) return
  child.kill('SIGKILL')
  await Promise.race([exited, sleep(STOP_GRACE_MS, undefined, { ref: false })])
}

/** Runs a child to completion within timeoutMs (then SIGKILL); resolves with its stdout and exit. */
async function runChild (file: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<{ stdout: string, code: number | null, signal: string | null, pid: number | undefined }> {
  const child = track(spawn(file, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 2], env }))
  let stdout = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  const timer = setTimeout(() => { log(`${file} still running after ${timeoutMs / 1000} s: killing it`); child.kill('SIGKILL') }, timeoutMs)
  try {
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (c, s) => resolve([c, s]))
    })
    return { stdout, code, signal, pid: child.pid }
  } finally {
    clearTimeout(timer)
  }
}

const CLK_TCK = ((): number => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100 } catch { return 100 }
})()

/** utime + stime of a process in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function peakRssMb (pid: number): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? null : round(Number(kb) / 1024, 1)
  } catch {
    return null
  }
}

/** Resets the peak RSS of a process (Linux ≥ 4.0); false where that is not allowed. */
function resetPeakRss (pid: number): boolean {
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); return true } catch { return false }
}

/** The pid of our child running `node <script>` (bench/gateway.ts does not expose it). */
function childPid (script: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(script)) return Number(entry)
    } catch { /* gone meanwhile */ }
  }
  throw new Error(`no child process runs ${script}`)
}

// ---- wrk ---------------------------------------------------------------------------------------

/** /usr/bin/wrk, installed from Debian when missing. Returns whether it had to be installed. */
function ensureWrk (): boolean {
  if (existsSync(WRK)) return false
  log(`${WRK} not found: installing the Debian package wrk (apt-get install -y wrk)`)
  const apt = (args: string[]): boolean => {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    return r.status === 0
  }
  if (!apt(['install', '-y', 'wrk'])) {
    log('apt-get install failed: running apt-get update, then trying again')
    apt(['update'])
    apt(['install', '-y', 'wrk'])
  }
  if (!existsSync(WRK)) {
    throw new Error(`wrk is required and could not be installed (apt-get install -y wrk failed); install it (Debian package "wrk", ${WRK}) and run again`)
  }
  log(`installed ${WRK}`)
  return true
}

function wrkVersion (): string {
  const r = spawnSync(WRK, ['-v'], { encoding: 'utf8', timeout: 5_000 })
  return (r.stdout || r.stderr || '').split('\n')[0].trim()
}

/** POSTs the body file as application/binary; done() prints "kx <name> <value>" lines. */
function luaScript (bodyPath: string): string {
  return `-- written by bench/compare.ts
local f = assert(io.open(${JSON.stringify(bodyPath)}, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/binary"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("kx requests %d\\n", summary.requests))
  io.write(string.format("kx duration_us %d\\n", summary.duration))
  io.write(string.format("kx errors_connect %d\\n", e.connect))
  io.write(string.format("kx errors_read %d\\n", e.read))
  io.write(string.format("kx errors_write %d\\n", e.write))
  io.write(string.format("kx errors_timeout %d\\n", e.timeout))
  io.write(string.format("kx errors_status %d\\n", e.status))
  io.write(string.format("kx p50_ms %.3f\\n", latency:percentile(50) / 1000))
  io.write(string.format("kx p99_ms %.3f\\n", latency:percentile(99) / 1000))
  io.write(string.format("kx p999_ms %.3f\\n", latency:percentile(99.9) / 1000))
end
`
}

interface WrkResult {
  requests: number
  durationSec: number
  errors: WrkErrors
  p50Ms: number
  p99Ms: number
  p999Ms: number
}

async function runWrk (url: string, connections: number, durationSec: number, threads: number, lua: string): Promise<WrkResult> {
  const args = ['-t', String(Math.min(threads, connections)), '-c', String(connections), '-d', `${durationSec}s`,
    '--timeout', `${REQUEST_TIMEOUT_SEC}s`, '-s', lua, url]
  const { stdout, code, signal } = await runChild(WRK, args, durationSec * 1000 + RUN_SLACK_MS)
  const values = new Map<string, number>()
  for (const line of stdout.split('\n')) {
    const m = /^kx (\w+) ([\d.]+)$/.exec(line.trim())
    if (m) values.set(m[1], Number(m[2]))
  }
  const get = (name: string): number => {
    const v = values.get(name)
    if (v === undefined) throw new Error(`wrk (${signal ?? `exit code ${code}`}) printed no "${name}": ${stdout.slice(0, 500)}`)
    return v
  }
  return {
    requests: get('requests'),
    durationSec: get('duration_us') / 1e6,
    errors: { connect: get('errors_connect'), read: get('errors_read'), write: get('errors_write'), timeout: get('errors_timeout'), status: get('errors_status') },
    p50Ms: get('p50_ms'),
    p99Ms: get('p99_ms'),
    p999Ms: get('p999_ms')
  }
}

// ---- contenders --------------------------------------------------------------------------------

interface HttpTarget {
  pid: number
  url: string
  /** records: each 2xx is one stored record (KastleX); the bare server stores nothing */
  countsRecords: boolean
  assertAlive: (during: string) => void
}

async function measureHttp (name: string, target: HttpTarget, workload: Workload, config: Config, lua: string): Promise<Row> {
  log(`${name} ${workload.name}: ${WARMUP_SEC} s warm-up, then ${config.durationSec} s measured`)
  await runWrk(target.url, workload.connections, WARMUP_SEC, config.wrkThreads, lua)
  target.assertAlive(`during the ${workload.name} warm-up`)
  const rssReset = resetPeakRss(target.pid)
  const ticks0 = cpuTicks(target.pid)
  const r = await runWrk(target.url, workload.connections, config.durationSec, config.wrkThreads, lua)
  const cpuSec = (cpuTicks(target.pid) - ticks0) / CLK_TCK
  const rss = peakRssMb(target.pid)
  target.assertAlive(`during ${workload.name}`)
  const errors = r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout + r.errors.status
  if (errors > 0) log(`${name} ${workload.name}: errors ${JSON.stringify(r.errors)}`)
  return {
    contender: name,
    workload: workload.name,
    connections: workload.connections,
    status: 'ok',
    durationSec: round(r.durationSec, 3),
    requestsPerSec: Math.round(r.requests / r.durationSec),
    recordsPerSec: target.countsRecords ? Math.round((r.requests - r.errors.status) / r.durationSec) : null,
    latencyP50Ms: r.p50Ms,
    latencyP99Ms: r.p99Ms,
    latencyP999Ms: r.p999Ms,
    errors: r.errors,
    cpuSecPer10k: r.requests > 0 ? round(cpuSec / r.requests * 10_000, 3) : null,
    peakRssMb: rss,
    peakRssScope: rssReset ? 'workload' : 'process'
  }
}

const failedRows = (name: string, err: unknown, done: Row[]): Row[] => WORKLOADS
  .filter((w) => !done.some((row) => row.workload === w.name))
  .map((w) => ({ contender: name, workload: w.name, connections: w.connections, status: 'failed' as const, note: message(err) }))

async function kastlex (workers: number, config: Config, topic: string, lua: string): Promise<Row[]> {
  const name = `KastleX (KASTLEX_WORKERS=${workers})`
  const rows: Row[] = []
  let gateway: Gateway | undefined
  try {
    log(`starting ${name}, log level ${GATEWAY_LOG_LEVEL}, on ${HOST}:${config.port}`)
    gateway = await startGateway({ root: ROOT, port: config.port, workers, kafka: KAFKA })
    const gw = gateway
    const target: HttpTarget = {
      pid: childPid(join(ROOT, 'dist/src/main.js')),
      url: `http://${HOST}:${config.port}/api/v2/messages/${encodeURIComponent(topic)}`,
      countsRecords: true,
      assertAlive: (during) => gw.assertAlive(during)
    }
    for (const workload of WORKLOADS) rows.push(await measureHttp(name, target, workload, config, lua))
  } catch (err) {
    log(`${name} failed: ${message(err)}`)
    rows.push(...failedRows(name, err, rows))
  } finally {
    if (gateway !== undefined) log(`${name} stopped: ${await gateway.stop()}`)
  }
  return rows
}

async function bareUws (config: Config, lua: string): Promise<Row[]> {
  const name = 'bare uWebSockets.js (HTTP ceiling)'
  const port = config.port + 1
  const rows: Row[] = []
  const script = join(ROOT, 'dist/bench/ceilings/bare-uws.js')
  let child: ChildProcess | undefined
  try {
    log(`starting ${name} on ${HOST}:${port}`)
    const c = track(spawn(process.execPath, [script, String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 2] }))
    child = c
    let exit: string | undefined
    c.once('exit', (code, signal) => { exit = signal ?? `exit code ${code}` })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
      let out = ''
      c.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk
        if (out.includes('listening')) { clearTimeout(timer); resolve() }
      })
      c.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`exited during start (${signal ?? `exit code ${code}`})`)) })
      c.once('error', (err) => { clearTimeout(timer); reject(err) })
    })
    const target: HttpTarget = {
      pid: c.pid as number,
      url: `http://${HOST}:${port}/api/v2/messages/bench`,
      countsRecords: false,
      assertAlive: (during) => { if (exit !== undefined) throw new Error(`bare uWS server exited ${during} (${exit})`) }
    }
    for (const workload of WORKLOADS) rows.push(await measureHttp(name, target, workload, config, lua))
  } catch (err) {
    log(`${name} failed: ${message(err)}`)
    rows.push(...failedRows(name, err, rows))
  } finally {
    if (child !== undefined) await stopChild(child)
  }
  return rows
}

async function directProducer (config: Config, topic: string): Promise<Row[]> {
  const name = 'direct librdkafka producer (Kafka ceiling)'
  const script = join(ROOT, 'dist/bench/ceilings/direct-producer.js')
  const rows: Row[] = []
  try {
    for (const workload of WORKLOADS) {
      log(`${name} ${workload.name}: ${workload.connections} records in flight, ${WARMUP_SEC} s warm-up, then ${config.durationSec} s measured`)
      const args = [script, KAFKA, topic, String(workload.connections), String(WARMUP_SEC), String(config.durationSec)]
      const { stdout, code, signal } = await runChild(process.execPath, args, (WARMUP_SEC + config.durationSec) * 1000 + RUN_SLACK_MS,
        { ...process.env, BENCH_CLK_TCK: String(CLK_TCK) })
      const line = stdout.split('\n').find((l) => l.startsWith('result '))
      if (line === undefined) throw new Error(`direct producer printed no result (${signal ?? `exit code ${code}`})`)
      const r = JSON.parse(line.slice('result '.length)) as {
        durationSec: number, records: number, recordsPerSec: number, errors: number, firstError: string | null,
        latencyP50Ms: number | null, latencyP99Ms: number | null, latencyP999Ms: number | null, cpuSec: number, peakRssMb: number | null
      }
      if (r.firstError !== null) log(`${name} ${workload.name}: first error: ${r.firstError}`)
      rows.push({
        contender: name,
        workload: workload.name,
        connections: workload.connections,
        status: 'ok',
        note: `${workload.connections} records in flight; latency = produce → delivery report`,
        durationSec: r.durationSec,
        requestsPerSec: null,
        recordsPerSec: r.recordsPerSec,
        latencyP50Ms: r.latencyP50Ms,
        latencyP99Ms: r.latencyP99Ms,
        latencyP999Ms: r.latencyP999Ms,
        errors: { produce: r.errors },
        firstError: r.firstError,
        cpuSecPer10k: r.records > 0 ? round(r.cpuSec / r.records * 10_000, 3) : null,
        peakRssMb: r.peakRssMb,
        peakRssScope: 'workload'
      })
    }
  } catch (err) {
    log(`${name} failed: ${message(err)}`)
    rows.push(...failedRows(name, err, rows))
  }
  return rows
}

const skipped = (contender: string): Row[] =>
  WORKLOADS.map((w) => ({ contender, workload: w.name, connections: w.connections, status: 'skipped' as const, note: NOT_YET }))

// ---- report ------------------------------------------------------------------------------------

function ratios (rows: Row[]): CompareReport['ratios'] {
  const out: CompareReport['ratios'] = []
  for (const w of WORKLOADS) {
    const find = (prefix: string): Row | undefined => rows.find((r) => r.status === 'ok' && r.workload === w.name && r.contender.startsWith(prefix))
    const bare = find('bare uWebSockets.js')
    const direct = find('direct librdkafka')
    for (const k of rows.filter((r) => r.status === 'ok' && r.workload === w.name && r.contender.startsWith('KastleX'))) {
      const ratio = (a: number | null | undefined, b: number | null | undefined): number | null => (a != null && b != null && b > 0 ? round(a / b, 3) : null)
      out.push({
        workload: w.name,
        kastlex: k.contender,
        vsBareUwsRequests: ratio(k.requestsPerSec, bare?.requestsPerSec),
        vsDirectProducerRecords: ratio(k.recordsPerSec, direct?.recordsPerSec)
      })
    }
  }
  return out
}

function markdown (report: CompareReport): string {
  const { machine, config } = report
  const cell = (v: number | string | null | undefined): string => (v === null || v === undefined ? '–' : String(v))
  const errors = (e: Row['errors']): string => {
    if (e === undefined) return '–'
    if ('produce' in e) return `${e.produce} (produce)`
    const total = e.connect + e.read + e.write + e.timeout + e.status
    return total === 0 ? '0' : `${total} (c ${e.connect} / r ${e.read} / w ${e.write} / t ${e.timeout} / status ${e.status})`
  }
  const lines = [
    `# KastleX comparison benchmark, ${machine.date}`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryMb} MB, ${machine.os}, node ${machine.node}.`,
    `Load generator: ${config.wrk} (${config.wrkThreads} threads, Lua script POSTing a fixed ${RECORD_BYTES} B random body as application/binary); ` +
      `Kafka: embedded broker at ${KAFKA}, topic with ${PARTITIONS} partitions; KastleX produce path \`/api/v2/messages/<topic>\`, acks=all.`,
    `Each workload: ${WARMUP_SEC} s warm-up, then ${config.durationSec} s measured. One run; the machine is shared and noisy, so compare ratios within a run.`,
    'CPU = user + system seconds of the contender\'s process per 10 000 requests (records for the direct producer); peak RSS = VmHWM, reset before each workload.',
    '',
    '| contender | workload | conns | req/s | records/s | p50 ms | p99 ms | p99.9 ms | errors | CPU s / 10k | peak RSS MB | note |',
    '|---|---|--:|--:|--:|--:|--:|--:|---|--:|--:|---|'
  ]
  for (const r of report.rows) {
    if (r.status !== 'ok') {
      lines.push(`| ${r.contender} | ${r.workload} | ${r.connections} | – | – | – | – | – | – | – | – | ${r.status}: ${r.note ?? ''} |`)
      continue
    }
    lines.push(`| ${r.contender} | ${r.workload} | ${r.connections} | ${cell(r.requestsPerSec)} | ${cell(r.recordsPerSec)} | ${cell(r.latencyP50Ms)} | ` +
      `${cell(r.latencyP99Ms)} | ${cell(r.latencyP999Ms)} | ${errors(r.errors)} | ${cell(r.cpuSecPer10k)} | ${cell(r.peakRssMb)} | ` +
      `${r.peakRssScope === 'process' ? 'RSS since start; ' : ''}${r.note ?? ''} |`)
  }
  lines.push('', '| KastleX | workload | req/s ÷ bare-uWS req/s | records/s ÷ direct-producer records/s |', '|---|---|--:|--:|')
  for (const q of report.ratios) lines.push(`| ${q.kastlex} | ${q.workload} | ${cell(q.vsBareUwsRequests)} | ${cell(q.vsDirectProducerRecords)} |`)
  return lines.join('\n') + '\n'
}

// ---- main --------------------------------------------------------------------------------------

async function main (): Promise<void> {
  const config = readConfig()
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const wrkInstalled = ensureWrk()
  const wrk = wrkVersion()
  log(`load generator: ${wrk}`)

  log(`ensuring Kafka on ${KAFKA}`)
  await ensureKafka(ROOT)

  const onSignal = (signal: NodeJS.Signals): void => {
    for (const child of children) child.kill('SIGTERM')
    log(`${signal}: stopped what this script started, exiting`)
    process.exit(130)
  }
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)

  const topic = `bench-compare-${Date.now()}`
  const tmp = await mkdtemp(join(os.tmpdir(), 'kastlex-compare-'))
  const rows: Row[] = []
  let topicCreated = false
  try {
    const bodyPath = join(tmp, 'body.bin')
    const lua = join(tmp, 'produce.lua')
    await writeFile(bodyPath, randomBytes(RECORD_BYTES))
    await writeFile(lua, luaScript(bodyPath))
    await createTopic(KAFKA, topic, PARTITIONS)
    topicCreated = true

    rows.push(...await bareUws(config, lua))
    rows.push(...await kastlex(2, config, topic, lua))
    rows.push(...await kastlex(0, config, topic, lua))
    rows.push(...await directProducer(config, topic))
    rows.push(...skipped('Strimzi Kafka Bridge'), ...skipped('kafka-pixy'))
  } finally {
    for (const child of [...children]) await stopChild(child)
    if (topicCreated) await deleteTopic(KAFKA, topic).catch((err: unknown) => log(`deleting ${topic}: ${message(err)}`))
    await rm(tmp, { recursive: true, force: true })
  }

  const report: CompareReport = {
    machine: machineInfo(),
    config: {
      durationSec: config.durationSec,
      warmupSec: WARMUP_SEC,
      recordBytes: RECORD_BYTES,
      topicPartitions: PARTITIONS,
      wrk,
      wrkInstalledByScript: wrkInstalled,
      wrkThreads: config.wrkThreads,
      requestTimeoutSec: REQUEST_TIMEOUT_SEC,
      clockTicksPerSec: CLK_TCK,
      gatewayLogLevel: GATEWAY_LOG_LEVEL,
      kafka: KAFKA
    },
    rows,
    ratios: ratios(rows)
  }
  await mkdir(RESULTS_DIR, { recursive: true })
  const base = join(RESULTS_DIR, `compare-${stamp}`)
  const md = markdown(report)
  await writeFile(`${base}.json`, JSON.stringify(report, null, 2) + '\n')
  await writeFile(`${base}.md`, md)
  process.stdout.write(`${md}\n(written to ${base}.md and ${base}.json)\n`)
  const failed = rows.filter((r) => r.status === 'failed')
  if (failed.length > 0) throw new Error(`${failed.length} measurement(s) failed; see the report`)
}

main().then(() => process.exit(0), (err: unknown) => {
  log(`failed: ${message(err)}`)
  process.exit(1)
})
