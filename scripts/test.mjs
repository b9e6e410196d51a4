#!/usr/bin/env node
// npm test: unit and integration tests with ava against a real broker. Starts the embedded Kafka when
// none answers on the configured address (EMBEDDED_KAFKA_PORT, default 9092) and stops what it started.
import { spawnSync } from 'node:child_process'
import { down, port, portAnswers, up } from './embedded-kafka.mjs'
import { prepare } from './prepare.mjs'

prepare()

const startedHere = !(await portAnswers())
await up()
let status = 1
try {
  status = spawnSync('npx', ['ava', ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, KASTLEX_TEST_KAFKA: `127.0.0.1:${port}` }
  }).status ?? 1
} finally {
  if (startedHere) await down()
}
process.exit(status)
