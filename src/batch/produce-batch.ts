// A batch produce where it runs (a Kafka worker, or the main thread with 0 workers): decode and check the
// body, hand every record to the producer, answer `{"results":[…]}` in request order (SPEC §10.4), one
// answer per part when the body joins several (a produce stream's frames, §10.4a).
import { kafkaErrorStatus } from '../http/errors.js'
import type { Deliveries } from '../kafka/deliveries.js'
import type { Producer } from '../kafka/producer.js'
import type { BatchResult, ProduceBatchOp } from '../pool/messages.js'
import { decodeBatch } from './decode.js'

export async function produceBatch (producer: Producer, op: ProduceBatchOp): Promise<BatchResult> {
  const { parts, sizes, delivered } = send(producer, op)
  const deliveries = await delivered
  let produced = 0
  let producedBytes = 0
  const results = sizes.map((size, index) => {
    const failure = deliveries.failure(index)
    if (failure !== undefined) return JSON.stringify({ error: failure.error, status: kafkaErrorStatus(failure.error) })
    produced++
    producedBytes += size
    return `{"partition":${deliveries.partitions[index] as number},"offset":${deliveries.offsets[index] as number}}`
  })
  let first = 0
  const bodies = parts.map((count) => `{"results":[${results.slice(first, first += count).join(',')}]}`)
  return { bodies, produced, producedBytes }
}

/**
 * Decodes the body and hands its records to the producer. The records are not kept past this call: they
 * would wait for their delivery reports long enough to be promoted to the old generation (Deliveries).
 */
function send (producer: Producer, op: ProduceBatchOp): { parts: readonly number[], sizes: number[], delivered: Promise<Deliveries> } {
  const records = decodeBatch(op)
  const parts = op.parts ?? [records.length]
  if (parts.reduce((sum, count) => sum + count, 0) !== records.length) {
    throw new Error(`the parts (${parts.join(', ')} records) do not add up to the body's ${records.length}`)
  }
  const sizes = records.map(({ key, value }) => (key?.length ?? 0) + (value?.length ?? 0))
  return { parts, sizes, delivered: producer.produceAll(op.topic, records, op.partition) }
}
