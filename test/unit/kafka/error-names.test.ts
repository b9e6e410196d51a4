// The generated Kafka error table (SPEC §2.6): snake_case names, code 6 under its historical name, and
// Kafka's own `retriable` verdict per code (scripts/kafka/GenerateErrorNames.java reads it from Kafka's
// Errors enum: the code's exception is a RetriableException; Kafka's protocol guide prints the same column).
import test from 'ava'
import { KAFKA_ERRORS } from '../../../src/kafka/error-names.js'
import { isRetriable } from '../../../src/kafka/errors.js'

test('every name is snake_case and names one code', (t) => {
  const seen = new Map<string, number>()
  for (const [code, name] of KAFKA_ERRORS) {
    t.regex(name, /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/, `code ${code}`)
    t.false(seen.has(name), `${name} names both ${String(seen.get(name))} and ${code}`)
    seen.set(name, code)
  }
})

test('the table covers -1 and every code from 0 to its largest without gaps, in order', (t) => {
  const codes = KAFKA_ERRORS.map(([code]) => code)
  t.is(codes[0], -1)
  const max = codes[codes.length - 1] as number
  t.true(max >= 87, 'at least up to invalid_record (87)')
  t.deepEqual(codes, Array.from({ length: max + 2 }, (_, i) => i - 1))
})

test('retriable as Kafka says: leader and coordinator moves, timeouts, too few replicas', (t) => {
  const retriable = new Map(KAFKA_ERRORS.map(([, name, retriable]) => [name, retriable]))
  const table: ReadonlyArray<readonly [string, boolean]> = [
    ['not_leader_for_partition', true], // 6, NOT_LEADER_OR_FOLLOWER
    ['leader_not_available', true],
    ['unknown_topic_or_partition', true], // an InvalidMetadataException
    ['request_timed_out', true],
    ['network_exception', true],
    ['coordinator_load_in_progress', true],
    ['coordinator_not_available', true],
    ['not_coordinator', true],
    ['not_enough_replicas', true],
    ['corrupt_message', true], // CorruptRecordException is a RetriableException in Kafka
    ['none', false],
    ['unknown_server_error', false],
    ['offset_out_of_range', false],
    ['broker_not_available', false],
    ['message_too_large', false],
    ['record_list_too_large', false],
    ['topic_authorization_failed', false],
    ['group_authorization_failed', false],
    ['invalid_group_id', false],
    ['group_id_not_found', false],
    ['invalid_record', false]
  ]
  for (const [name, expected] of table) {
    t.is(retriable.get(name), expected, name)
    t.is(isRetriable(name), expected, name)
  }
})

test('isRetriable: names that are not Kafka codes are not retriable', (t) => {
  for (const name of ['timeout', 'queue_full', 'librdkafka_error_185', 'worker_failed', 'something_new', '']) {
    t.false(isRetriable(name), name)
  }
})
