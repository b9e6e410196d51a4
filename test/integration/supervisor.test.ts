// Crash containment: `npm start` runs the gateway under src/supervisor.ts, which starts it again when it
// dies (here: SIGKILL), whatever KASTLEX_WORKERS is; a gateway that cannot start is not restarted in a
// loop; SIGTERM stops both with exit 0. The gateway gets V8's flags as src/v8-flags.ts sets them, and two malloc arenas (src/malloc-arenas.ts).
import test from 'ava'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { authEnvironment } from '../../src/auth/dev-auth.js'
import { startGateway, SUPERVISOR, testAuthFiles } from '../helpers/gateway.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'
import { gatewayV8Args } from '../../src/v8-flags.js'

const STARTED = /"msg":"gateway started","pid":(\d+)/g
const startedPids = (output: string): number[] => [...output.matchAll(STARTED)].map((match) => Number(match[1]))
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

for (const workers of ['0', '1']) {
  test(`a gateway killed with SIGKILL is restarted and serves again on the same port (workers ${workers})`, async (t) => {
    const topic = await createTopic(t)
    const service = await startGateway({ KASTLEX_WORKERS: workers }, SUPERVISOR)
    t.teardown(async () => { await service.stop() })
    const [first] = startedPids(service.output())
    t.truthy(first)
    t.is((await fetch(`${service.url}/health`)).status, 200)
    const commandLine = readFileSync(`/proc/${first ?? 0}/cmdline`, 'utf8').split('\0')
    for (const flag of gatewayV8Args([], process.env.NODE_OPTIONS, availableParallelism())) t.true(commandLine.includes(flag), `started with ${flag}: ${commandLine.join(' ')}`)
    const environment = readFileSync(`/proc/${first ?? 0}/environ`, 'utf8').split('\0')
    t.true(environment.includes(`MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2'}`), 'started with MALLOC_ARENA_MAX')
    const killed = Date.now()
    process.kill(first ?? 0, 'SIGKILL')
    await service.waitForOutput(/"msg":"gateway died; restarting"[^\n]*"signal":"SIGKILL"/)
    const status = await eventually(async () => await fetch(`${service.url}/health`).then((r) => r.status, () => 0), (s) => s === 200, 15_000)
    t.is(status, 200)
    t.log(`serving again ${Date.now() - killed} ms after the SIGKILL`)
    t.true(Date.now() - killed < 10_000)
    const second = startedPids(service.output())[1]
    t.truthy(second)
    t.not(second, first)
    t.is((await fetch(`${service.url}/api/v1/messages/${topic}/0`, { method: 'POST', body: 'after the restart' })).status, 204)
    t.is(await service.stop(), 0)
    t.false(alive(second ?? 0), 'the gateway ended with its supervisor')
  })
}

test('a gateway that cannot start (bad configuration) is not restarted: the supervisor exits 1', async (t) => {
  const child = spawn(process.execPath, [SUPERVISOR], {
    env: { PATH: process.env.PATH, ...authEnvironment(await testAuthFiles()), KASTLEX_KAFKA_CLUSTER: KAFKA, KASTLEX_HTTP_PORT: 'abc' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.is(code, 1)
  t.is(startedPids(output).length, 1, output)
  t.regex(output, /KASTLEX_HTTP_PORT/)
  t.regex(output, /"msg":"gateway did not start; not restarting"/)
})

test('a gateway whose supervisor was killed stops gracefully instead of serving on unsupervised', async (t) => {
  const service = await startGateway({ KASTLEX_WORKERS: '0' }, SUPERVISOR)
  const [pid] = startedPids(service.output())
  service.process.kill('SIGKILL')
  await service.waitForOutput(/"msg":"stopping","signal":"supervisor gone"/)
  t.false(await eventually(async () => alive(pid ?? 0), (living) => !living, 15_000))
  t.is(await fetch(`${service.url}/health`).then((r) => r.status, () => 0), 0, 'nothing listens on the port any more')
})
