// SPEC §10.4 JSON and NDJSON batch bodies: record members, encodings, and every way to get them wrong.
import test from 'ava'
import { decodeJsonRecords, decodeNdjsonRecords, recordFromJson } from '../../../src/batch/json-records.js'
import { HttpError } from '../../../src/http/errors.js'

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))

test('record members: text and base64 keys and values, partition, headers as SPEC §4.7', (t) => {
  t.deepEqual(recordFromJson({}, 0), { key: null, value: null, partition: -1, headers: [] })
  t.deepEqual(recordFromJson({ key: 'k', value: 'é' }, 0), { key: Buffer.from('k'), value: Buffer.from('é'), partition: -1, headers: [] })
  t.deepEqual(recordFromJson({ key: '/w==', key_encoding: 'base64', value: 'AAE', value_encoding: 'base64' }, 0),
    { key: Buffer.from([0xff]), value: Buffer.from([0, 1]), partition: -1, headers: [] })
  t.deepEqual(recordFromJson({ key: 'x', key_encoding: 'text', value_encoding: 'text' }, 0).key, Buffer.from('x'))
  t.deepEqual(recordFromJson({ key: '', value: '', value_encoding: 'base64' }, 0), { key: null, value: null, partition: -1, headers: [] })
  t.deepEqual(recordFromJson({ key: null, value: null }, 0), { key: null, value: null, partition: -1, headers: [] })
  t.is(recordFromJson({ partition: 0 }, 0).partition, 0)
  t.is(recordFromJson({ partition: 7 }, 0).partition, 7)
  t.is(recordFromJson({ partition: 1e12 }, 0).partition, 2 ** 31 - 1, 'beyond int32: exists nowhere (404 later)')
  t.deepEqual(recordFromJson({ headers: { b: 'x', a: 1.5, c: null, d: [1] } }, 0).headers, [['a', '1.5'], ['b', 'x'], ['c', 'null'], ['d', '[1]']])
})

test('wrong types and unknown members → 400 invalid record <i>: <detail>', (t) => {
  const table: ReadonlyArray<readonly [unknown, RegExp]> = [
    [null, /not a JSON object/],
    [[], /not a JSON object/],
    ['text', /not a JSON object/],
    [7, /not a JSON object/],
    [{ topic: 'x' }, /unknown member "topic"/],
    [{ value: 'v', Value: 'w' }, /unknown member "Value"/],
    [{ key: 5 }, /key is not a string or null/],
    [{ value: { a: 1 } }, /value is not a string or null/],
    [{ value: true }, /value is not a string or null/],
    [{ key_encoding: 'hex' }, /key_encoding is not "text" or "base64"/],
    [{ value_encoding: null }, /value_encoding is not/],
    [{ value: 'not base64!', value_encoding: 'base64' }, /value is not base64/],
    [{ value: 'QUJD\n', value_encoding: 'base64' }, /value is not base64/],
    [{ key: 'A', key_encoding: 'base64' }, /key is not base64/],
    [{ partition: -1 }, /partition is not an integer ≥ 0/],
    [{ partition: 1.5 }, /partition is not an integer ≥ 0/],
    [{ partition: '1' }, /partition is not an integer ≥ 0/],
    [{ partition: null }, /partition is not an integer ≥ 0/],
    [{ headers: [] }, /headers is not a JSON object/],
    [{ headers: 'a=b' }, /headers is not a JSON object/],
    [{ headers: null }, /headers is not a JSON object/]
  ]
  for (const [member, detail] of table) {
    const error = t.throws(() => recordFromJson(member, 3), { instanceOf: HttpError }, JSON.stringify(member))
    t.is(error?.status, 400)
    t.true(error?.error.startsWith('invalid record 3: '), error?.error)
    t.regex(error?.error ?? '', detail)
  }
})

test('application/json: an array of records in order; anything else is 400 invalid body', (t) => {
  const records = decodeJsonRecords(json([{ value: 'a' }, { value: 'b', partition: 1 }]), 10)
  t.deepEqual(records.map((r) => [r.value?.toString(), r.partition]), [['a', -1], ['b', 1]])
  const table: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['empty body', '', /^invalid body: empty$/],
    ['only whitespace', ' \r\n ', /^invalid body: empty$/],
    ['empty array', ' [ ] ', /^invalid body: empty$/],
    ['an object', '{"value":"a"}', /^invalid body: not a JSON array$/],
    ['broken JSON', '[{"value":"a"}', /^invalid body: /],
    ['a bad record', '[{"value":"a"},{"value":1}]', /^invalid record 1: value is not a string or null$/]
  ]
  for (const [label, body, message] of table) {
    const error = t.throws(() => decodeJsonRecords(Buffer.from(body), 10), { instanceOf: HttpError }, label)
    t.is(error?.status, 400, label)
    t.regex(error?.error ?? '', message, label)
  }
})

test('application/x-ndjson: one record per non-blank line, CRLF too; indexes count records, not lines', (t) => {
  const body = Buffer.from('{"value":"a"}\n\n  \t\r\n{"value":"b"}\r\n{"value":"c"}')
  t.deepEqual(decodeNdjsonRecords(body, 3).map((r) => r.value?.toString()), ['a', 'b', 'c'])
  const table: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['empty body', '', /^invalid body: empty$/],
    ['only blank lines', '\n  \n\r\n', /^invalid body: empty$/],
    ['broken line', '{"value":"a"}\n\n{"value":', /^invalid record 1: /],
    ['an array line', '[{"value":"a"}]', /^invalid record 0: not a JSON object$/],
    ['two objects on a line', '{"value":"a"} {"value":"b"}', /^invalid record 0: /],
    ['unknown member', '{}\n{"offset":3}', /^invalid record 1: unknown member "offset"$/]
  ]
  for (const [label, text, message] of table) {
    const error = t.throws(() => decodeNdjsonRecords(Buffer.from(text), 10), { instanceOf: HttpError }, label)
    t.is(error?.status, 400, label)
    t.regex(error?.error ?? '', message, label)
  }
})

test('more records than allowed → 413 too many records, before any record is checked', (t) => {
  t.is(decodeJsonRecords(json([{}, {}]), 2).length, 2)
  t.like(t.throws(() => decodeJsonRecords(json([{}, {}, { bad: 1 }]), 2), { instanceOf: HttpError }), { status: 413, error: 'too many records' })
  t.is(decodeNdjsonRecords(Buffer.from('{}\n\n{}\n'), 2).length, 2, 'blank lines do not count')
  t.like(t.throws(() => decodeNdjsonRecords(Buffer.from('{}\n{}\n{'), 2), { instanceOf: HttpError }), { status: 413, error: 'too many records' })
})
