import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { authEnvironment, writeDevelopmentAuth, type AuthFiles } from '../src/auth/dev-auth.js'
import { gatewayEnv } from '../src/malloc-arenas.js'
import { gatewayV8Args } from '../src/v8-flags.js'
import { peakRssMb } from './compare/processes.js'
import { HOST, request } from './http.js'

export const GATEWAY_LOG_LEVEL = 'warn'
const READY_TIMEOUT_MS = 60_000
const READY_POLL_MS = 250
const STOP_GRACE_MS = 15_000
const KILL_WAIT_MS = 5_000

/** The development auth files (key, users, permissions) every bench gateway runs with. */
export const devAuthFiles = async (root: string): Promise<AuthFiles> => await writeDevelopmentAuth(join(root, '.cache/dev-auth'))

export interface GatewayOptions {
  root: string
  port: number
  workers: number
  kafka: string
  /** The entry script under root; the gateway's own by default, the micro-benchmark's stub gateway otherwise. */
  entry?: string
}

export interface Gateway {
  pid: number
  /** Throws when the gateway process is gone. */
  assertAlive (during: string): void
  /** Peak resident set size (VmHWM) in MB, or null where /proc is unavailable. */
  peakRssMb (): number | null
  /** SIGTERM, then SIGKILL after 15 s; resolves with how the process ended. */
  stop (): Promise<string>
  /** Immediate SIGTERM without waiting (for signal handlers). */
  kill (): void
}

/** Spawns `node dist/src/main.js` (or `entry`) and resolves once /health and /api/v1/topics answer 200. */
export async function startGateway ({ root, port, workers, kafka, entry = 'dist/src/main.js' }: GatewayOptions): Promise<Gateway> {
  const main = join(root, entry)
  const auth = authEnvironment(await devAuthFiles(root))
  if (!existsSync(main)) throw new Error(`${main} does not exist; build the gateway first (npm run build)`)
  if (await portAnswers(port)) throw new Error(`${HOST}:${port} is already in use; stop that process or set BENCH_PORT`)

  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the gateway's main thread, written there when it stops
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  // BENCH_GATEWAY_NODE_OPTIONS: NODE_OPTIONS of the gateway alone, in place of the inherited ones (e.g. V8 heap
  // flags, which then hold for its workers too); V8's flags as `npm start` sets them (src/v8-flags.ts) unless
  // those options set them. In NODE_OPTIONS, not the arguments, so that a build from before v8-flags.ts runs
  // with them too.
  const given = process.env.BENCH_GATEWAY_NODE_OPTIONS || process.env.NODE_OPTIONS || ''
  const nodeOptions = [given, ...gatewayV8Args([], given, availableParallelism())].join(' ').trim()
  const child = spawn(process.execPath, [...profile, main], {
    cwd: root,
    // the gateway's own output goes to our stderr so stdout carries only the report
    stdio: ['ignore', 2, 2],
    // malloc's arenas as `npm start` sets them (src/malloc-arenas.ts) unless MALLOC_ARENA_MAX is set
    env: gatewayEnv({
      ...process.env,
      ...(nodeOptions !== '' ? { NODE_OPTIONS: nodeOptions } : {}),
      KASTLEX_HTTP_PORT: String(port),
      KASTLEX_KAFKA_CLUSTER: kafka,
      KASTLEX_WORKERS: String(workers),
      KASTLEX_LOG_LEVEL: GATEWAY_LOG_LEVEL,
      ...auth
    })
  })
  let exit: string | undefined
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => { exit = signal ?? `exit code ${code}`; resolve() })
    child.once('error', (err) => { exit = err.message; resolve() })
  })
  const waitExit = (ms: number): Promise<unknown> => Promise.race([exited, sleep(ms, undefined, { ref: false })])
  const gateway: Gateway = {
    pid: child.pid ?? -1,
    assertAlive (during) {
      if (exit !== undefined) throw new Error(`gateway (workers=${workers}) exited ${during} (${exit})`)
    },
    peakRssMb: () => child.pid === undefined ? null : peakRssMb(child.pid),
    async stop () {
      if (exit === undefined) {
        child.kill('SIGTERM')
        await waitExit(STOP_GRACE_MS)
      }
      if (exit === undefined) {
        child.kill('SIGKILL')
        await waitExit(KILL_WAIT_MS)
        return `no exit ${STOP_GRACE_MS / 1000} s after SIGTERM, then SIGKILL: ${exit ?? 'still running'}`
      }
      return exit
    },
    kill () {
      if (exit === undefined) child.kill('SIGTERM')
    }
  }

  try {
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (!(await isReady(port))) {
      gateway.assertAlive('during start')
      if (Date.now() > deadline) throw new Error(`gateway (workers=${workers}) not ready within ${READY_TIMEOUT_MS / 1000} s`)
      await sleep(READY_POLL_MS)
    }
    return gateway
  } catch (err) {
    await gateway.stop()
    throw err
  }
}

async function isReady (port: number): Promise<boolean> {
  try {
    for (const path of ['/health', '/api/v1/topics']) {
      if ((await request(port, { path, timeoutMs: 2_000 })).status !== 200) return false
    }
    return true
  } catch {
    return false
  }
}

function portAnswers (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port })
    const done = (answers: boolean): void => { socket.destroy(); resolve(answers) }
    socket.setTimeout(1_000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}
