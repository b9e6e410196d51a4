// The gateway's consumers only ever use assign(): passive towards Kafka (SPEC §1), they join no group, commit
// nothing, never create topics, and read committed records.
import Kafka from '@platformatic/rdkafka'
import { stringifyProperties } from './admin-client.js'
import { loadAddon, type NativePartitionReader } from './addon.js'

export interface AssignedConsumerOptions {
  /** librdkafka properties shared by every client (bootstrap, TLS, SASL). */
  readonly common: Readonly<Record<string, string | number | boolean>>
  readonly clientId: string
  /** Required by the client even though no group is joined. */
  readonly groupId: string
  /** Further properties of this consumer. */
  readonly properties?: Readonly<Record<string, string | number | boolean>>
  readonly autoOffsetReset: 'earliest' | 'error'
}

/** A consumer of the JS binding (the token store's: it follows one partition with flowing consume()). */
export function assignedConsumer (options: AssignedConsumerOptions): Kafka.KafkaConsumer {
  const consumer = new Kafka.KafkaConsumer(properties(options) as Kafka.ConsumerGlobalConfig, { 'auto.offset.reset': options.autoOffsetReset })
  // Connection problems are retried by librdkafka; requests see their own timeouts or errors.
  consumer.on('event.error', () => {})
  return consumer
}

/** A reader of assigned partitions in the project's addon that pulls packed batches (pulled-entries.ts). */
export function assignedReader (options: AssignedConsumerOptions): NativePartitionReader {
  const { PartitionReader } = loadAddon()
  // librdkafka takes the topic property auto.offset.reset among the global ones (the binding takes it apart).
  return new PartitionReader(stringifyProperties({ ...properties(options), 'auto.offset.reset': options.autoOffsetReset }))
}

/** The global properties of both. */
function properties (options: AssignedConsumerOptions): Record<string, string | number | boolean> {
  return {
    ...options.common,
    'client.id': options.clientId,
    'group.id': options.groupId,
    'enable.auto.commit': false,
    'enable.auto.offset.store': false,
    'isolation.level': 'read_committed',
    'allow.auto.create.topics': false,
    // librdkafka's own log lines: errors only (they go to stderr, never with secrets).
    log_level: 3,
    ...options.properties
  }
}
