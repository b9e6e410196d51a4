// The micro-benchmark's Kafka: answers at once, on the thread that asks, without a broker. It knows one
// topic, enough for the gateway to start (metadata, the offsets monitor, the metrics) and to produce.
import { type HttpError, kafkaError } from '../../src/http/errors.js'
import { EMPTY_STATS } from '../../src/kafka/client-stats.js'
import type { OpExecutor } from '../../src/pool/batch-runner.js'
import type { OpRunner } from '../../src/pool/kafka-client.js'
import type { ClusterMetadata, KafkaOp, Outcome, ResultOf } from '../../src/pool/messages.js'

export const STUB_TOPIC = 'bench'
/** The failure of an op the benchmark does not send. */
const unanswered = (): HttpError => kafkaError('unknown_server_error')
const PARTITIONS = 8

const METADATA: ClusterMetadata = {
  brokers: [{ id: 0, host: '127.0.0.1', port: 9092 }],
  topics: [{
    name: STUB_TOPIC,
    partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, leader: 0, replicas: [0], isr: [0] }))
  }]
}

/** Runs inline (OpRunner, KASTLEX_WORKERS=0) and in a stub worker (OpExecutor) alike, as KafkaService does. */
export class StubKafka implements OpExecutor, OpRunner {
  private produced = 0

  async execute<O extends KafkaOp> (op: O): Promise<Outcome<ResultOf<O>>> {
    const value = this.answer(op)
    return value === undefined
      ? { ok: false, failure: unanswered().data() }
      : { ok: true, value: value as ResultOf<O> }
  }

  async run<O extends KafkaOp> (op: O): Promise<ResultOf<O>> {
    const value = this.answer(op)
    if (value === undefined) throw unanswered()
    return value as ResultOf<O>
  }

  /** The op's result; undefined for the ops the benchmark does not send. */
  private answer (op: KafkaOp): unknown {
    switch (op.op) {
      case 'produce': {
        const offset = this.produced++
        return { partition: op.partition >= 0 ? op.partition : offset % PARTITIONS, offset }
      }
      case 'metadata': return METADATA
      case 'listGroups': return []
      case 'highWatermarks': return []
      case 'tailOffsets': return { offsets: [], version: { tail: 'stub', records: 0 }, skipped: [], progress: { records: 0, caughtUp: undefined } }
      case 'clientStats': return EMPTY_STATS
      default: return undefined
    }
  }

  async close (): Promise<void> {}
}
