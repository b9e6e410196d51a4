// SPEC §10.4 binary batch framing: int32 BE key length (−1 null) · key · int32 BE value length · value.
import test from 'ava'
import { countFramedRecords, decodeFramedRecords, encodeFramedRecords } from '../../../src/batch/binary-framing.js'
import { HttpError } from '../../../src/http/errors.js'

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}
const bytes = (...parts: Array<Buffer | string | number>): Buffer =>
  Buffer.concat(parts.map((p) => typeof p === 'number' ? int32(p) : typeof p === 'string' ? Buffer.from(p) : p))

test('decodes keys and values, null (−1) and empty (0) ones, any bytes', (t) => {
  const body = bytes(1, 'k', 3, 'abc', -1, -1, 0, 2, Buffer.from([0xff, 0x00]))
  t.deepEqual(decodeFramedRecords(body, 10), [
    { key: Buffer.from('k'), value: Buffer.from('abc') },
    { key: null, value: null },
    { key: Buffer.alloc(0), value: Buffer.from([0xff, 0x00]) }
  ])
})

test('keys and values are views of the body, not copies', (t) => {
  const body = bytes(1, 'k', 1, 'v')
  const [record] = decodeFramedRecords(body, 1)
  t.is(record?.value?.buffer, body.buffer)
})

test('encodeFramedRecords is the inverse of decoding', (t) => {
  const records = [
    { key: null, value: Buffer.alloc(1024, 7) },
    { key: Buffer.from('é'), value: null },
    { key: Buffer.alloc(0), value: Buffer.from('x') }
  ]
  t.deepEqual(decodeFramedRecords(encodeFramedRecords(records), 3), records)
})

test('broken framing → 400 invalid body: <detail>', (t) => {
  const table: ReadonlyArray<readonly [string, Buffer, RegExp]> = [
    ['empty body', Buffer.alloc(0), /^invalid body: empty$/],
    ['key length < −1', bytes(-2, 0), /^invalid body: record 0 has key length -2$/],
    ['value length < −1', bytes(-1, -2147483648), /^invalid body: record 0 has value length -2147483648$/],
    ['cut short in the key length', Buffer.from([0, 0]), /^invalid body: record 0 cut short in its key length$/],
    ['cut short in the key', bytes(5, 'abc'), /^invalid body: record 0 cut short in its key \(5 bytes announced, 3 left\)$/],
    ['no value length', bytes(1, 'k'), /^invalid body: record 0 cut short in its value length$/],
    ['cut short in the value', bytes(-1, 10, 'short'), /^invalid body: record 0 cut short in its value/],
    ['huge length', bytes(-1, 0x7fffffff, 'x'), /^invalid body: record 0 cut short in its value/],
    ['bytes left over', bytes(-1, 1, 'v', Buffer.from([1, 2, 3])), /^invalid body: 3 bytes left over after record 0$/],
    ['a second record cut short', bytes(-1, 1, 'v', 0, 9), /^invalid body: record 1 cut short in its value/]
  ]
  for (const [label, body, message] of table) {
    for (const read of [decodeFramedRecords, countFramedRecords]) {
      const error = t.throws(() => read(body, 100), { instanceOf: HttpError }, `${read.name}: ${label}`)
      t.is(error?.status, 400, label)
      t.regex(error?.error ?? '', message, label)
    }
  }
})

test('countFramedRecords counts what decodeFramedRecords decodes, with the same 413', (t) => {
  const records = [{ key: null, value: null }, { key: Buffer.from('k'), value: Buffer.alloc(0) }, { key: Buffer.alloc(0), value: Buffer.from('v') }]
  const body = encodeFramedRecords(records)
  t.is(countFramedRecords(body, 3), 3)
  t.deepEqual(decodeFramedRecords(body, 3), records)
  t.like(t.throws(() => countFramedRecords(body, 2), { instanceOf: HttpError }), { status: 413, error: 'too many records' })
})

test('more records than allowed → 413 too many records, at the first record past the limit', (t) => {
  const three = encodeFramedRecords([1, 2, 3].map((n) => ({ key: null, value: Buffer.from(String(n)) })))
  t.is(decodeFramedRecords(three, 3).length, 3)
  t.like(t.throws(() => decodeFramedRecords(three, 2), { instanceOf: HttpError }), { status: 413, error: 'too many records' })
  // Checked before the rest is read: a broken tail past the limit is still "too many".
  t.like(t.throws(() => decodeFramedRecords(Buffer.concat([three, Buffer.from([9])]), 3), { instanceOf: HttpError }), { status: 413 })
})
