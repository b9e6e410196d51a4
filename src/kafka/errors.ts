// librdkafka error codes → the error names of SPEC §2.6. Positive codes are Kafka protocol errors
// (generated table); negative ones are librdkafka's own, a few of which have gateway-side names.
import { KAFKA_ERROR_NAMES } from './error-names.js'

const LIBRDKAFKA_NAMES: ReadonlyMap<number, string> = new Map([
  [-185, 'timeout'], // ERR__TIMED_OUT
  [-192, 'timeout'], // ERR__MSG_TIMED_OUT
  [-166, 'timeout'], // ERR__TIMED_OUT_QUEUE
  [-184, 'queue_full'], // ERR__QUEUE_FULL
  [-195, 'broker_not_available'], // ERR__TRANSPORT
  [-187, 'broker_not_available'], // ERR__ALL_BROKERS_DOWN
  [-193, 'broker_not_available'], // ERR__RESOLVE
  [-188, 'unknown_topic_or_partition'], // ERR__UNKNOWN_TOPIC
  [-190, 'unknown_topic_or_partition'], // ERR__UNKNOWN_PARTITION
  [-168, 'offset_out_of_range'], // ERR__NO_OFFSET
  [-140, 'offset_out_of_range'], // ERR__AUTO_OFFSET_RESET
  [-169, 'sasl_authentication_failed'] // ERR__AUTHENTICATION
])

/** The SPEC §2.6 name of a librdkafka error code. */
export function kafkaErrorName (code: number | undefined): string {
  if (code === undefined) return 'unknown_server_error'
  return KAFKA_ERROR_NAMES.get(code) ?? LIBRDKAFKA_NAMES.get(code) ?? (code < 0 ? `librdkafka_error_${-code}` : 'unknown_server_error')
}
