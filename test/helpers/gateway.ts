// A gateway process per test file (dist/src/main.js) on a free port, configured by environment only.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { randomInt } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { authEnvironment, writeDevelopmentAuth, type AuthFiles } from '../../src/auth/dev-auth.js'
import { KAFKA } from './kafka.js'

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url))
const START_TIMEOUT_MS = 30_000
/** Output kept per gateway, in characters (the fuzzer's long run logs over a million access lines). */
const OUTPUT_KEPT = 4_000_000
const FREE_PORT_BELOW = ephemeralPortsStart()
const FREE_PORT_CHOICES = Math.min(16_000, FREE_PORT_BELOW - 1024)
/** Tries of a start whose free port another process took first. */
const START_TRIES = 3

export interface Gateway {
  readonly url: string
  readonly process: ChildProcess
  /** The port of each variable startGateway chose (KASTLEX_HTTP_PORT and the `freePorts` ones). */
  readonly ports: Readonly<Record<string, number>>
  /** What the gateway wrote to stdout and stderr so far (the latest few million characters). */
  output: () => string
  /** Resolves when the output matches (e.g. a trace line), rejects after `timeoutMs`. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>
  stop: () => Promise<number | null>
}

/**
 * A port nothing listens on, below the kernel's ephemeral range: an outgoing connection (to Kafka, between
 * tests) is given ports from that range, so it can take a port bind(0) chose before the gateway binds it, and
 * never one of these.
 */
export async function freePort (): Promise<number> {
  for (;;) {
    const port = FREE_PORT_BELOW - 1 - randomInt(FREE_PORT_CHOICES)
    if (await bindable(port)) return port
  }
}

function bindable (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, () => server.close(() => resolve(true)))
  })
}

function ephemeralPortsStart (): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768
  } catch {
    return 32768
  }
}

let authFiles: Promise<AuthFiles> | undefined

/** The development auth files (anonymous may do everything; admin/admin), one set per test process. */
export function testAuthFiles (): Promise<AuthFiles> {
  authFiles ??= writeDevelopmentAuth(mkdtempSync(join(tmpdir(), 'kastlex-test-auth-')))
  return authFiles
}

/**
 * The environment of a gateway whose anonymous user has the permissions in `permissionsYaml` (a
 * permissions file of its own) and the test users of testAuthFiles.
 */
export async function permissionsEnvironment (permissionsYaml: string): Promise<Record<string, string>> {
  const permissions = join(mkdtempSync(join(tmpdir(), 'kastlex-test-permissions-')), 'permissions.yml')
  writeFileSync(permissions, permissionsYaml)
  return { KASTLEX_PERMISSIONS_FILE_PATH: permissions, KASTLEX_PASSWD_FILE_PATH: (await testAuthFiles()).passwdFile }
}

/** The supervisor `npm start` runs (src/supervisor.ts), for startGateway's `script`. */
export const SUPERVISOR = fileURLToPath(new URL('../../src/supervisor.js', import.meta.url))

/**
 * Starts a gateway (or `script`, e.g. SUPERVISOR) and resolves once it listens; `env` overrides the test
 * defaults. KASTLEX_HTTP_PORT, unless `env` sets it, and each variable of `freePorts` get a free port; when
 * another process takes one of them first the start is tried again on new ones.
 */
export async function startGateway (env: Record<string, string> = {}, script = MAIN, freePorts: readonly string[] = []): Promise<Gateway> {
  const chosen = [...(env.KASTLEX_HTTP_PORT === undefined ? ['KASTLEX_HTTP_PORT'] : []), ...freePorts]
  for (let attempt = 1; ; attempt++) {
    const ports: Record<string, number> = {}
    for (const name of chosen) ports[name] = await freePort()
    try {
      return await launch({ ...env, ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])) }, script, ports)
    } catch (err) {
      if (attempt === START_TRIES || chosen.length === 0 || !/the port is taken/.test((err as Error).message)) throw err
    }
  }
}

async function launch (env: Record<string, string>, script: string, ports: Record<string, number>): Promise<Gateway> {
  const auth = authEnvironment(await testAuthFiles())
  const child = spawn(process.execPath, [script], {
    env: {
      PATH: process.env.PATH,
      KASTLEX_KAFKA_CLUSTER: KAFKA,
      KASTLEX_WORKERS: '1',
      KASTLEX_LOG_LEVEL: 'info',
      ...auth,
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const collect = (chunk: Buffer): void => {
    output += chunk.toString()
    if (output.length > 2 * OUTPUT_KEPT) output = output.slice(-OUTPUT_KEPT)
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not listen within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS)
    const check = (): void => {
      if (output.includes('"msg":"listening"')) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', check)
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`gateway exited with ${code}:\n${output}`)) })
  })
  return {
    url: `http://127.0.0.1:${env.KASTLEX_HTTP_PORT}`,
    process: child,
    ports,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 10_000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { child.stdout.off('data', check); reject(new Error(`no ${pattern} in:\n${output}`)) }, timeoutMs)
      function check (): void {
        if (!pattern.test(output)) return
        clearTimeout(timer)
        child.stdout.off('data', check)
        resolve()
      }
      child.stdout.on('data', check)
      check()
    }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return await exited
    }
  }
}

/** A gateway shared by the tests of one file, stopped after them. */
export function gatewayPerFile (test: { before: (fn: () => Promise<void>) => void, after: { always: (fn: () => Promise<void>) => void } }, env: Record<string, string> = {}): () => Gateway {
  let gateway: Gateway | undefined
  test.before(async () => { gateway = await startGateway(env) })
  test.after.always(async () => { await gateway?.stop() })
  return () => {
    if (gateway === undefined) throw new Error('gateway not started')
    return gateway
  }
}

