// A batch produce where it runs (a Kafka worker, or the main thread with 0 workers): decode and check the
// body, hand every record to the producer, answer `{"results":[…]}` in request order (SPEC §10.4), one
// answer per part when the body joins several (a produce stream's frames, §10.4a).
import { kafkaErrorStatus } from '../http/errors.js'
import { OpError } from '../kafka/op-error.js'
import type { Producer } from '../kafka/producer.js'
import type { BatchResult, ProduceBatchOp } from '../pool/messages.js'
import { decodeBatch } from './decode.js'

export async function produceBatch (producer: Producer, op: ProduceBatchOp): Promise<BatchResult> {
  const records = decodeBatch(op)
  const parts = op.parts ?? [records.length]
  if (parts.reduce((sum, count) => sum + count, 0) !== records.length) {
    throw new Error(`the parts (${parts.join(', ')} records) do not add up to the body's ${records.length}`)
  }
  const outcomes = await producer.produceAll(op.topic, records.map((record) => ({
    ...record, partition: record.partition >= 0 ? record.partition : op.partition
  })))
  let produced = 0
  let producedBytes = 0
  const results = outcomes.map((outcome, index) => {
    if (outcome instanceof OpError) return JSON.stringify({ error: outcome.error, status: kafkaErrorStatus(outcome.error) })
    const record = records[index] as (typeof records)[number]
    produced++
    producedBytes += (record.key?.length ?? 0) + (record.value?.length ?? 0)
    return `{"partition":${outcome.partition},"offset":${outcome.offset}}`
  })
  let first = 0
  const bodies = parts.map((count) => `{"results":[${results.slice(first, first += count).join(',')}]}`)
  return { bodies, produced, producedBytes }
}
