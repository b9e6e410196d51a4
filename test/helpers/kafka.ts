// The real broker started by `npm test` (scripts/test.mjs): unique topics per test, cleaned up after it.
import Kafka from '@platformatic/rdkafka'
import type { ExecutionContext } from 'ava'
import { randomBytes } from 'node:crypto'

export const KAFKA = process.env.KASTLEX_TEST_KAFKA ?? '127.0.0.1:9092'

function admin (): Kafka.IAdminClient {
  return Kafka.AdminClient.create({ 'bootstrap.servers': KAFKA, 'client.id': 'kastlex-test', log_level: 0 } as Kafka.GlobalConfig)
}

/** Creates a topic named after the test, deleted when the test ends. */
export async function createTopic (t: ExecutionContext, partitions = 1, config: Record<string, string> = {}): Promise<string> {
  const name = `test-${t.title.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60)}-${randomBytes(4).toString('hex')}`
  const client = admin()
  try {
    await new Promise<void>((resolve, reject) => {
      client.createTopic({ topic: name, num_partitions: partitions, replication_factor: 1, config }, 30_000,
        (err) => { if (err) reject(err); else resolve() })
    })
  } finally {
    client.disconnect()
  }
  t.teardown(async () => {
    const cleaner = admin()
    await new Promise<void>((resolve) => cleaner.deleteTopic(name, 30_000, () => resolve()))
    cleaner.disconnect()
  })
  return name
}
