// librdkafka error codes → the error names of SPEC §2.6. Positive codes are Kafka protocol errors
// (generated table); negative ones are librdkafka's own, a few of which have gateway-side names.
import { createRequire } from 'node:module'
import Kafka from '@platformatic/rdkafka'
import { KAFKA_ERRORS } from './error-names.js'

const KAFKA_ERROR_NAMES: ReadonlyMap<number, string> = new Map(KAFKA_ERRORS.map(([code, name]) => [code, name]))
const RETRIABLE: ReadonlySet<string> = new Set(KAFKA_ERRORS.filter(([, , retriable]) => retriable).map(([, name]) => name))

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

/**
 * Whether a failure of this SPEC §2.6 name may pass if the same request is made again: Kafka's own verdict
 * (the generated table's `retriable` column). Gateway-side and librdkafka-only names are not.
 */
export const isRetriable = (name: string): boolean => RETRIABLE.has(name)

/** The binding's native module: librdkafka's own error texts. */
const binding = createRequire(import.meta.url)('@platformatic/rdkafka/librdkafka.js') as { err2str: (code: number) => string }

/**
 * The binding hands delivery reports' errors over as bare text (code −1, "unknown"): librdkafka's
 * err2str of the real code, which LibrdKafkaError splits into origin ("broker") and lower-cased message
 * ("message size too large"). err2str is one-to-one over the codes, so the text gives the code back.
 */
const CODES_BY_TEXT: ReadonlyMap<string, number> = new Map(Object.values(Kafka.CODES.ERRORS as Record<string, number>)
  .map((code) => [binding.err2str(code).toLowerCase(), code]))

/** The librdkafka error code of whatever the binding threw or reported, when it has one. */
export function kafkaErrorCode (err: unknown): number | undefined {
  const { code, origin, message } = (err ?? {}) as { code?: unknown, origin?: unknown, message?: unknown }
  if (code === -1 && typeof origin === 'string' && typeof message === 'string') {
    return CODES_BY_TEXT.get(`${origin}: ${message}`) ?? code
  }
  return typeof code === 'number' ? code : undefined
}
