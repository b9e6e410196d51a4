// The generated Kafka error table (SPEC §2.6): snake_case names, code 6 under its historical name.
import test from 'ava'
import { KAFKA_ERROR_NAMES } from '../../../src/kafka/error-names.js'

test('every name is snake_case and names one code', (t) => {
  const seen = new Map<string, number>()
  for (const [code, name] of KAFKA_ERROR_NAMES) {
    t.regex(name, /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/, `code ${code}`)
    t.false(seen.has(name), `${name} names both ${String(seen.get(name))} and ${code}`)
    seen.set(name, code)
  }
})

test('the table covers -1 and every code from 0 to its largest without gaps', (t) => {
  const codes = [...KAFKA_ERROR_NAMES.keys()].sort((a, b) => a - b)
  t.is(codes[0], -1)
  const max = codes[codes.length - 1] as number
  t.true(max >= 87, 'at least up to invalid_record (87)')
  t.is(codes.length, max + 2)
})

test('names the SPEC relies on', (t) => {
  const table: ReadonlyArray<readonly [number, string]> = [
    [-1, 'unknown_server_error'],
    [1, 'offset_out_of_range'],
    [2, 'corrupt_message'],
    [3, 'unknown_topic_or_partition'],
    [5, 'leader_not_available'],
    [6, 'not_leader_for_partition'],
    [7, 'request_timed_out'],
    [10, 'message_too_large'],
    [18, 'record_list_too_large'],
    [19, 'not_enough_replicas'],
    [29, 'topic_authorization_failed'],
    [87, 'invalid_record']
  ]
  for (const [code, name] of table) t.is(KAFKA_ERROR_NAMES.get(code), name, `code ${code}`)
})
