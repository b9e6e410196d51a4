// The gateway's consumers (fetch, offsets tail, token store) only ever use assign(): passive towards
// Kafka (SPEC §1), they join no group, commit nothing, never create topics, and read committed records.
import Kafka from '@platformatic/rdkafka'

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

export function assignedConsumer (options: AssignedConsumerOptions): Kafka.KafkaConsumer {
  const consumer = new Kafka.KafkaConsumer({
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
  } as Kafka.ConsumerGlobalConfig, { 'auto.offset.reset': options.autoOffsetReset })
  // Connection problems are retried by librdkafka; requests see their own timeouts or errors.
  consumer.on('event.error', () => {})
  return consumer
}
