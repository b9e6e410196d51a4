// Bad input gets a clear 4xx, as JSON, and nothing is written (SPEC §2, §4.7, §4.8).
import test from 'ava'
import { connect } from 'node:net'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const gateway = gatewayPerFile(test, { KASTLEX_MAX_BODY_BYTES: '1000' })
const url = (path: string): string => gateway().url + path

async function expectError (t: import('ava').ExecutionContext, res: Response, status: number, error: string | RegExp): Promise<void> {
  t.is(res.status, status, `${res.url}`)
  t.is(res.headers.get('content-type'), 'application/json; charset=utf-8')
  const body = await res.json() as { error: string }
  if (typeof error === 'string') t.is(body.error, error)
  else t.regex(body.error, error)
}

test('non-integer partition, offset and max_* → 400 naming the parameter', async (t) => {
  const topic = await createTopic(t)
  const cases: Array<[string, string]> = [
    [`/api/v2/messages/${topic}/x/0`, 'invalid partition'],
    [`/api/v2/messages/${topic}/1.5`, 'invalid partition'],
    [`/api/v2/messages/${topic}/0/12abc`, 'invalid offset'],
    [`/api/v2/messages/${topic}/0/+5`, 'invalid offset'],
    [`/api/v2/messages/${topic}/0?offset=`, 'invalid offset'],
    [`/api/v2/messages/${topic}/0/0?max_wait_time=60001`, 'invalid max_wait_time'],
    [`/api/v2/messages/${topic}/0/0?max_wait_time=-1`, 'invalid max_wait_time'],
    [`/api/v2/messages/${topic}/0/0?min_bytes=abc`, 'invalid min_bytes'],
    [`/api/v2/messages/${topic}/0/0?max_bytes=0`, 'invalid max_bytes'],
    [`/api/v2/messages/${topic}/0/0?max_bytes=1&max_bytes=2`, 'invalid max_bytes'],
    [`/api/v1/offsets/${topic}/0?at=soon`, 'invalid at'],
    [`/api/v1/offsets/${topic}/zero`, 'invalid partition'],
    ['/api/v1/brokers/abc', 'invalid broker'],
    ['/api/v1/brokers/-1', 'invalid broker']
  ]
  for (const [path, error] of cases) await expectError(t, await fetch(url(path)), 400, error)
  for (const partition of ['p', '2147483648']) {
    await expectError(t, await fetch(url(`/api/v2/messages/${topic}/${partition}`), { method: 'POST', body: 'x' }), 400, 'invalid partition')
  }
})

test('unknown topic or partition → 404 unknown_topic_or_partition', async (t) => {
  const topic = await createTopic(t, 2)
  const missing = `${topic}-missing`
  for (const path of [`/api/v2/messages/${missing}/0/0`, `/api/v2/messages/${topic}/2/0`, `/api/v2/messages/${topic}/-1/0`,
    `/api/v1/offsets/${missing}/0`, `/api/v1/offsets/${topic}/5`]) {
    await expectError(t, await fetch(url(path)), 404, 'unknown_topic_or_partition')
  }
  for (const path of [`/api/v2/messages/${missing}`, `/api/v1/messages/${missing}/0`, `/api/v2/messages/${topic}/2`]) {
    await expectError(t, await fetch(url(path), { method: 'POST', body: 'x' }), 404, 'unknown_topic_or_partition')
  }
})

test('malformed, non-object or repeated x-message-headers → 400, nothing written', async (t) => {
  const topic = await createTopic(t)
  const post = (headers: Record<string, string>) => fetch(url(`/api/v2/messages/${topic}/0`), { method: 'POST', body: 'x', headers })
  await expectError(t, await post({ 'x-message-headers': '{not json' }), 400, /^invalid x-message-headers: /)
  await expectError(t, await post({ 'x-message-headers': '[1,2]' }), 400, /^invalid x-message-headers/)
  await expectError(t, await post({ 'x-message-headers': '"text"' }), 400, /^invalid x-message-headers/)
  const repeated = await rawRequest(`POST /api/v2/messages/${topic}/0 HTTP/1.1\r\nhost: x\r\ncontent-length: 1\r\n` +
    'x-message-headers: {"a":"1"}\r\nx-message-headers: {"b":"2"}\r\nconnection: close\r\n\r\nx')
  t.regex(repeated, /^HTTP\/1.1 400 /)
  t.regex(repeated, /"error":"invalid x-message-headers: given more than once"/)
  t.deepEqual(await (await fetch(url(`/api/v1/offsets/${topic}/0`))).json(), { offset: 0 })
})

/** Sends bytes as they are (fetch would join repeated headers) and returns the whole response. */
async function rawRequest (request: string): Promise<string> {
  const { port } = new URL(gateway().url)
  const socket = connect(Number(port), '127.0.0.1')
  socket.end(request)
  let response = ''
  for await (const chunk of socket) response += String(chunk)
  return response
}

test('a body over the limit → 413 and nothing written, with or without content-length', async (t) => {
  const topic = await createTopic(t)
  await expectError(t, await fetch(url(`/api/v2/messages/${topic}/0`), { method: 'POST', body: 'x'.repeat(1001) }), 413, 'request body too large')
  const chunked = new ReadableStream({
    start (controller) {
      for (let i = 0; i < 3; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(400)))
      controller.close()
    }
  })
  const res = await fetch(url(`/api/v2/messages/${topic}/0`), { method: 'POST', body: chunked, duplex: 'half' } as RequestInit)
  await expectError(t, res, 413, 'request body too large')
  t.is((await fetch(url(`/api/v2/messages/${topic}/0`), { method: 'POST', body: 'x'.repeat(1000) })).status, 204)
  t.deepEqual(await (await fetch(url(`/api/v1/offsets/${topic}/0`))).json(), { offset: 1 }, 'only the accepted record is in Kafka')
})

test('parameters are checked before the body size (400 before 413)', async (t) => {
  const topic = await createTopic(t)
  await expectError(t, await fetch(url(`/api/v2/messages/${topic}/x`), { method: 'POST', body: 'x'.repeat(2000) }), 400, 'invalid partition')
})

test('unacceptable Accept → 406; unknown routes and methods → 404', async (t) => {
  const topic = await createTopic(t)
  await expectError(t, await fetch(url(`/api/v2/messages/${topic}/0`), { headers: { accept: 'text/html' } }), 406, 'not acceptable')
  await expectError(t, await fetch(url('/api/v1/topics'), { headers: { accept: 'application/xml, text/*' } }), 406, 'not acceptable')
  for (const [method, path] of [['GET', '/nope'], ['GET', '/favicon.ico'], ['DELETE', '/api/v1/topics'], ['PUT', `/api/v2/messages/${topic}`], ['GET', '/api/v3/messages/x/0']]) {
    await expectError(t, await fetch(url(path as string), { method }), 404, 'not found')
  }
  await expectError(t, await fetch(url('/api/v1/%E0%A4%A')), 400, 'invalid path')
})

test('request ids are echoed when printable, generated otherwise', async (t) => {
  const echoed = await fetch(url('/health'), { headers: { 'x-request-id': 'abc-123_!~' } })
  t.is(echoed.headers.get('x-request-id'), 'abc-123_!~')
  const generated = await fetch(url('/health'), { headers: { 'x-request-id': 'x'.repeat(201) } })
  t.regex(generated.headers.get('x-request-id') ?? '', /^[A-Za-z0-9_-]{20,}$/)
  const error = await fetch(url('/nope'))
  t.regex(error.headers.get('x-request-id') ?? '', /^[A-Za-z0-9_-]{20,}$/)
})

test('large request headers: 3 KiB accepted; over 64 KiB refused with a JSON 431, never served', async (t) => {
  // However the kernel splits it (http-front-end.test.ts splits heads on purpose).
  const request = (size: number): Promise<string> =>
    rawRequest(`GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(size)}\r\nconnection: close\r\n\r\n`)
  t.regex(await request(3_000), /^HTTP\/1.1 200 /)
  const refused = await request(66_000)
  t.regex(refused, /^HTTP\/1.1 431 [^]*\{"error":"request header fields too large"\}$/, refused.slice(0, 200))
})

test('HEAD is answered wherever GET is, with headers and no body', async (t) => {
  const res = await fetch(url('/api/v1/topics'), { method: 'HEAD' })
  t.is(res.status, 200)
  t.is(res.headers.get('content-type'), 'application/json; charset=utf-8')
  t.true(Number(res.headers.get('content-length')) > 2)
  t.is(await res.text(), '')
})

test('paths: empty segments are ignored and segments are percent-decoded', async (t) => {
  const topic = await createTopic(t)
  t.is((await fetch(url(`//api//v1/topics/${encodeURIComponent(topic)}/`))).status, 200)
  t.is((await fetch(url(`/api/v1/topics/${topic.replace('-', '%2D')}`))).status, 200)
})
