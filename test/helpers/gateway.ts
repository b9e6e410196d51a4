// A gateway process per test file (dist/src/main.js) on a free port, configured by environment only.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { authEnvironment, writeDevelopmentAuth, type AuthFiles } from '../../src/auth/dev-auth.js'
import { KAFKA } from './kafka.js'

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url))
const START_TIMEOUT_MS = 30_000
/** Output kept per gateway, in characters (the fuzzer's long run logs over a million access lines). */
const OUTPUT_KEPT = 4_000_000

export interface Gateway {
  readonly url: string
  readonly process: ChildProcess
  /** What the gateway wrote to stdout and stderr so far (the latest few million characters). */
  output: () => string
  /** Resolves when the output matches (e.g. a trace line), rejects after `timeoutMs`. */
  waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<void>
  stop: () => Promise<number | null>
}

export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
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

/** Starts a gateway (or `script`, e.g. SUPERVISOR) and resolves once it listens; `env` overrides the test defaults. */
export async function startGateway (env: Record<string, string> = {}, script = MAIN): Promise<Gateway> {
  const port = await freePort()
  const auth = authEnvironment(await testAuthFiles())
  const child = spawn(process.execPath, [script], {
    env: {
      PATH: process.env.PATH,
      KASTLEX_HTTP_PORT: String(port),
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
    url: `http://127.0.0.1:${port}`,
    process: child,
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

