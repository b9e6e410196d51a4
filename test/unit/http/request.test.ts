// SPEC §2.3: query strings are form-decoded; path segments are percent-decoded as UTF-8.
import test from 'ava'
import { HttpError } from '../../../src/http/errors.js'
import { decodeFormBytes, pathSegments, Query, RequestHeaders } from '../../../src/http/request.js'

test('Query.text form-decodes values (+ is a space)', (t) => {
  const cases: ReadonlyArray<readonly [string, string, string | undefined]> = [
    ['offset=5', 'offset', '5'],
    ['a=hello+world', 'a', 'hello world'],
    ['a=hello%20world', 'a', 'hello world'],
    ['a=%2B', 'a', '+'],
    ['a=%E2%82%AC', 'a', '€'],
    ['a=x%3Dy', 'a', 'x=y'],
    ['a=x=y', 'a', 'x=y'],
    ['a=', 'a', ''],
    ['a', 'a', ''],
    ['', 'a', undefined],
    ['b=1', 'a', undefined],
    ['a+b=1', 'a b', '1'],
    ['of%66set=3', 'offset', '3'],
    ['x=1&&a=2&', 'a', '2'],
    ['max_bytes=10&offset=3&unknown=zz', 'offset', '3']
  ]
  for (const [queryString, name, expected] of cases) {
    t.is(new Query(queryString).text(name), expected, `${JSON.stringify(queryString)} → ${name}`)
  }
})

test('Query: a recognised parameter given twice → 400 invalid <name>', (t) => {
  for (const queryString of ['offset=1&offset=2', 'offset=1&offset=1', 'offset&offset=1', 'offset=1&of%66set=2']) {
    const error = t.throws(() => new Query(queryString).text('offset'), { instanceOf: HttpError }, queryString)
    t.is(error?.status, 400, queryString)
    t.is(error?.error, 'invalid offset', queryString)
  }
  const error = t.throws(() => new Query('key=a&key=b').bytes('key'), { instanceOf: HttpError })
  t.like(error, { status: 400, error: 'invalid key' })
})

test('Query: unrecognised and repeated-but-unread parameters are ignored', (t) => {
  const query = new Query('foo=1&foo=2&offset=3&_format=json')
  t.is(query.text('offset'), '3')
  t.is(query.text('bar'), undefined)
  t.is(query.bytes('bar'), undefined)
})

test('Query.text: a value that is not UTF-8 → 400 invalid <name>', (t) => {
  const error = t.throws(() => new Query('at=%FF').text('at'), { instanceOf: HttpError })
  t.like(error, { status: 400, error: 'invalid at' })
})

test('Query.bytes percent-decodes to bytes (any byte, + is a space)', (t) => {
  const cases: ReadonlyArray<readonly [string, number[]]> = [
    ['key=%FF', [0xff]],
    ['key=%ff', [0xff]],
    ['key=%41', [0x41]],
    ['key=a+b', [0x61, 0x20, 0x62]],
    ['key=%2B', [0x2b]],
    ['key=%00%01', [0x00, 0x01]],
    ['key=abc', [0x61, 0x62, 0x63]],
    ['key=', []],
    ['key=%C3%A9', [0xc3, 0xa9]]
  ]
  for (const [queryString, expected] of cases) {
    t.deepEqual(new Query(queryString).bytes('key'), Buffer.from(expected), queryString)
  }
})

test('decodeFormBytes: %XX a byte, + a space, other characters their UTF-8 bytes', (t) => {
  const cases: ReadonlyArray<readonly [string, number[]]> = [
    ['', []],
    ['abc', [0x61, 0x62, 0x63]],
    ['+', [0x20]],
    ['%20', [0x20]],
    ['%FF%fe', [0xff, 0xfe]],
    ['a%41b', [0x61, 0x41, 0x62]],
    ['é', [0xc3, 0xa9]],
    ['%FFé', [0xff, 0xc3, 0xa9]],
    ['😀', [0xf0, 0x9f, 0x98, 0x80]],
    ['%00😀+', [0x00, 0xf0, 0x9f, 0x98, 0x80, 0x20]],
    // A % not followed by two hex digits stands for itself.
    ['%', [0x25]],
    ['%4', [0x25, 0x34]],
    ['%G1', [0x25, 0x47, 0x31]],
    ['100%+', [0x31, 0x30, 0x30, 0x25, 0x20]]
  ]
  for (const [raw, expected] of cases) {
    t.deepEqual(decodeFormBytes(raw), Buffer.from(expected), JSON.stringify(raw))
  }
})

test('pathSegments percent-decodes as UTF-8, keeps +, drops empty segments', (t) => {
  const cases: ReadonlyArray<readonly [string, string[] | undefined]> = [
    ['/', []],
    ['', []],
    ['/api/v1/topics', ['api', 'v1', 'topics']],
    ['/api/v1/topics/', ['api', 'v1', 'topics']],
    ['//api//v1///topics//', ['api', 'v1', 'topics']],
    ['/api/v1/topics/a+b', ['api', 'v1', 'topics', 'a+b']],
    ['/api/v1/topics/a%20b', ['api', 'v1', 'topics', 'a b']],
    ['/api/v1/topics/%E2%82%AC', ['api', 'v1', 'topics', '€']],
    ['/api/v1/topics/a%2Fb', ['api', 'v1', 'topics', 'a/b']],
    ['/api/v1/topics/%2B', ['api', 'v1', 'topics', '+']],
    ['/API/V1', ['API', 'V1']],
    // Bad encoding → undefined (400 invalid path).
    ['/api/v1/topics/%E0%A4%A', undefined],
    ['/api/v1/topics/%FF', undefined],
    ['/api/v1/topics/%C3', undefined],
    ['/api/v1/topics/%', undefined],
    ['/api/v1/topics/%zz', undefined],
    ['/api/v1/topics/%ED%A0%80', undefined] // an encoded UTF-16 surrogate is not UTF-8
  ]
  for (const [path, expected] of cases) {
    t.deepEqual(pathSegments(path), expected, path)
  }
})

test('RequestHeaders keeps every line of a header', (t) => {
  const headers = new RequestHeaders()
  headers.add('accept', 'application/json')
  headers.add('accept', 'application/binary')
  headers.add('x-request-id', 'abc')
  t.is(headers.get('accept'), 'application/json')
  t.deepEqual(headers.all('accept'), ['application/json', 'application/binary'])
  t.deepEqual(headers.all('x-message-headers'), [])
  t.is(headers.get('x-message-headers'), undefined)
})

test('RequestHeaders: a header sent once, three times, and the size of all names and values', (t) => {
  const headers = new RequestHeaders()
  headers.add('host', 'h')
  headers.add('x-a', '1')
  headers.add('x-a', '2')
  headers.add('x-a', '3')
  t.deepEqual(headers.all('host'), ['h'])
  t.deepEqual(headers.all('x-a'), ['1', '2', '3'])
  t.is(headers.get('x-a'), '1')
  t.is(headers.size, 'host'.length + 1 + 3 * ('x-a'.length + 1))
})

test('RequestHeaders.of reads uWS\'s header list: pairs in order, repeats kept, an odd last name ignored', (t) => {
  const headers = RequestHeaders.of(['host', 'h', 'x-a', '1', 'accept', '*/*', 'x-a', '2', 'dangling'])
  t.deepEqual(headers.all('x-a'), ['1', '2'])
  t.is(headers.get('accept'), '*/*')
  t.is(headers.get('dangling'), undefined)
  t.is(headers.size, 'host'.length + 1 + 2 * ('x-a'.length + 1) + 'accept'.length + 3)
  t.is(RequestHeaders.of([]).size, 0)
})

test('pathSegments cuts as split("/") does: random paths of slashes, letters and escapes', (t) => {
  let seed = 11
  const random = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
  const pieces = ['/', '/', '//', 'a', 'bc', '%20', '%2F', '+', '%E2%82%AC', '%']
  const reference = (path: string): string[] | undefined => {
    try {
      return path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s))
    } catch {
      return undefined
    }
  }
  for (let i = 0; i < 5_000; i++) {
    const path = Array.from({ length: random(8) }, () => pieces[random(pieces.length)]).join('')
    t.deepEqual(pathSegments(path), reference(path), path)
  }
})
