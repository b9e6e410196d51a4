#!/usr/bin/env node
// npm run local: the embedded Kafka plus the gateway on 8092 with development defaults (see README).
// Ctrl-C stops the gateway, and the broker if this command started it.
import { spawn } from 'node:child_process'
import { down, port, portAnswers, up } from './embedded-kafka.mjs'
import { prepare } from './prepare.mjs'

prepare()

// Development auth files (a generated key; anonymous may do everything; admin/admin): .cache/dev-auth.
const { authEnvironment, writeDevelopmentAuth } = await import('../dist/src/auth/dev-auth.js')
const auth = authEnvironment(await writeDevelopmentAuth(new URL('../.cache/dev-auth', import.meta.url).pathname))

const startedHere = !(await portAnswers())
await up()
const { gatewayExecArgv } = await import('../dist/src/v8-flags.js')
const { gatewayEnv } = await import('../dist/src/malloc-arenas.js')
const gateway = spawn(process.execPath, [...gatewayExecArgv(), 'dist/src/main.js'], {
  stdio: 'inherit',
  env: gatewayEnv({ KASTLEX_HTTP_PORT: '8092', KASTLEX_KAFKA_CLUSTER: `127.0.0.1:${port}`, ...auth, ...process.env })
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => gateway.kill(signal))
gateway.on('exit', async (code) => {
  if (startedHere) await down()
  process.exit(code ?? 0)
})
