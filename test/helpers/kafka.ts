// The real broker started by `npm test` (scripts/test.mjs): unique topics per test, cleaned up after it.
import type { ExecutionContext } from 'ava'
import { randomBytes } from 'node:crypto'
import { createTopic as create, deleteTopic } from '../../src/kafka/topic-admin.js'

export const KAFKA = process.env.KASTLEX_TEST_KAFKA ?? '127.0.0.1:9092'
/** The broker's SASL_PLAINTEXT listener (scripts/embedded-kafka.mjs): PLAIN and SCRAM for KAFKA_SASL_USER. */
export const KAFKA_SASL = process.env.KASTLEX_TEST_KAFKA_SASL ?? '127.0.0.1:9094'
export const KAFKA_SASL_USER = { username: 'kastlex-test', password: 'kastlex-secret' } as const

/** Creates a topic named after the test, with leaders on every partition, deleted when the test ends. */
export async function createTopic (t: ExecutionContext, partitions = 1, config: Record<string, string> = {}): Promise<string> {
  const name = `test-${t.title.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60)}-${randomBytes(4).toString('hex')}`
  await create(KAFKA, name, partitions, config)
  t.teardown(async () => { await deleteTopic(KAFKA, name) })
  return name
}
