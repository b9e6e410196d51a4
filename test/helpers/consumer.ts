// A real consumer-group member for the group tests: a librdkafka consumer that subscribes, reads and
// commits, disconnected when the test ends.
import Kafka from '@platformatic/rdkafka'
import type { ExecutionContext } from 'ava'
import { KAFKA } from './kafka.js'

// The binding aborts when a disconnected client is garbage collected: keep every one reachable.
const clients: unknown[] = []

export interface GroupMember {
  readonly consumer: Kafka.KafkaConsumer
  /** Reads until `count` records arrived (with a deadline), commits them synchronously. */
  readAndCommit: (count: number) => Promise<void>
}

export async function joinGroup (t: ExecutionContext, group: string, topic: string): Promise<GroupMember> {
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': KAFKA,
    'group.id': group,
    'client.id': `test-${group}`,
    'enable.auto.commit': false,
    'session.timeout.ms': 10_000,
    log_level: 0
  } as Kafka.ConsumerGlobalConfig, { 'auto.offset.reset': 'earliest' })
  clients.push(consumer)
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 10_000 }, (err) => { if (err) reject(err); else resolve() }))
  t.teardown(async () => { await new Promise<void>((resolve) => consumer.disconnect(() => resolve())) })
  consumer.subscribe([topic])
  return {
    consumer,
    readAndCommit: async (count) => {
      let read = 0
      const deadline = Date.now() + 30_000
      while (read < count) {
        if (Date.now() > deadline) throw new Error(`read ${read} of ${count} records`)
        const messages = await new Promise<Kafka.Message[]>((resolve, reject) =>
          consumer.consume(count - read, (err, batch) => { if (err) reject(err); else resolve(batch) }))
        read += messages.length
      }
      consumer.commitSync(null)
    }
  }
}
