// A partition whose log mixes aborted and committed transactions, written by a transactional librdkafka
// producer, for read_committed tests: offsets 0, 1 aborted (marker 2), 3 c0 and 4 c1 committed (marker 5),
// 6 aborted (marker 7), 8 c2 committed (marker 9).
import Kafka from '@platformatic/rdkafka'
import type { ExecutionContext } from 'ava'
import { KAFKA } from './kafka.js'

/** Runs librdkafka's callback API as a promise. */
const done = (call: (cb: (err: unknown) => void) => void): Promise<void> =>
  new Promise((resolve, reject) => call((err) => { if (err) reject(err); else resolve() }))

/** Writes the transactions to partition 0 of `topic`; markers reach the last stable offset (10) a little after it returns. */
export async function writeTransactions (t: ExecutionContext, topic: string): Promise<void> {
  const producer = new Kafka.Producer({ 'bootstrap.servers': KAFKA, 'transactional.id': `${topic}-tx`, log_level: 0 } as Kafka.ProducerGlobalConfig)
  await done((cb) => producer.connect({ timeout: 10_000 }, cb))
  t.teardown(() => new Promise<void>((resolve) => producer.disconnect(() => resolve())))
  await done((cb) => producer.initTransactions(10_000, cb))
  const transaction = async (values: string[], commit: boolean): Promise<void> => {
    await done((cb) => producer.beginTransaction(cb))
    for (const value of values) producer.produce(topic, 0, Buffer.from(value))
    await done((cb) => producer.flush(10_000, cb))
    await done((cb) => commit ? producer.commitTransaction(10_000, cb) : producer.abortTransaction(10_000, cb))
  }
  await transaction(['a0', 'a1'], false)
  await transaction(['c0', 'c1'], true)
  await transaction(['a2'], false)
  await transaction(['c2'], true)
}
