#!/usr/bin/env node
// npm test: unit and integration tests with ava against a real broker. Starts the embedded Kafka when
// none answers on the configured address (EMBEDDED_KAFKA_PORT, default 9092) and stops what it started.
// Tests get the broker's PLAINTEXT address in KASTLEX_TEST_KAFKA and its SASL_PLAINTEXT one in KASTLEX_TEST_KAFKA_SASL.
import { spawnSync } from 'node:child_process'
import { down, port, portAnswers, saslPort, up } from './embedded-kafka.mjs'
import { prepare } from './prepare.mjs'

prepare()

const startedHere = !(await portAnswers())
await up()
let status = 1
try {
  status = spawnSync('npx', ['ava', ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, KASTLEX_TEST_KAFKA: `127.0.0.1:${port}`, KASTLEX_TEST_KAFKA_SASL: `127.0.0.1:${saslPort}` }
  }).status ?? 1
} finally {
  if (startedHere) await down()
}
process.exit(status)
