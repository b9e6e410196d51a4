// Everything a thread does with Kafka: one producer, one fetch consumer, metadata through the producer.
// The Kafka workers run one each; with KASTLEX_WORKERS=0 the main thread runs one itself.
import type { Config } from '../config.js'
import type { ClusterMetadata, KafkaOp, MetadataOp, Outcome, ResultOf } from '../pool/messages.js'
import { Fetcher } from './fetcher.js'
import { OpError } from './op-error.js'
import { Producer } from './producer.js'

export class KafkaService {
  private readonly producer: Producer
  private readonly fetcher: Fetcher

  constructor (private readonly config: Config) {
    this.producer = new Producer(config.kafka)
    this.fetcher = new Fetcher(config.kafka)
  }

  /** Runs an op; every failure comes back as data, never as a throw. */
  async execute<O extends KafkaOp> (op: O): Promise<Outcome<ResultOf<O>>> {
    try {
      return { ok: true, value: await this.dispatch(op) as ResultOf<O> }
    } catch (err) {
      return { ok: false, failure: OpError.fromKafka(err).toFailure() }
    }
  }

  private async dispatch (op: KafkaOp): Promise<unknown> {
    switch (op.op) {
      case 'produce': return await this.producer.produce(op)
      case 'fetch': return await this.fetcher.fetch(op)
      case 'offsets': return await this.fetcher.offsets(op)
      case 'metadata': return await this.metadata(op)
    }
  }

  private async metadata (op: MetadataOp): Promise<ClusterMetadata> {
    const raw = await this.producer.metadata(op.topic, this.config.kafka.requestTimeoutMs)
    return {
      brokers: raw.brokers.map(({ id, host, port }) => ({ id, host, port })).sort((a, b) => a.id - b.id),
      // A topic that does not exist comes back without partitions.
      topics: raw.topics.filter((topic) => topic.partitions.length > 0).map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => ({
          partition: p.id,
          leader: p.leader,
          replicas: [...p.replicas].sort(ascending),
          isr: [...p.isrs].sort(ascending)
        })).sort((a, b) => a.partition - b.partition)
      }))
    }
  }

  async close (): Promise<void> {
    await Promise.all([this.producer.close(10_000), this.fetcher.close()])
  }
}

const ascending = (a: number, b: number): number => a - b
