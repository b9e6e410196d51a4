// SPEC §4.1 (§11 items 42–43): the credentials of POST /login, from form, multipart or JSON bodies only.
import test from 'ava'
import { parseLoginBody, parseMediaType } from '../../../src/auth/login-body.js'
import { HttpError } from '../../../src/http/errors.js'

const FORM = 'application/x-www-form-urlencoded'
const JSON_TYPE = 'application/json'
const BOUNDARY = '----KastlexBoundary7MA4YWxkTrZu0gW'
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`

const ok = (contentType: string | undefined, body: string | Buffer): { username: string, password: string } =>
  parseLoginBody(contentType, typeof body === 'string' ? Buffer.from(body) : body)

function fails (t: import('ava').ExecutionContext, contentType: string | undefined, body: string | Buffer, message: string): void {
  const error = t.throws(() => ok(contentType, body), { instanceOf: HttpError }, `${contentType ?? '(none)'} ${String(body)}`)
  t.is(error?.status, 400)
  t.is(error?.error, message, `${contentType ?? '(none)'} ${JSON.stringify(String(body))}`)
}

/** A multipart body with CRLF line ends; each part is its header lines and content. */
function multipart (parts: ReadonlyArray<readonly [readonly string[], string | Buffer]>, boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = []
  for (const [headers, content] of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${headers.map((line) => `${line}\r\n`).join('')}\r\n`))
    chunks.push(typeof content === 'string' ? Buffer.from(content) : content)
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(chunks)
}
const field = (name: string, value: string | Buffer, ...extra: string[]): readonly [readonly string[], string | Buffer] =>
  [[`Content-Disposition: form-data; name="${name}"`, ...extra], value]

// ---- application/x-www-form-urlencoded --------------------------------------------------------------

test('form: fields decoded, + is a space, percent escapes as UTF-8, other fields ignored', (t) => {
  t.deepEqual(ok(FORM, 'username=alice&password=s3cret'), { username: 'alice', password: 's3cret' })
  t.deepEqual(ok(FORM, 'password=a+b%2Bc%20d&x=1&username=al%C3%AFce'), { username: 'alïce', password: 'a b+c d' })
  t.deepEqual(ok(FORM, '&&username=bob&&password=%26%3D&'), { username: 'bob', password: '&=' })
  t.deepEqual(ok(FORM, 'username=&password'), { username: '', password: '' }, 'present but empty is a string')
  t.deepEqual(ok(FORM, 'user%6eame=carol&password=p=q'), { username: 'carol', password: 'p=q' }, 'names are decoded; first = splits')
  t.deepEqual(ok(FORM, 'username=d%C3%A9j%C3%A0&password=%F0%9F%94%91'), { username: 'déjà', password: '🔑' })
})

test('form: content type matched case-insensitively, parameters allowed', (t) => {
  for (const type of ['Application/X-WWW-Form-URLEncoded', `${FORM}; charset=utf-8`, `${FORM};charset="UTF-8"`, ` ${FORM} ; `]) {
    t.deepEqual(ok(type, 'username=a&password=b'), { username: 'a', password: 'b' }, type)
  }
})

test('form: missing, repeated and malformed', (t) => {
  fails(t, FORM, 'password=x', 'invalid username: missing')
  fails(t, FORM, 'username=x', 'invalid password: missing')
  fails(t, FORM, '', 'invalid username: missing')
  fails(t, FORM, 'username=a&username=b&password=x', 'invalid username')
  fails(t, FORM, 'username=a&password=x&password=x', 'invalid password')
  fails(t, FORM, 'username=a%zz&password=x', 'invalid body')
  fails(t, FORM, 'username=a%&password=x', 'invalid body')
  fails(t, FORM, 'username=%C3&password=x', 'invalid body') // escapes that are not UTF-8
  fails(t, FORM, Buffer.from([0x75, 0x3d, 0xff]), 'invalid body') // raw bytes that are not UTF-8
  fails(t, FORM, 'x=%zz&username=a&password=b', 'invalid body') // anywhere in the body
})

// ---- application/json -------------------------------------------------------------------------------

test('json: an object with string members', (t) => {
  t.deepEqual(ok(JSON_TYPE, '{"username":"alice","password":"pw"}'), { username: 'alice', password: 'pw' })
  t.deepEqual(ok('Application/JSON; charset=UTF-8', ' {"password":"p\\u00e9","username":"b","other":[1]} '), { username: 'b', password: 'pé' })
  t.deepEqual(ok(JSON_TYPE, '\uFEFF{"username":"","password":""}'), { username: '', password: '' }, 'a BOM is skipped')
})

test('json: missing and non-string members', (t) => {
  fails(t, JSON_TYPE, '{}', 'invalid username: missing')
  fails(t, JSON_TYPE, '{"username":"a"}', 'invalid password: missing')
  fails(t, JSON_TYPE, '{"password":"a"}', 'invalid username: missing')
  fails(t, JSON_TYPE, '{"__proto__":{"username":"a","password":"b"}}', 'invalid username: missing')
  for (const bad of ['null', '1', 'true', '["a"]', '{"x":1}', '{}']) {
    fails(t, JSON_TYPE, `{"username":${bad},"password":"p"}`, 'invalid username')
    fails(t, JSON_TYPE, `{"username":"u","password":${bad}}`, 'invalid password')
  }
})

test('json: not an object, or not JSON', (t) => {
  for (const body of ['[]', '["username","password"]', 'null', '"x"', '42', 'true', '', ' ', '{', '{"username":"a",}', "{'username':'a'}", 'username=a&password=b']) {
    fails(t, JSON_TYPE, body, 'invalid body')
  }
  fails(t, JSON_TYPE, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 'invalid body') // not UTF-8
})

// ---- multipart/form-data ----------------------------------------------------------------------------

test('multipart: text fields, with or without text/plain, other parts ignored', (t) => {
  t.deepEqual(ok(MULTIPART, multipart([field('username', 'alice'), field('password', 'pa ss\r\nword')])), { username: 'alice', password: 'pa ss\r\nword' })
  t.deepEqual(ok(MULTIPART, multipart([
    field('other', 'x'),
    [['Content-Disposition: form-data; name="file"; filename="a.bin"', 'Content-Type: application/octet-stream'], Buffer.from([0, 0xff, 0xfe])],
    field('password', 'pé', 'Content-Type: text/plain; charset=utf-8'),
    [['content-disposition: FORM-DATA; name=username', 'Content-Transfer-Encoding: 8bit'], 'bob']
  ])), { username: 'bob', password: 'pé' })
  t.deepEqual(ok(MULTIPART, multipart([field('username', ''), field('password', '')])), { username: '', password: '' })
})

test('multipart: preamble, epilogue, transport padding, quoted and unusual boundaries', (t) => {
  const body = `preamble text\r\n--${BOUNDARY}  \r\nContent-Disposition: form-data; name="username"\r\n\r\nu\r\n--${BOUNDARY}\t\r\n` +
    `Content-Disposition: form-data; name="password"\r\n\r\np\r\n--${BOUNDARY}--epilogue\r\nmore`
  t.deepEqual(ok(MULTIPART, body), { username: 'u', password: 'p' })
  const odd = "a'()+_,-./:=? z"
  t.deepEqual(ok(`Multipart/Form-Data; charset=utf-8; boundary="${odd}"`, multipart([field('username', 'u'), field('password', 'p')], odd)), { username: 'u', password: 'p' })
  t.deepEqual(ok('multipart/form-data; boundary=a:b', multipart([field('username', 'u'), field('password', 'p')], 'a:b')), { username: 'u', password: 'p' })
  // The content may contain the boundary text when it is not preceded by CRLF "--".
  t.deepEqual(ok(MULTIPART, multipart([field('username', `x${BOUNDARY}--${BOUNDARY}`), field('password', 'p')])), { username: `x${BOUNDARY}--${BOUNDARY}`, password: 'p' })
  // No final CRLF after the close delimiter.
  t.deepEqual(ok(MULTIPART, multipart([field('username', 'u'), field('password', 'p')]).subarray(0, -2)), { username: 'u', password: 'p' })
})

test('multipart: missing, repeated and non-text fields', (t) => {
  fails(t, MULTIPART, multipart([field('password', 'p')]), 'invalid username: missing')
  fails(t, MULTIPART, multipart([field('username', 'u')]), 'invalid password: missing')
  fails(t, MULTIPART, multipart([]), 'invalid username: missing')
  fails(t, MULTIPART, multipart([field('username', 'u'), field('username', 'u'), field('password', 'p')]), 'invalid username')
  fails(t, MULTIPART, multipart([field('username', 'u'), [['Content-Disposition: form-data; name="password"; filename="pw.txt"'], 'p']]), 'invalid password')
  fails(t, MULTIPART, multipart([field('username', 'u', 'Content-Type: application/octet-stream'), field('password', 'p')]), 'invalid username')
  fails(t, MULTIPART, multipart([field('username', 'u'), field('password', Buffer.from([0xc3, 0x28]))]), 'invalid password')
})

test('multipart: malformed bodies and content types', (t) => {
  const good = multipart([field('username', 'u'), field('password', 'p')])
  fails(t, 'multipart/form-data', good, 'invalid body') // no boundary
  fails(t, 'multipart/form-data; boundary=', good, 'invalid body')
  fails(t, 'multipart/form-data; boundary="a b "', good, 'invalid body') // ends in a space
  fails(t, `multipart/form-data; boundary=${'x'.repeat(71)}`, good, 'invalid body') // over 70
  fails(t, 'multipart/form-data; boundary=other', good, 'invalid body') // boundary never found
  fails(t, 'multipart/mixed; boundary=' + BOUNDARY, good, 'invalid body')
  fails(t, MULTIPART, '', 'invalid body')
  fails(t, MULTIPART, good.toString().replace(`--${BOUNDARY}--`, `--${BOUNDARY}`), 'invalid body') // not closed
  fails(t, MULTIPART, good.subarray(0, good.indexOf(`\r\n--${BOUNDARY}--`)), 'invalid body') // truncated
  fails(t, MULTIPART, good.toString().replaceAll('\r\n', '\n'), 'invalid body') // LF line ends
  fails(t, MULTIPART, multipart([[[], 'u'], field('password', 'p')]), 'invalid body') // no headers
  fails(t, MULTIPART, multipart([[['Content-Type: text/plain'], 'u'], field('password', 'p')]), 'invalid body') // no disposition
  fails(t, MULTIPART, multipart([[['Content-Disposition: attachment; name="username"'], 'u'], field('password', 'p')]), 'invalid body')
  fails(t, MULTIPART, multipart([[['Content-Disposition: form-data'], 'u'], field('password', 'p')]), 'invalid body') // no name
  fails(t, MULTIPART, multipart([[['Content-Disposition: form-data; name="username"', ' folded'], 'u'], field('password', 'p')]), 'invalid body')
  fails(t, MULTIPART, multipart([[['Content-Disposition: form-data; name="username"', 'no colon'], 'u'], field('password', 'p')]), 'invalid body')
  fails(t, MULTIPART, multipart([field('username', 'dQ==', 'Content-Transfer-Encoding: base64'), field('password', 'p')]), 'invalid body')
  fails(t, MULTIPART, `--${BOUNDARY}\r\nContent-Disposition: form-data; name="username"\r\nu\r\n--${BOUNDARY}--`, 'invalid body') // no empty line
  fails(t, MULTIPART, `--${BOUNDARY}junk\r\n\r\n--${BOUNDARY}--`, 'invalid body')
})

// ---- content types ----------------------------------------------------------------------------------

test('other, missing or malformed content types are an invalid body', (t) => {
  const body = 'username=a&password=b'
  for (const type of [undefined, '', 'text/plain', 'application/xml', 'application/json-patch+json', 'application/x-www-form-urlencoded2',
    'application', 'application/', '/json', 'application/json garbage', 'application/json; charset', 'application/json; =x',
    'application/json; charset="utf-8', 'application/json; a=b c', '*/*', 'application/*']) {
    fails(t, type, body, 'invalid body')
  }
})

test('field errors name username before password', (t) => {
  fails(t, JSON_TYPE, '{"password":1}', 'invalid username: missing')
  fails(t, JSON_TYPE, '{"username":1}', 'invalid username')
  fails(t, FORM, 'username=a&username=b', 'invalid username')
})

test('parseMediaType', (t) => {
  const media = parseMediaType('Multipart/Form-Data; Boundary="a\\"b"; charset=UTF-8; boundary=ignored')
  t.is(media?.type, 'multipart/form-data')
  t.deepEqual([...media?.parameters ?? []], [['boundary', 'a"b'], ['charset', 'UTF-8']])
  t.deepEqual([...parseMediaType('application/json;;')?.parameters ?? ['x']], [])
  t.is(parseMediaType('application json'), undefined)
})
