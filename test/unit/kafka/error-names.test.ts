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
