// Where the gateway listens (SPEC §9): KASTLEX_HTTP_HOST with a dual-stack default, a port another process
// holds stops the start (no silent SO_REUSEPORT sharing), and KASTLEX_HTTP_REUSE_PORT shares it on purpose.
import test from 'ava'
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { authEnvironment } from '../../src/auth/dev-auth.js'
import { SUPERVISOR, startGateway, testAuthFiles, type Gateway } from '../helpers/gateway.js'
import { KAFKA } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'

const MAIN = new URL('../../src/main.js', import.meta.url).pathname

const portOf = (gateway: Gateway): number => Number(new URL(gateway.url).port)

/** GET over a new connection to `host` (an IP literal); the status, or the error code (e.g. ECONNREFUSED). */
function get (host: string, port: number, path = '/health'): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
    req.setTimeout(10_000, () => req.destroy(new Error('no answer')))
    req.end()
  })
}

/** Runs `script` with a valid configuration apart from `env` to its exit. */
async function runToExit (script: string, env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  const child = spawn(process.execPath, [script], {
    env: { PATH: process.env.PATH, KASTLEX_KAFKA_CLUSTER: KAFKA, KASTLEX_WORKERS: '0', ...authEnvironment(await testAuthFiles()), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(timer)
  return { code, output }
}

test('by default the gateway listens on :: and answers over IPv4 and IPv6', async (t) => {
  const gateway = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(gateway.stop)
  t.regex(gateway.output(), /"msg":"listening","host":"::"/)
  t.is(await get('127.0.0.1', portOf(gateway)), 200)
  t.is(await get('::1', portOf(gateway)), 200)
})

test('KASTLEX_HTTP_HOST=127.0.0.1 refuses ::1; KASTLEX_HTTP_HOST=::1 refuses 127.0.0.1', async (t) => {
  const v4 = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_HTTP_HOST: '127.0.0.1' })
  t.teardown(v4.stop)
  t.is(await get('127.0.0.1', portOf(v4)), 200)
  t.is(await get('::1', portOf(v4)), 'ECONNREFUSED')
  const v6 = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_HTTP_HOST: '::1' })
  t.teardown(v6.stop)
  t.is(await get('::1', portOf(v6)), 200)
  t.is(await get('127.0.0.1', portOf(v6)), 'ECONNREFUSED')
})

test('a second gateway on a port a gateway holds stops its start (exit 1, naming host and port)', async (t) => {
  const first = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(first.stop)
  const port = String(portOf(first))
  const second = await runToExit(MAIN, { KASTLEX_HTTP_PORT: port })
  t.is(second.code, 1, second.output)
  t.regex(second.output, new RegExp(`"level":"fatal".*cannot listen on HTTP port ${port} on ::`))
  t.notRegex(second.output, /"msg":"listening"/)
  // Also when the first listens on one address only and the second on every one.
  const v4 = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_HTTP_HOST: '127.0.0.1' })
  t.teardown(v4.stop)
  const overlapping = await runToExit(MAIN, { KASTLEX_HTTP_PORT: String(portOf(v4)) })
  t.is(overlapping.code, 1, overlapping.output)
  t.is(await get('127.0.0.1', portOf(first)), 200, 'the first one still serves')
})

test('npm start on a taken port: the supervisor does not restart the gateway and exits 1', async (t) => {
  const first = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(first.stop)
  const port = String(portOf(first))
  // With workers: the pool's threads never listen, and the refusal comes before they matter.
  const { code, output } = await runToExit(SUPERVISOR, { KASTLEX_HTTP_PORT: port, KASTLEX_WORKERS: '2' })
  t.is(code, 1, output)
  t.is([...output.matchAll(/"msg":"gateway started"/g)].length, 1, output)
  t.regex(output, new RegExp(`cannot listen on HTTP port ${port} on ::`))
  t.regex(output, /"msg":"gateway did not start; not restarting"/)
})

test('KASTLEX_HTTP_REUSE_PORT=true on both: two gateways share the port and the kernel spreads connections', async (t) => {
  const first = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_HTTP_REUSE_PORT: 'true' })
  t.teardown(first.stop)
  const second = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_HTTP_REUSE_PORT: 'true', KASTLEX_HTTP_PORT: String(portOf(first)) })
  t.teardown(second.stop)
  // Each GET on a new connection (a new source port): SO_REUSEPORT hashes them over both listeners.
  for (let i = 0; i < 40; i++) t.is(await get('127.0.0.1', portOf(first)), 200)
  const served = (gateway: Gateway): number => [...gateway.output().matchAll(/"msg":"request".*"path":"\/health"/g)].length
  // Access lines are written asynchronously: wait for the last ones.
  t.is(await eventually(async () => served(first) + served(second), (n) => n >= 40, 10_000), 40)
  t.true(served(first) > 0 && served(second) > 0, `first ${served(first)}, second ${served(second)}`)
})

test('KASTLEX_HTTP_REUSE_PORT=true on one side only does not share a port', async (t) => {
  const first = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(first.stop)
  const second = await runToExit(MAIN, { KASTLEX_HTTP_PORT: String(portOf(first)), KASTLEX_HTTP_REUSE_PORT: 'true' })
  t.is(second.code, 1, second.output)
})
