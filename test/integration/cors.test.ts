// CORS (SPEC §10.3) through a real gateway: preflights, and the headers on every kind of answer.
import test from 'ava'
import { gatewayPerFile, startGateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { RawConnection } from '../helpers/raw-http.js'

const ALLOWED = 'https://app.example'
const EXPOSED = 'x-request-id, x-kafka-partition, x-message-offset, x-high-wm-offset, x-message-headers, ' +
  'x-message-headers-encoding, x-message-ts, x-message-ts-type, x-message-key, retry-after, idempotent-replayed'
const MAX_BODY_BYTES = 1000

// `HTTPS://App.Example:443` is configured: it is the origin browsers send as `https://app.example`.
const gateway = gatewayPerFile(test, { KASTLEX_CORS_ORIGINS: 'http://localhost:3000, HTTPS://App.Example:443', KASTLEX_MAX_BODY_BYTES: String(MAX_BODY_BYTES), KASTLEX_WORKERS: '0' })

const request = async (path: string, init: RequestInit = {}, base = gateway().url): Promise<Response> => await fetch(base + path, init)
const preflight = (origin: string, headers: Record<string, string> = {}): RequestInit =>
  ({ method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, x-message-headers', ...headers } })

/** The access-control-* and vary headers of an answer. */
const corsHeaders = (response: Response): Record<string, string> =>
  Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'))
const allowing = (origin: string): Record<string, string> =>
  ({ 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': EXPOSED })
const PREFLIGHT = {
  'access-control-allow-methods': 'GET, HEAD, POST, DELETE',
  'access-control-allow-headers': 'authorization, content-type, accept, x-message-headers, idempotency-key, x-request-id, last-event-id',
  'access-control-max-age': '600'
}

test('preflight from an allowed origin, any path, before authentication → 204 with the CORS headers', async (t) => {
  for (const path of ['/api/v1/messages/some-topic', '/no/such/route', '/api/v1/topics']) {
    // A token that is not acceptable would be a 401 on a real request: the preflight never gets there.
    const answer = await request(path, preflight(ALLOWED, { authorization: 'Bearer not-a-token' }))
    t.is(answer.status, 204, path)
    t.deepEqual(corsHeaders(answer), { ...allowing(ALLOWED), ...PREFLIGHT }, path)
    t.truthy(answer.headers.get('x-request-id'))
    t.is(await answer.text(), '')
  }
  const local = await request('/login', preflight('http://localhost:3000'))
  t.is(local.status, 204)
  t.is(local.headers.get('access-control-allow-origin'), 'http://localhost:3000')
})

test('preflight from an origin not allowed (exact match only) → 404, no CORS headers', async (t) => {
  for (const origin of ['https://evil.example', 'https://app.example/', 'https://APP.example', 'http://app.example', 'https://app.example:8443', 'null', 'x'.repeat(30_000)]) {
    const answer = await request('/api/v1/topics', preflight(origin))
    t.is(answer.status, 404, origin.slice(0, 40))
    t.deepEqual(await answer.json(), { error: 'not found' })
    t.deepEqual(corsHeaders(answer), {}, origin.slice(0, 40))
  }
})

test('OPTIONS without access-control-request-method is a plain request: 404, with the CORS headers of its origin', async (t) => {
  const answer = await request('/api/v1/topics', { method: 'OPTIONS', headers: { origin: ALLOWED } })
  t.is(answer.status, 404)
  t.deepEqual(await answer.json(), { error: 'not found' })
  t.deepEqual(corsHeaders(answer), allowing(ALLOWED))
})

test('an allowed origin gets the headers on every answer: 200, 404, 401, 413, HEAD; another origin or none gets none', async (t) => {
  const origin = { origin: ALLOWED }
  const answers = {
    health: await request('/health', { headers: origin }),
    head: await request('/health', { method: 'HEAD', headers: origin }),
    notFound: await request('/nowhere', { headers: origin }),
    unauthenticated: await request('/api/v1/topics', { headers: { ...origin, authorization: 'Bearer not-a-token' } }),
    tooLarge: await request('/api/v2/messages/any-topic', { method: 'POST', headers: origin, body: 'x'.repeat(MAX_BODY_BYTES + 1) })
  }
  const statuses = Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.status]))
  t.deepEqual(statuses, { health: 200, head: 200, notFound: 404, unauthenticated: 401, tooLarge: 413 })
  for (const [name, answer] of Object.entries(answers)) t.deepEqual(corsHeaders(answer), allowing(ALLOWED), name)
  t.is(answers.unauthenticated.headers.get('www-authenticate'), 'Bearer')

  t.deepEqual(corsHeaders(await request('/health', { headers: { origin: 'https://evil.example' } })), {})
  t.deepEqual(corsHeaders(await request('/health')), {})
})

test('a binary fetch answer carries the CORS headers beside its x-message-* headers', async (t) => {
  const topic = await createTopic(t)
  const produced = await request(`/api/v2/messages/${topic}?key=k`, { method: 'POST', body: 'hello', headers: { origin: ALLOWED, 'x-message-headers': '{"h":"v"}' } })
  t.is(produced.status, 204)
  t.deepEqual(corsHeaders(produced), allowing(ALLOWED))
  const fetched = await request(`/api/v2/messages/${topic}/0/0`, { headers: { origin: ALLOWED, accept: 'application/binary' } })
  t.is(fetched.status, 200)
  t.is(await fetched.text(), 'hello')
  t.deepEqual(corsHeaders(fetched), allowing(ALLOWED))
  t.is(fetched.headers.get('x-message-key'), 'k')
  t.is(fetched.headers.get('x-message-headers'), '{"h":"v"}')
  t.is(fetched.headers.get('x-message-offset'), '0')
})

test('several Origin lines count as no allowed origin: no headers, and a preflight is 404', async (t) => {
  const connection = await RawConnection.open(gateway().url)
  t.teardown(() => connection.destroy())
  await connection.send(`GET /health HTTP/1.1\r\nhost: x\r\norigin: ${ALLOWED}\r\norigin: ${ALLOWED}\r\n\r\n`)
  const plain = await connection.response()
  t.is(plain.status, 200)
  t.false([...plain.headers.keys()].some((name) => name.startsWith('access-control-')), JSON.stringify([...plain.headers]))
  await connection.send(`OPTIONS /health HTTP/1.1\r\nhost: x\r\norigin: ${ALLOWED}\r\norigin: https://evil.example\r\naccess-control-request-method: GET\r\n\r\n`)
  const refused = await connection.response()
  t.is(refused.status, 404)
  t.false([...refused.headers.keys()].some((name) => name.startsWith('access-control-')))
})

test('KASTLEX_CORS_ORIGINS=*: any origin gets *, preflights too; never credentials', async (t) => {
  const any = await startGateway({ KASTLEX_CORS_ORIGINS: '*', KASTLEX_WORKERS: '0' })
  t.teardown(async () => { await any.stop() })
  const plain = await request('/health', { headers: { origin: 'https://whoever.example' } }, any.url)
  t.deepEqual(corsHeaders(plain), allowing('*'))
  const answer = await request('/api/v1/topics', preflight('https://whoever.example'), any.url)
  t.is(answer.status, 204)
  t.deepEqual(corsHeaders(answer), { ...allowing('*'), ...PREFLIGHT })
  t.deepEqual(corsHeaders(await request('/health', {}, any.url)), {}, 'no Origin, no CORS headers')
})

test('KASTLEX_CORS_ORIGINS unset: no access-control-* headers, OPTIONS → 404', async (t) => {
  const off = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(async () => { await off.stop() })
  const answer = await request('/api/v1/topics', preflight(ALLOWED), off.url)
  t.is(answer.status, 404)
  t.deepEqual(corsHeaders(answer), {})
  t.deepEqual(corsHeaders(await request('/health', { headers: { origin: ALLOWED } }, off.url)), {})
})
