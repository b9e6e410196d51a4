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
  const delivered = producer.produceAll(op.topic, records, op.partition)
  release(op.body)
  return { parts, sizes, delivered }
}

/**
 * The body's memory, given back now that librdkafka holds copies of its records. The op that carries the
 * body is held until every record is acknowledged, long enough for the body to reach the old generation,
 * where its memory would wait for a mark-compact (peak RSS 10–20 MB lower under batch-100 and ws-produce,
 * reports compare-2026-12-02T16-4*-s23-release). Detaching it (a transfer to a clone nobody holds) lets
 * the next scavenge free it. Only a body that owns its whole ArrayBuffer (http/body.ts, the produce stream,
 * a worker's transferred copy) is detached; a view of shared memory is left alone.
 */
function release (body: Buffer): void {
  const memory = body.buffer
  if (memory instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === memory.byteLength && memory.byteLength > 0) {
    structuredClone(memory, { transfer: [memory] })
  }
}
