// A batch produce where it runs (a Kafka worker, or the main thread with 0 workers): decode and check the
// body, hand every record to the producer, answer `{"results":[…]}` in request order (SPEC §10.4).
import { kafkaError } from '../http/errors.js'
import { OpError } from '../kafka/op-error.js'
import type { Producer } from '../kafka/producer.js'
import type { BatchResult, ProduceBatchOp } from '../pool/messages.js'
import { decodeBatch } from './decode.js'

export async function produceBatch (producer: Producer, op: ProduceBatchOp): Promise<BatchResult> {
  const records = decodeBatch(op)
  const deliveries = await producer.produceAll(op.topic, records.map((record) => ({
    ...record, partition: record.partition >= 0 ? record.partition : op.partition
  })))
  const outcomes = await Promise.allSettled(deliveries)
  let produced = 0
  let producedBytes = 0
  const results = outcomes.map((outcome, index) => {
    if (outcome.status === 'fulfilled') {
      const record = records[index] as (typeof records)[number]
      produced++
      producedBytes += (record.key?.length ?? 0) + (record.value?.length ?? 0)
      return `{"partition":${outcome.value.partition},"offset":${outcome.value.offset}}`
    }
    const name = OpError.fromKafka(outcome.reason).error
    return JSON.stringify({ error: name, status: kafkaError(name).status })
  })
  return { body: `{"results":[${results.join(',')}]}`, produced, producedBytes }
}
