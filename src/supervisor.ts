// `npm start`: the gateway (main.js) as a child process, started again when it dies, so one crash is not
// the end of the service. SIGTERM/SIGINT are passed on and end both after the gateway's graceful stop.
// `node dist/src/main.js` stays the unsupervised gateway (for a container runtime that restarts it itself).
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createLogger } from './log.js'
import { gatewayEnv } from './malloc-arenas.js'
import { decide, LISTENING_MESSAGE, restartDelay } from './restart-policy.js'
import { gatewayExecArgv } from './v8-flags.js'

const GATEWAY = fileURLToPath(new URL('./main.js', import.meta.url))

const log = createLogger('info')
let gateway: ChildProcess | undefined
let stopping = false
let lastDelayMs: number | undefined
let pendingStart: NodeJS.Timeout | undefined

function startGateway (): void {
  pendingStart = undefined
  const startedAt = Date.now()
  let listened = false
  const child = fork(GATEWAY, [], { execArgv: gatewayExecArgv(), env: gatewayEnv(process.env), stdio: ['inherit', 'inherit', 'inherit', 'ipc'] })
  gateway = child
  log.info('gateway started', { pid: child.pid })
  child.on('message', (message) => { if (message === LISTENING_MESSAGE) listened = true })
  child.once('exit', (code, signal) => {
    gateway = undefined
    const decision = decide({ code, signal, listened, stopping })
    if (decision.action === 'exit') {
      if (!stopping) log.fatal('gateway did not start; not restarting', { pid: child.pid, code })
      end(decision.code)
      return
    }
    lastDelayMs = restartDelay(lastDelayMs, Date.now() - startedAt)
    log.error('gateway died; restarting', { pid: child.pid, code, signal, restart_in_ms: lastDelayMs })
    pendingStart = setTimeout(startGateway, lastDelayMs)
  })
}

function end (code: number): never {
  log.flush()
  process.exit(code)
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    stopping = true
    if (gateway !== undefined) {
      gateway.kill(signal)
      return
    }
    clearTimeout(pendingStart)
    end(0)
  })
}

startGateway()
