// SPEC §2.6: librdkafka error codes → Kafka error names (snake_case), plus the gateway-side names.
import test from 'ava'
import { kafkaErrorCode, kafkaErrorName } from '../../../src/kafka/errors.js'

test('kafkaErrorName maps protocol and librdkafka codes to SPEC §2.6 names', (t) => {
  const table: ReadonlyArray<readonly [number | undefined, string]> = [
    // Kafka protocol errors
    [-1, 'unknown_server_error'],
    [1, 'offset_out_of_range'],
    [2, 'corrupt_message'],
    [3, 'unknown_topic_or_partition'],
    [5, 'leader_not_available'],
    [6, 'not_leader_for_partition'],
    [7, 'request_timed_out'],
    [8, 'broker_not_available'],
    [10, 'message_too_large'],
    [18, 'record_list_too_large'],
    [19, 'not_enough_replicas'],
    [29, 'topic_authorization_failed'],
    [87, 'invalid_record'],
    // librdkafka's own codes with gateway-side names
    [-185, 'timeout'], // ERR__TIMED_OUT
    [-192, 'timeout'], // ERR__MSG_TIMED_OUT
    [-184, 'queue_full'], // ERR__QUEUE_FULL
    [-195, 'broker_not_available'], // ERR__TRANSPORT
    [-187, 'broker_not_available'], // ERR__ALL_BROKERS_DOWN
    [-188, 'unknown_topic_or_partition'], // ERR__UNKNOWN_TOPIC
    [-190, 'unknown_topic_or_partition'], // ERR__UNKNOWN_PARTITION
    // no code at all
    [undefined, 'unknown_server_error']
  ]
  for (const [code, name] of table) {
    t.is(kafkaErrorName(code), name, `code ${String(code)}`)
  }
})

test('kafkaErrorName: unknown codes still get a snake_case name', (t) => {
  for (const code of [9999, -1000, -100]) {
    t.regex(kafkaErrorName(code), /^[a-z][a-z0-9_]*$/, `code ${code}`)
  }
})

test('kafkaErrorCode: delivery reports carry only librdkafka\'s text (code −1); the text gives the code back', (t) => {
  // As the binding's LibrdKafkaError builds them from a delivery report's Error("Broker: Message size too large").
  t.is(kafkaErrorCode({ code: -1, origin: 'broker', message: 'message size too large' }), 10)
  t.is(kafkaErrorCode({ code: -1, origin: 'broker', message: 'message batch larger than configured server segment size' }), 18)
  t.is(kafkaErrorCode({ code: -1, origin: 'local', message: 'message timed out' }), -192)
  t.is(kafkaErrorCode({ code: -1, origin: 'broker', message: 'no such text' }), -1)
  t.is(kafkaErrorCode({ code: 3 }), 3)
  t.is(kafkaErrorCode(new Error('no code')), undefined)
  t.is(kafkaErrorCode(null), undefined)
})
