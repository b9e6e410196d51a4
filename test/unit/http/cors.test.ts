// SPEC §10.3: which origins are allowed and the headers that say so.
import test from 'ava'
import { canonicalOrigin, CorsPolicy, parseCorsOrigins } from '../../../src/http/cors.js'

const EXPOSED = 'x-request-id, x-kafka-partition, x-message-offset, x-high-wm-offset, x-message-headers, ' +
  'x-message-headers-encoding, x-message-ts, x-message-ts-type, x-message-key, retry-after, idempotent-replayed'
const allowing = (origin: string): Array<[string, string]> =>
  [['access-control-allow-origin', origin], ['vary', 'Origin'], ['access-control-expose-headers', EXPOSED]]

const listed = (raw: string): CorsPolicy => {
  const parsed = parseCorsOrigins(raw)
  if (!('origins' in parsed)) throw new Error(`refused: ${parsed.invalid}`)
  return new CorsPolicy(parsed.origins)
}

test('canonical origins: the form a browser sends (scheme and host lower case, default port dropped)', (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['https://app.example.com', 'https://app.example.com'],
    ['HTTPS://App.Example.COM', 'https://app.example.com'],
    ['https://example.com:443', 'https://example.com'],
    ['http://example.com:80', 'http://example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
    ['app://Local-Host', 'app://local-host'],
    ['https://example.com/', undefined],
    ['https://example.com/path', undefined],
    ['https://user@example.com', undefined],
    ['https://example.com?q', undefined],
    ['https://example.com:0', undefined],
    ['https://example.com:65536', undefined],
    ['https://example.com:', undefined],
    ['example.com', undefined],
    ['//example.com', undefined],
    ['null', undefined],
    ['*', undefined],
    ['https://exa mple.com', undefined],
    ['https://bücher.example', undefined]
  ]
  for (const [entry, expected] of cases) t.is(canonicalOrigin(entry), expected, entry)
})

test('KASTLEX_CORS_ORIGINS: * or a list; the first entry that is no origin is reported', (t) => {
  t.deepEqual(parseCorsOrigins('*'), { origins: '*' })
  t.deepEqual(parseCorsOrigins(' * '), { origins: '*' })
  t.deepEqual(parseCorsOrigins('https://a.example, http://localhost:3000,,'), { origins: new Set(['https://a.example', 'http://localhost:3000']) })
  t.deepEqual(parseCorsOrigins('https://a.example, https://b.example/'), { invalid: 'https://b.example/' })
  t.deepEqual(parseCorsOrigins('*, https://a.example'), { invalid: '*' })
  t.deepEqual(parseCorsOrigins(' , '), { invalid: ' , ' })
})

test('off: no headers, no preflight', (t) => {
  const off = new CorsPolicy(undefined)
  t.deepEqual(off.headersFor(['https://a.example']), [])
  t.is(off.preflight('OPTIONS', ['https://a.example'], ['GET']), undefined)
})

test('a list: exact origins only, echoed; never credentials', (t) => {
  const cors = listed('https://a.example,http://localhost:3000')
  t.deepEqual(cors.headersFor(['https://a.example']), allowing('https://a.example'))
  t.deepEqual(cors.headersFor(['http://localhost:3000']), allowing('http://localhost:3000'))
  for (const other of ['https://A.example', 'https://a.example/', 'https://a.example:443', 'http://a.example', 'https://a.example.evil',
    'https://evil.example', 'null', '', ' https://a.example', 'https://a.example\r\nx-evil: 1', 'x'.repeat(60_000)]) {
    t.deepEqual(cors.headersFor([other]), [], JSON.stringify(other.slice(0, 40)))
  }
  t.deepEqual(cors.headersFor([]), [], 'no Origin')
  t.deepEqual(cors.headersFor(['https://a.example', 'https://a.example']), [], 'two Origin lines are no origin a browser sends')
  t.false(cors.headersFor(['https://a.example']).some(([name]) => name === 'access-control-allow-credentials'))
})

test('*: any one origin gets *, not an echo', (t) => {
  const cors = listed('*')
  t.deepEqual(cors.headersFor(['https://anything.example']), allowing('*'))
  t.deepEqual(cors.headersFor(['null']), allowing('*'))
  t.deepEqual(cors.headersFor(['<script>']), allowing('*'), 'never echoed, so any text is harmless')
  t.deepEqual(cors.headersFor([]), [])
  t.deepEqual(cors.headersFor(['']), [])
  t.deepEqual(cors.headersFor(['https://a.example', 'https://b.example']), [])
})

test('preflight: OPTIONS with access-control-request-method from an allowed origin', (t) => {
  const cors = listed('https://a.example')
  const preflight = [
    ['access-control-allow-methods', 'GET, HEAD, POST, DELETE'],
    ['access-control-allow-headers', 'authorization, content-type, accept, x-message-headers, idempotency-key, x-request-id, last-event-id'],
    ['access-control-max-age', '600']
  ]
  t.deepEqual(cors.preflight('OPTIONS', ['https://a.example'], ['POST']), preflight)
  t.is(cors.preflight('OPTIONS', ['https://a.example'], []), undefined, 'no access-control-request-method: a plain OPTIONS')
  t.is(cors.preflight('OPTIONS', ['https://b.example'], ['POST']), undefined)
  t.is(cors.preflight('OPTIONS', [], ['POST']), undefined)
  t.is(cors.preflight('GET', ['https://a.example'], ['POST']), undefined)
})
