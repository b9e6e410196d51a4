#!/usr/bin/env node
// npm run kafka:up | kafka:down — the embedded broker (scripts/embedded-kafka.mjs).
// `up` is idempotent and returns when the broker answers and the topic `kastlex` exists.
import { down, up } from './embedded-kafka.mjs'

const command = process.argv[2]
const commands = { up, down }
if (!commands[command]) {
  process.stderr.write('usage: node scripts/kafka.mjs up|down\n')
  process.exit(2)
}
commands[command]().catch((err) => { process.stderr.write(`[kafka] ${err.message}\n`); process.exit(1) })
