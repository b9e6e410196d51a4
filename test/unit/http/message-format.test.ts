// SPEC §4.8: message objects, v1/v2 JSON replies and the binary reply.
import test from 'ava'
import { asciiJson, fetchReply, messageObject, percentEncode, streamBody } from '../../../src/http/message-format.js'
import type { EncodedRecords, FetchedRecord } from '../../../src/pool/messages.js'

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8')
const NOT_UTF8 = Buffer.from([0xff, 0xfe, 0x00, 0x80]) // base64 //4AgA==
const TS = 1_700_000_000_123

const header = (reply: EncodedRecords, name: string): string | undefined => reply.headers.find(([n]) => n === name)?.[1]
const headerNames = (reply: EncodedRecords): string[] => reply.headers.map(([n]) => n)
const bodyJson = (reply: EncodedRecords): unknown => JSON.parse(String(reply.body))

test('messageObject: key and value are null, UTF-8 text, or base64 with a marker', (t) => {
  const table: ReadonlyArray<readonly [string, FetchedRecord, Record<string, unknown>]> = [
    ['null key and value', { offset: 0, key: null, value: null },
      { value: null, ts_type: null, ts: null, offset: 0, key: null, headers: {} }],
    ['absent key', { offset: 1, value: utf8('v') },
      { value: 'v', ts_type: null, ts: null, offset: 1, key: null, headers: {} }],
    ['empty key and value', { offset: 2, key: Buffer.alloc(0), value: Buffer.alloc(0) },
      { value: null, ts_type: null, ts: null, offset: 2, key: null, headers: {} }],
    ['empty string key', { offset: 2, key: '', value: null },
      { value: null, ts_type: null, ts: null, offset: 2, key: null, headers: {} }],
    ['UTF-8 text', { offset: 3, key: utf8('clé'), value: utf8('héllo 😀') },
      { value: 'héllo 😀', ts_type: null, ts: null, offset: 3, key: 'clé', headers: {} }],
    ['string key', { offset: 3, key: 'k', value: utf8('{"a":1}') },
      { value: '{"a":1}', ts_type: null, ts: null, offset: 3, key: 'k', headers: {} }],
    ['non-UTF-8 value', { offset: 4, key: utf8('k'), value: NOT_UTF8 },
      { value: '//4AgA==', value_encoding: 'base64', ts_type: null, ts: null, offset: 4, key: 'k', headers: {} }],
    ['non-UTF-8 key', { offset: 5, key: Buffer.from([0xc3]), value: utf8('v') },
      { value: 'v', ts_type: null, ts: null, offset: 5, key: 'ww==', key_encoding: 'base64', headers: {} }],
    ['overlong UTF-8 is not UTF-8', { offset: 6, key: null, value: Buffer.from([0xc0, 0xaf]) },
      { value: 'wK8=', value_encoding: 'base64', ts_type: null, ts: null, offset: 6, key: null, headers: {} }],
    ['encoded surrogate is not UTF-8', { offset: 7, key: null, value: Buffer.from([0xed, 0xa0, 0x80]) },
      { value: '7aCA', value_encoding: 'base64', ts_type: null, ts: null, offset: 7, key: null, headers: {} }]
  ]
  for (const [name, record, expected] of table) t.deepEqual(messageObject(record), expected, name)
})

test('messageObject: ts and ts_type', (t) => {
  const table: ReadonlyArray<readonly [string, number | undefined, number | null, string | null]> = [
    ['no timestamp', undefined, null, null],
    ['timestamp −1', -1, null, null],
    ['a timestamp', TS, TS, 'create'],
    ['timestamp 0', 0, 0, 'create']
  ]
  for (const [name, timestamp, ts, tsType] of table) {
    const record: FetchedRecord = timestamp === undefined ? { offset: 9, value: null } : { offset: 9, value: null, timestamp }
    t.like(messageObject(record), { ts, ts_type: tsType, offset: 9 }, name)
  }
})

test('messageObject: headers decoded, duplicates last wins, non-UTF-8 as base64 listed in headers_encoding', (t) => {
  const table: ReadonlyArray<readonly [string, FetchedRecord['headers'], Record<string, unknown>, Record<string, string> | undefined]> = [
    ['none', undefined, {}, undefined],
    ['empty list', [], {}, undefined],
    ['text', [{ a: utf8('1') }, { b: utf8('é') }], { a: '1', b: 'é' }, undefined],
    ['string values', [{ a: 'x' }], { a: 'x' }, undefined],
    ['null value', [{ a: null }], { a: null }, undefined],
    ['empty value is an empty string', [{ a: Buffer.alloc(0) }], { a: '' }, undefined],
    ['duplicates: last wins', [{ a: utf8('1') }, { b: utf8('2') }, { a: utf8('3') }], { a: '3', b: '2' }, undefined],
    ['duplicates: last wins over null', [{ a: null }, { a: utf8('x') }], { a: 'x' }, undefined],
    ['duplicates: null wins when last', [{ a: utf8('x') }, { a: null }], { a: null }, undefined],
    ['non-UTF-8', [{ a: utf8('ok') }, { bin: NOT_UTF8 }], { a: 'ok', bin: '//4AgA==' }, { bin: 'base64' }],
    ['duplicates: text then non-UTF-8', [{ a: utf8('x') }, { a: NOT_UTF8 }], { a: '//4AgA==' }, { a: 'base64' }],
    ['duplicates: non-UTF-8 then text', [{ a: NOT_UTF8 }, { a: utf8('x') }], { a: 'x' }, undefined],
    ['duplicates: non-UTF-8 then null', [{ a: NOT_UTF8 }, { a: null }], { a: null }, undefined]
  ]
  for (const [name, headers, values, encodings] of table) {
    const object = messageObject({ offset: 0, key: null, value: null, headers })
    t.deepEqual(object.headers, values, name)
    t.deepEqual(object.headers_encoding, encodings, `${name}: headers_encoding (absent when unneeded)`)
    t.is('headers_encoding' in object, encodings !== undefined, `${name}: headers_encoding present only when needed`)
  }
})

const records: FetchedRecord[] = [
  { offset: 5, key: utf8('k1'), value: utf8('v1'), timestamp: TS, headers: [{ h: utf8('x') }] },
  { offset: 6, key: null, value: NOT_UTF8, timestamp: -1 }
]
const objects = [
  { value: 'v1', ts_type: 'create', ts: TS, offset: 5, key: 'k1', headers: { h: 'x' } },
  { value: '//4AgA==', value_encoding: 'base64', ts_type: null, ts: null, offset: 6, key: null, headers: {} }
]

test('fetchReply v1 JSON: {size, messages, highWmOffset, error_code} and x-high-wm-offset', (t) => {
  const reply = fetchReply(records, 7, { kind: 'json', version: 1 })
  t.is(reply.contentType, 'application/json; charset=utf-8')
  t.deepEqual(bodyJson(reply), { size: null, messages: objects, highWmOffset: 7, error_code: 'no_error' })
  t.is(header(reply, 'x-high-wm-offset'), '7')

  const empty = fetchReply([], 0, { kind: 'json', version: 1 })
  t.deepEqual(bodyJson(empty), { size: null, messages: [], highWmOffset: 0, error_code: 'no_error' })
  t.is(header(empty, 'x-high-wm-offset'), '0')
})

test('fetchReply v2 JSON: an array of message objects and x-high-wm-offset', (t) => {
  const reply = fetchReply(records, 7, { kind: 'json', version: 2 })
  t.is(reply.contentType, 'application/json; charset=utf-8')
  t.deepEqual(bodyJson(reply), objects)
  t.is(header(reply, 'x-high-wm-offset'), '7')
  t.deepEqual(bodyJson(fetchReply([], 3, { kind: 'json', version: 2 })), [])
})

test('fetchReply binary: the first record as raw bytes with x-message-* headers', (t) => {
  const record: FetchedRecord = {
    offset: 42,
    key: Buffer.from([0x61, 0x20, 0xff, 0x2f, 0x7e]),
    value: NOT_UTF8,
    timestamp: TS,
    headers: [{ 'zé': utf8('naïve\n"q"') }, { n: null }, { a: utf8('1') }]
  }
  const reply = fetchReply([record, { offset: 43, value: utf8('second') }], 44, { kind: 'binary', contentType: 'application/binary' })
  t.is(reply.contentType, 'application/binary; charset=utf-8')
  t.deepEqual(reply.body, NOT_UTF8, 'raw value bytes of the first record only')
  t.is(header(reply, 'x-high-wm-offset'), '44')
  t.is(header(reply, 'x-message-offset'), '42')
  t.is(header(reply, 'x-message-ts'), String(TS))
  t.is(header(reply, 'x-message-ts-type'), ':create')
  t.is(header(reply, 'x-message-key'), 'a%20%FF%2F~')
  const headersJson = header(reply, 'x-message-headers') as string
  t.regex(headersJson, /^[\x20-\x7e]*$/, 'x-message-headers is printable ASCII')
  t.true(headersJson.includes('\\u00e9') && headersJson.includes('\\u00ef') && headersJson.includes('\\u000a'))
  t.deepEqual(JSON.parse(headersJson), { 'zé': 'naïve\n"q"', n: null, a: '1' })
  t.is(header(reply, 'x-message-headers-encoding'), undefined, 'no encoding header when all values are UTF-8')
})

test('fetchReply binary: octet-stream content type when that won negotiation', (t) => {
  const reply = fetchReply([{ offset: 0, value: utf8('v') }], 1, { kind: 'binary', contentType: 'application/octet-stream' })
  t.is(reply.contentType, 'application/octet-stream; charset=utf-8')
})

test('fetchReply binary: no timestamp, no key, no headers, null value', (t) => {
  for (const value of [null, Buffer.alloc(0)]) {
    const reply = fetchReply([{ offset: 3, key: null, value, timestamp: -1 }], 4, { kind: 'binary', contentType: 'application/binary' })
      t.is(Buffer.from(reply.body ?? '').length, 0, 'empty body')
    t.is(header(reply, 'x-message-offset'), '3')
    t.is(header(reply, 'x-message-headers'), '{}')
    t.is(header(reply, 'x-message-ts'), 'nil')
    t.is(header(reply, 'x-message-ts-type'), 'nil')
    t.is(header(reply, 'x-message-key'), undefined, 'no key → no x-message-key')
  }
  const emptyKey = fetchReply([{ offset: 3, key: Buffer.alloc(0), value: null }], 4, { kind: 'binary', contentType: 'application/binary' })
  t.is(header(emptyKey, 'x-message-key'), undefined, 'empty key → no x-message-key')
})

test('fetchReply binary: non-UTF-8 header values are base64, listed in x-message-headers-encoding', (t) => {
  const reply = fetchReply([{ offset: 0, value: null, headers: [{ a: NOT_UTF8 }, { b: utf8('t') }] }], 1, { kind: 'binary', contentType: 'application/binary' })
  t.deepEqual(JSON.parse(header(reply, 'x-message-headers') as string), { a: '//4AgA==', b: 't' })
  t.deepEqual(JSON.parse(header(reply, 'x-message-headers-encoding') as string), { a: 'base64' })
})

test('fetchReply binary: x-message-headers-encoding only when needed (a duplicate replaced the binary value)', (t) => {
  const reply = fetchReply([{ offset: 0, value: null, headers: [{ a: NOT_UTF8 }, { a: utf8('t') }] }], 1, { kind: 'binary', contentType: 'application/binary' })
  t.deepEqual(JSON.parse(header(reply, 'x-message-headers') as string), { a: 't' })
  t.is(header(reply, 'x-message-headers-encoding'), undefined)
})

test('fetchReply binary: every header value is printable ASCII, even for a non-ASCII header name', (t) => {
  const reply = fetchReply([{ offset: 0, key: utf8('ключ'), value: null, headers: [{ 'имя': NOT_UTF8 }] }], 1, { kind: 'binary', contentType: 'application/binary' })
  for (const [name, value] of reply.headers ?? []) t.regex(value, /^[\x20-\x7e]*$/, name)
  t.deepEqual(JSON.parse(header(reply, 'x-message-headers-encoding') as string), { 'имя': 'base64' })
})

test('fetchReply binary: no record → empty body, x-high-wm-offset and no x-message-* headers', (t) => {
  const reply = fetchReply([], 9, { kind: 'binary', contentType: 'application/binary' })
  t.is(reply.contentType, 'application/binary; charset=utf-8')
  t.is(Buffer.from(reply.body ?? '').length, 0)
  t.is(header(reply, 'x-high-wm-offset'), '9')
  t.deepEqual(headerNames(reply).filter((n) => n.startsWith('x-message-')), [])
})

test('asciiJson escapes non-ASCII and control characters as \\uXXXX and round-trips', (t) => {
  const table: ReadonlyArray<readonly [Record<string, string | null>, string]> = [
    [{}, '{}'],
    [{ a: 'b' }, '{"a":"b"}'],
    [{ a: null }, '{"a":null}'],
    [{ q: 'say "hi" \\ ok' }, '{"q":"say \\"hi\\" \\\\ ok"}'],
    [{ 'é': 'ü' }, '{"\\u00e9":"\\u00fc"}'],
    [{ c: '\u0000\t\n\u001f\u007f' }, '{"c":"\\u0000\\u0009\\u000a\\u001f\\u007f"}'],
    [{ e: '😀' }, '{"e":"\\ud83d\\ude00"}'],
    [{ x: '€' }, '{"x":"\\u20ac"}']
  ]
  for (const [map, expected] of table) {
    const text = asciiJson(map)
    t.is(text, expected, JSON.stringify(map))
    t.deepEqual(JSON.parse(text), map, `${JSON.stringify(map)} round-trips`)
  }
})

test('percentEncode: bytes outside A–Z a–z 0–9 - . _ ~ as %XX uppercase', (t) => {
  const table: ReadonlyArray<readonly [Buffer | string, string]> = [
    ['', ''],
    ['ABCxyz019-._~', 'ABCxyz019-._~'],
    ['a b', 'a%20b'],
    ['a+b/c?d=e&f%g', 'a%2Bb%2Fc%3Fd%3De%26f%25g'],
    ['*!\'()', '%2A%21%27%28%29'],
    ['é', '%C3%A9'],
    [Buffer.from([0x00, 0x0a, 0x7f, 0x80, 0xff]), '%00%0A%7F%80%FF'],
    [Buffer.from('key-1', 'utf8'), 'key-1']
  ]
  for (const [input, expected] of table) t.is(percentEncode(input), expected, JSON.stringify(input))
})

test('streamBody: SSE events (id, event: message, data) or one message object per line; JSON text holds no raw line break', (t) => {
  const records: FetchedRecord[] = [
    { offset: 7, key: utf8('k'), value: utf8('line one\nline two\r\n'), timestamp: TS },
    { offset: 9, value: NOT_UTF8 }
  ]
  const [first, second] = records.map((r) => JSON.stringify(messageObject(r)))
  t.is(streamBody(records, 'sse'), `id: 7\nevent: message\ndata: ${first as string}\n\nid: 9\nevent: message\ndata: ${second as string}\n\n`)
  t.is(streamBody(records, 'websocket'), `${first as string}\n${second as string}`)
  t.deepEqual(streamBody(records, 'websocket').split('\n').map((line) => JSON.parse(line) as unknown), records.map(messageObject))
  t.is(streamBody([], 'sse'), '')
  t.is(streamBody([], 'websocket'), '')
})
