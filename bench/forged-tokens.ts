// Forged tokens (issue 10 item 4, SPEC §10.6a): what a forged ES512 token costs the gateway's main
// thread, and whether a valid token keeps working while one address floods forged ones. Loopback only.
//
//   npm run bench:forged     BENCH_DURATION=10 (seconds per load phase)  BENCH_PORT=18092
//                            BENCH_WORKERS=0  BENCH_FLOOD_CONNECTIONS=32
//
// 1. In process: mean µs per AccessControl.check (steps 5–6 of every request) for a cached valid token,
//    distinct forged tokens (in-range signature values, so the ES512 verification runs to the end), one
//    forged token repeated, and distinct forged tokens once their address is over the failure limit.
// 2. Against a gateway: a probe with a valid token from 127.0.0.2 (one request at a time), alone and
//    during a flood of distinct forged tokens from 127.0.0.1 (a child process, so that the probe's
//    latencies are the gateway's, not the flood client's); the gateway's CPU time per flood request.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AccessControl } from '../src/auth/access.js'
import { DEV_ADMIN } from '../src/auth/dev-auth.js'
import { createTokenIssuer, createTokenVerifier, loadSigningKey } from '../src/auth/jwt.js'
import type { AuthConfig } from '../src/config.js'
import type { Route } from '../src/http/router.js'
import { cpuSeconds } from './compare/cpu.js'
import { devAuthFiles, startGateway } from './gateway.js'
import { HOST } from './http.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const durationMs = Number(process.env.BENCH_DURATION ?? 10) * 1000
const port = Number(process.env.BENCH_PORT ?? 18092)
const workers = Number(process.env.BENCH_WORKERS ?? 0)
const floodConnections = Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 32)
const ATTACKER = '127.0.0.1'
const PROBE = '127.0.0.2'

/** A token with our header and in-range claims and a random signature whose r and s are below the P-521 order. */
function forgedToken (valid: string): string {
  const [header, payload] = valid.split('.') as [string, string]
  const signature = randomBytes(132)
  signature[0] = (signature[0] as number) & 0x01
  signature[66] = (signature[66] as number) & 0x01
  return `${header}.${payload}.${signature.toString('base64url')}`
}

/** Mean µs per call. */
function perCall (n: number, call: (i: number) => void): number {
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) {
    try { call(i) } catch {}
  }
  return Number(process.hrtime.bigint() - start) / n / 1000
}

function inProcess (files: { jwkFile: string, permissionsFile: string, passwdFile: string }): string[] {
  const key = loadSigningKey(files.jwkFile)
  const valid = createTokenIssuer(key, 3600).issue(DEV_ADMIN.username)
  const config = (failuresPerAddress: number): AuthConfig => ({
    ...files, tokenTtlSeconds: 3600, metricsAuth: false, trustProxyHops: 0, tokenTopic: '_kastlex_tokens',
    login: { windowSeconds: 300, maxPerAddress: 50, maxFailuresPerUser: 10 }, failuresPerAddress, tokenStorage: undefined
  })
  const route = { method: 'GET', template: '/api/v1/brokers', negotiation: 'none', action: 'list_brokers', handle: () => ({ status: 200 }) } satisfies Route
  const unlimited = new AccessControl(config(2 ** 31 - 1), createTokenVerifier(key), undefined)
  const limited = new AccessControl(config(100), createTokenVerifier(key), undefined)
  const check = (access: AccessControl, token: string, address = ATTACKER): unknown => access.check(route, token, {}, () => address)
  const forged = Array.from({ length: 20_200 }, () => forgedToken(valid))
  check(unlimited, valid)
  perCall(100, (i) => check(limited, forged[i] as string)) // uses up the attacker's failures
  const rows: Array<[string, number]> = [
    ['valid token, cached', perCall(20_000, () => check(unlimited, valid))],
    ['distinct forged tokens, address not limited', perCall(200, (i) => check(unlimited, forged[100 + i] as string))],
    ['one forged token repeated', perCall(20_000, () => check(unlimited, forged[0] as string))],
    ['distinct forged tokens, address over the limit', perCall(20_000, (i) => check(limited, forged[200 + i] as string))]
  ]
  return rows.map(([name, us]) => `  ${name.padEnd(48)} ${us.toFixed(1).padStart(8)} µs`)
}

interface Answer { readonly status: number, readonly ms: number }

async function get (agent: http.Agent, token: string): Promise<Answer> {
  const started = performance.now()
  return await new Promise((resolve) => {
    const req = http.request({ host: HOST, port, path: '/api/v1/brokers', agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }))
    })
    req.setTimeout(10_000, () => req.destroy())
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }))
    req.end()
  })
}

/** One request at a time with `token` until `until()`. */
async function probe (token: string, until: () => boolean): Promise<Answer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: PROBE } as http.AgentOptions)
  const answers: Answer[] = []
  while (!until()) answers.push(await get(agent, token))
  agent.destroy()
  return answers
}

function describe (name: string, answers: readonly Answer[]): string {
  const ms = answers.map((a) => a.ms).sort((x, y) => x - y)
  const at = (p: number): string => (ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? NaN).toFixed(2)
  const statuses = new Map<number, number>()
  for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1)
  const counts = [...statuses].sort().map(([status, n]) => `${status}×${n}`).join(' ')
  const mean = (ms.reduce((sum, x) => sum + x, 0) / Math.max(1, ms.length)).toFixed(2)
  return `  ${name.padEnd(40)} ${String(answers.length).padStart(7)} requests (${(answers.length / (durationMs / 1000)).toFixed(0)}/s)  mean ${mean} ms  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${at(1)} ms  ${counts}`
}

async function main (): Promise<void> {
  const files = await devAuthFiles(ROOT)
  const lines = ['main thread per AccessControl.check (in process):', ...inProcess(files)]
  const gateway = await startGateway({ root: ROOT, port, workers, kafka: `${HOST}:${process.env.EMBEDDED_KAFKA_PORT ?? 9092}` })
  try {
    const login = await fetch(`http://${HOST}:${port}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEV_ADMIN) })
    const valid = (await login.json() as { token: string }).token
    let end = performance.now() + durationMs
    const alone = await probe(valid, () => performance.now() > end)

    const cpuBefore = cpuSeconds(gateway.pid)
    const flooding = floodFromChild(valid)
    end = performance.now() + durationMs
    const during = await probe(valid, () => performance.now() > end)
    const flood = await flooding
    const cpu = cpuSeconds(gateway.pid) - cpuBefore
    gateway.assertAlive('during the flood')
    lines.push(`against a gateway (KASTLEX_WORKERS=${workers}, ${durationMs / 1000} s per phase, flood of ${floodConnections} connections):`,
      describe('valid token from 127.0.0.2, alone', alone),
      describe('valid token from 127.0.0.2, during flood', during),
      describe('forged tokens from 127.0.0.1 (the flood)', flood),
      `  gateway CPU during the flood: ${cpu.toFixed(2)} s = ${(cpu * 1e6 / Math.max(1, flood.length + during.length)).toFixed(1)} µs per request`)
  } finally {
    await gateway.stop()
  }
  process.stdout.write(lines.join('\n') + '\n')
}

/** Runs this file as `flood <token>` in a child process; resolves with its answers. */
async function floodFromChild (valid: string): Promise<Answer[]> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'flood', valid], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  await new Promise((resolve) => child.once('exit', resolve))
  return JSON.parse(out) as Answer[]
}

/** The flood: distinct forged tokens from ATTACKER on `floodConnections` keep-alive connections. */
async function flood (valid: string): Promise<void> {
  const end = performance.now() + durationMs
  const agent = new http.Agent({ keepAlive: true, maxSockets: floodConnections, localAddress: ATTACKER } as http.AgentOptions)
  const answers: Answer[] = []
  await Promise.all(Array.from({ length: floodConnections }, async () => {
    while (performance.now() < end) answers.push(await get(agent, forgedToken(valid)))
  }))
  agent.destroy()
  await new Promise((resolve) => process.stdout.write(JSON.stringify(answers), resolve))
}

const run = process.argv[2] === 'flood' ? flood(process.argv[3] ?? '') : main()
run.then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
