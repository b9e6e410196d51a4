// The requests the fuzzer sends over keep-alive connections: every route with junk in its path,
// parameters, headers and body, plus valid requests whose answers are checked.
import type { Prng } from './prng.js'

/** What the answer must be, beyond the checks every answer gets (judge.ts). */
export type Expectation =
  /** A client mistake the gateway can see before any Kafka work (SPEC §2.4, §10.6a): a 4xx. */
  | 'client-mistake'
  /** A record over the broker's 1 MiB limit (SPEC §10.6a): 413, or 503 `overloaded`. */
  | 'record-too-large'
  /** A body over KASTLEX_MAX_BODY_BYTES: 413, or a close (issue 12's 413 receipt). */
  | 'body-over-limit'
  | 'none'

export interface FuzzRequest {
  /** Counted per category in the report. */
  readonly category: string
  readonly method: string
  /** The request-target exactly as sent (no spaces, CR or LF: framing junk is raw-probes.ts's). */
  readonly target: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body?: Buffer
  /** The wait the route itself may take (fetch `max_wait_time`), added to the deadline. */
  readonly waitMs: number
  readonly expect: Expectation
  /** Carries a token or an authorization header (rate-limited by the caller, SPEC §10.6a). */
  readonly auth: boolean
}

export interface Topology {
  /** Real topics and their partition counts. */
  readonly topics: ReadonlyArray<{ readonly name: string, readonly partitions: number }>
}

const LEGAL_TOPIC = /^[A-Za-z0-9._-]{1,249}$/
const INTEGER = /^-?[0-9]+$/
export const BROKER_RECORD_LIMIT = 1_048_576
export const MAX_BODY_BYTES = 8_000_000

/** SPEC §2.3 segment decoding: strict UTF-8, `+` stays; undefined = 400 `invalid path`. */
export function decodeSegment (raw: string): string | undefined {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

/** A segment as a client mistake would show it: undecodable, or a topic name that cannot exist. */
export const illegalTopic = (raw: string): boolean => {
  const decoded = decodeSegment(raw)
  return decoded === undefined || !LEGAL_TOPIC.test(decoded)
}
export const illegalGroup = (raw: string): boolean => {
  const decoded = decodeSegment(raw)
  return decoded === undefined || decoded.includes('\0') || Buffer.byteLength(decoded) > 255
}

const PERCENT_JUNK = [
  '%00', '%2F', '%2f', '%20', '%0D%0A', '%25', '%C3%A9', '%E2%82%AC', '%F0%9F%98%80', // valid
  '%C3%28', '%A0%A1', '%E2%28%A1', '%F0%28%8C%BC', '%FF', '%FE%FF', // invalid UTF-8
  '%C0%AF', '%C0%80', '%E0%80%AF', '%F0%80%80%AF', '%F8%88%80%80%80', // overlong
  '%ED%A0%80', '%ED%BF%BF', // surrogates
  '%E0%A4%A', '%', '%4', '%ZZ', '%%', '%G0', '%-1', '%u0041' // truncated or bad hex
]
const ODD_RAW = ['.', '..', '~', ';', '@', ':', ',', '!', '$', '&', "'", '(', ')', '*', '+', '=', '[', ']', '|', '^', '`', '{', '}', '"', '<', '>', '\\']
const TOPIC_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-'

function topicLike (rng: Prng, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += TOPIC_CHARS[rng.int(0, TOPIC_CHARS.length - 1)]
  return out
}

/** Raw bytes ≥ 0x80 as sent on the wire (latin1 string → one byte each). */
function highBytes (rng: Prng, length: number): string {
  let out = ''
  for (let i = 0; i < length; i++) out += String.fromCharCode(rng.int(0x80, 0xff))
  return out
}

/** One junk path segment: long, odd characters, percent-encodings of every kind, raw high bytes. */
export function junkSegment (rng: Prng): string {
  switch (rng.int(0, 9)) {
    case 0: return 'x'.repeat(rng.pick([249, 250, 255, 256, 300, 1000, 1024, 2000, 4096, 6000]))
    case 1: return topicLike(rng, rng.pick([1, 2, 248, 249, 250, 251, rng.int(1, 3000)]))
    case 2: return Array.from({ length: rng.int(1, 6) }, () => rng.pick(PERCENT_JUNK)).join(rng.chance(0.5) ? topicLike(rng, 3) : '')
    case 3: return rng.pick(ODD_RAW).repeat(rng.int(1, 3))
    case 4: return topicLike(rng, rng.int(1, 20)) + rng.pick(PERCENT_JUNK) + topicLike(rng, rng.int(0, 5))
    case 5: return highBytes(rng, rng.int(1, 40))
    case 6: return '%00'.repeat(rng.int(1, 300))
    case 7: return '%C3%A9'.repeat(rng.int(40, 1500))
    case 8: return rng.pick(['-1', '0', '2147483647', '2147483648', '-2147483649', '9223372036854775808', '1e3', '0x1F', 'NaN', '', '-0', '00000000000000000000000001'])
    default: return encodeURIComponent(String.fromCharCode(...Array.from({ length: rng.int(1, 20) }, () => rng.int(1, 0xd7ff))))
  }
}

/** Junk for an integer parameter, and whether it is well-formed (SPEC §2.3) at all. */
export function junkInteger (rng: Prng): string {
  return rng.pick([
    '', '-', '+1', '1.5', '0x10', '1e3', '%201', '1%20', '99999999999999999999999', '-9223372036854775809',
    '9223372036854775807', '9223372036854775808', '-9223372036854775808', 'NaN', 'Infinity', '%D9%A3', '%00', '-0', '0',
    '00000000000000000000000001', '2147483647', '2147483648', '-2147483649', '60000', '60001', '-1', '1', 'abc',
    '1,2', '%EF%BC%91', '%FF', String(rng.int(-1e9, 1e9)), '9'.repeat(rng.int(1, 400))
  ])
}

const wellFormedInteger = (raw: string, min: number, max: number): boolean => {
  const decoded = decodeSegment(raw.replace(/\+/g, ' '))
  if (decoded === undefined || !INTEGER.test(decoded)) return false
  const value = BigInt(decoded)
  return value >= BigInt(min) && value <= BigInt(max)
}
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const
const wellFormedInt64 = (raw: string): boolean => {
  const decoded = decodeSegment(raw.replace(/\+/g, ' '))
  return decoded !== undefined && INTEGER.test(decoded) && BigInt(decoded) >= INT64[0] && BigInt(decoded) <= INT64[1]
}
const OFFSET_WORDS = new Set(['earliest', 'latest', 'last'])

/** Token times are relative to the process start, so that a seed gives the same tokens within a run. */
const STARTED_S = Math.floor(Date.now() / 1000)

function forgedToken (rng: Prng): string {
  const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
  const now = STARTED_S
  const header = rng.pick([{ alg: 'ES512', typ: 'JWT' }, { alg: 'none' }, { alg: 'HS256' }, { alg: 'ES512', kid: 'x'.repeat(500) }, { alg: 'RS256' }])
  const payload = rng.pick([
    { iss: 'Kastlex', sub: 'user:admin', exp: now + 3600, iat: now },
    { iss: 'Kastlex', sub: 'user:nobody', exp: now + 3600 },
    { iss: 'Kastlex', sub: 'user:admin', exp: 1 },
    { iss: 'x', sub: 'user:admin', exp: 1e300 },
    { sub: 'user:\u0000admin', exp: 'tomorrow' }
  ])
  const signature = rng.pick([() => rng.bytes(132).toString('base64url'), () => '', () => 'AAAA', () => rng.bytes(rng.int(1, 600)).toString('base64url')])()
  return rng.pick([
    () => `${b64(header)}.${b64(payload)}.${signature}`,
    () => `${b64(header)}.${b64(payload)}`,
    () => `${b64(header)}..${signature}`,
    () => 'a.b.c.d',
    () => '...',
    () => rng.bytes(rng.int(1, 2000)).toString('base64'),
    () => `${b64(header)}.${'A'.repeat(rng.int(1000, 20000))}.${signature}`
  ])()
}

function junkAuthorization (rng: Prng): string {
  return rng.pick([
    () => `Bearer ${forgedToken(rng)}`, () => `bearer: ${forgedToken(rng)}`, () => `BEARER  ${forgedToken(rng)}`, () => 'Bearer', () => 'Bearer ',
    () => `Bearer ${forgedToken(rng)} extra`, () => 'Basic YWRtaW46YWRtaW4=', () => `Basic ${highBytes(rng, 10)}`, () => '', () => 'Token x', () => `Bearer ${highBytes(rng, 30)}`
  ])()
}

function junkAccept (rng: Prng): string {
  return rng.pick([
    () => 'text/html', () => '*/*', () => 'application/json;q=0', () => '*/*;q=0', () => 'application/binary', () => 'application/octet-stream;q=0.5, application/json;q=0.5',
    () => 'application/json;q=1.0001', () => 'application/json;q=-1', () => 'application/json;q=abc', () => ';;;', () => ',,,,', () => 'a/b/c', () => '/', () => '*', () => ' ',
    () => 'application/*;q=0.001, text/*;q=0.999', () => `${'application/json;'.repeat(rng.int(10, 2000))}`, () => 'application/json;q=0.1234',
    () => highBytes(rng, 20), () => 'application/json; charset="\\"', () => Array.from({ length: rng.int(2, 500) }, () => 'x/y;q=0.5').join(',')
  ])()
}

function junkMessageHeaders (rng: Prng): string {
  return rng.pick([
    () => '{not json', () => '[1,2]', () => '"text"', () => 'null', () => '1', () => 'true', () => '{}', () => '{"a":"1"}', () => '{"a":{"b":[1,2,{"c":null}]}}',
    () => `{"a":"${'v'.repeat(rng.int(1, 30000))}"}`, () => `${'['.repeat(rng.int(100, 20000))}`, () => `${'{"a":'.repeat(rng.int(100, 5000))}1${'}'.repeat(10)}`,
    () => `{"${highBytes(rng, 5)}":"${highBytes(rng, 5)}"}`, () => '{"a":1.50,"b":true,"c":null,"d":1e400}', () => '{"\\u0000":"\\u0000"}',
    () => `{${Array.from({ length: rng.int(2, 2000) }, (_, i) => `"h${i}":"${i}"`).join(',')}}`, () => '{"__proto__":{"x":1}}', () => '{"a":"\\ud800"}'
  ])()
}

function junkRequestId (rng: Prng): string {
  if (rng.chance(0.05)) return rng.pick(['\x01\x02', 'a\x1bb']) // controls: uWS answers 400
  return rng.pick([
    () => '', () => ' ', () => 'a'.repeat(200), () => 'a'.repeat(201), () => 'a'.repeat(rng.int(1000, 8000)), () => highBytes(rng, 20),
    () => 'x\x7f', () => 'ok-id', () => '"><script>'
  ])()
}

/** An Idempotency-Key value (SPEC §10.6: 1–255 characters in 0x21–0x7E); valid ones repeat, so that replays and 422s happen. */
function junkIdempotencyKey (rng: Prng): { value: string, valid: boolean } {
  return rng.pick([
    () => ({ value: `fuzz-key-${rng.int(0, 20)}`, valid: true }), () => ({ value: '!'.repeat(255), valid: true }), () => ({ value: '~', valid: true }),
    () => ({ value: '', valid: false }), () => ({ value: ' ', valid: false }), () => ({ value: 'k'.repeat(256), valid: false }),
    () => ({ value: 'a b', valid: false }), () => ({ value: 'clé', valid: false }), () => ({ value: highBytes(rng, 10), valid: false }),
    () => ({ value: 'k'.repeat(rng.int(1000, 8000)), valid: false }), () => ({ value: 'a\x7f', valid: false })
  ])()
}

function junkBody (rng: Prng): Buffer {
  switch (rng.int(0, 7)) {
    case 0: return Buffer.alloc(0)
    case 1: return rng.bytes(rng.int(1, 64))
    case 2: return Buffer.from(JSON.stringify({ username: 'admin', password: 'x'.repeat(rng.int(0, 100)), extra: [1, 2, 3] }))
    case 3: return Buffer.from('{"a":' + '['.repeat(rng.int(100, 50_000)))
    case 4: return Buffer.alloc(rng.size(200_000), rng.int(0, 255))
    case 5: return Buffer.from(`username=admin&password=${'%ZZ'.repeat(rng.int(1, 100))}`)
    case 6: return Buffer.from('\uFEFF\u0000' + highBytes(rng, 100), 'latin1')
    default: return Buffer.from(rng.bytes(256).toString('base64').repeat(rng.int(1, 100)))
  }
}

/** The origin the fuzzed gateway allows (KASTLEX_CORS_ORIGINS): answers to it must carry the CORS headers, others none. */
export const FUZZ_CORS_ORIGIN = 'http://x'

const CONTENT_TYPES = ['application/json', 'application/binary', 'application/octet-stream', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', '', '*/*', 'application/json; charset=utf-16']

interface RouteShape {
  readonly method: string
  readonly template: string
}

const ROUTES: readonly RouteShape[] = [
  { method: 'GET', template: '/' }, { method: 'POST', template: '/login' }, { method: 'GET', template: '/admin/reload' },
  { method: 'DELETE', template: '/admin/tokens/:username' }, { method: 'GET', template: '/api/v1/topics' },
  { method: 'GET', template: '/api/v1/topics/:topic' }, { method: 'GET', template: '/api/v1/brokers' },
  { method: 'GET', template: '/api/v1/brokers/:broker' }, { method: 'GET', template: '/api/v1/offsets/:topic/:partition' },
  ...[1, 2].flatMap((v) => [
    { method: 'POST', template: `/api/v${v}/messages/:topic` }, { method: 'POST', template: `/api/v${v}/messages/:topic/:partition` },
    { method: 'GET', template: `/api/v${v}/messages/:topic/:partition` }, { method: 'GET', template: `/api/v${v}/messages/:topic/:partition/:offset` },
    { method: 'GET', template: `/api/v${v}/consumers` }, { method: 'GET', template: `/api/v${v}/consumers/:group_id` }
  ]),
  { method: 'GET', template: '/api/v1/urp' }, { method: 'GET', template: '/api/v1/urp/:topic' }, { method: 'GET', template: '/metrics' },
  { method: 'POST', template: '/api/v2/batch/:topic' }, { method: 'POST', template: '/api/v2/batch/:topic/:partition' },
  { method: 'GET', template: '/api/v2/produce/:topic' }, { method: 'GET', template: '/api/v2/stream/:topic/:partition' },
  { method: 'GET', template: '/health' }, { method: 'GET', template: '/ready' }, { method: 'GET', template: '/openapi.json' }
]

const QUERY_PARAMS = ['offset', 'max_wait_time', 'min_bytes', 'max_bytes', 'at', 'key', 'access_token', 'partition', '_method', '_format', 'x']

/** The request's bytes: head (with `content-length` when there is a body), then the body. */
export function serialize (request: FuzzRequest): Buffer[] {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'host: 127.0.0.1', ...request.headers.map(([name, value]) => `${name}: ${value}`)]
  if (request.body !== undefined) lines.push(`content-length: ${request.body.length}`)
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
  return request.body === undefined || request.body.length === 0 ? [head] : [head, request.body]
}

/** Builds requests from one seeded generator. */
export class RequestGenerator {
  constructor (private readonly rng: Prng, private readonly topology: Topology) {}

  /** A junk request; `allowAuth` false keeps authorization headers and tokens out (their rate budget is spent). */
  junk (allowAuth: boolean): FuzzRequest {
    const rng = this.rng
    const kind = rng.weighted<string>([[30, 'path'], [30, 'param'], [20, 'header'], [12, 'body'], [4, 'method'], [allowAuth ? 4 : 0, 'token']])
    const route = rng.pick(ROUTES)
    const real = rng.pick(this.topology.topics)
    let expect = 'none' as Expectation
    let waitMs = 0
    const mistake = (): void => { if (expect === 'none') expect = 'client-mistake' }
    const params: Record<string, string> = {
      topic: rng.chance(0.6) ? real.name : topicLike(rng, rng.int(1, 30)),
      partition: String(rng.int(0, real.partitions)),
      offset: rng.pick(['earliest', 'latest', 'last', '-1', '-2', '0', '1', String(rng.int(0, 1e6))]),
      broker: String(rng.int(0, 3)),
      group_id: rng.chance(0.5) ? 'fuzz-group' : topicLike(rng, rng.int(1, 40)),
      username: rng.pick(['admin', 'nobody', topicLike(rng, 8)])
    }
    const query: Array<[string, string]> = []
    const headers: Array<[string, string]> = []
    let method = route.method
    let body: Buffer | undefined
    const isFetch = route.method === 'GET' && route.template.includes('/messages/')
    const isProduce = route.method === 'POST' && /messages|batch/.test(route.template)

    if (kind === 'path') {
      const names = route.template.split('/').filter((s) => s.startsWith(':')).map((s) => s.slice(1))
      const name = names.length > 0 ? rng.pick(names) : undefined
      if (name !== undefined) {
        const junk = junkSegment(rng)
        params[name] = junk
        if ((name === 'topic' && illegalTopic(junk)) || (name === 'group_id' && illegalGroup(junk))) mistake()
        if (name === 'partition' && !wellFormedInteger(junk, -(2 ** 63), 2 ** 31 - 1)) mistake()
        if (name === 'broker' && !wellFormedInteger(junk, 0, 2 ** 31 - 1)) mistake()
        if (name === 'offset' && !OFFSET_WORDS.has(junk) && !wellFormedInt64(junk)) mistake()
      } else {
        params.extra = junkSegment(rng)
      }
    } else if (kind === 'param') {
      if (isFetch) {
        const name = rng.pick(['max_wait_time', 'min_bytes', 'max_bytes', 'offset', 'partition'])
        const junk = junkInteger(rng)
        if (name === 'partition') params.partition = junk
        else query.push([name, junk])
        const ranges: Record<string, [number, number]> = { max_wait_time: [0, 60_000], min_bytes: [0, 2 ** 31 - 1], partition: [-(2 ** 63), 2 ** 31 - 1] }
        const range = ranges[name]
        if (range !== undefined && !wellFormedInteger(junk, range[0], range[1])) mistake()
        if (name === 'max_bytes' && !(wellFormedInt64(junk) && BigInt(decodeSegment(junk) as string) >= 1n)) mistake()
        if (name === 'offset' && route.template.endsWith(':offset')) expect = 'none' // the path's offset wins
        else if (name === 'offset' && !wellFormedInt64(junk)) mistake()
        const readFromQuery = name !== 'partition' && !(name === 'offset' && route.template.endsWith(':offset'))
        if (readFromQuery && rng.chance(0.1)) { query.push([name, '1']); mistake() } // given twice
      } else if (route.template.includes('offsets')) {
        const junk = junkInteger(rng)
        query.push(['at', junk])
        if (!wellFormedInt64(junk) && !OFFSET_WORDS.has(junk)) mistake()
      } else if (route.template.includes('brokers/')) {
        params.broker = junkInteger(rng)
        if (!wellFormedInteger(params.broker, 0, 2 ** 31 - 1)) mistake()
      } else if (route.template.includes('consumers/')) {
        params.group_id = rng.pick(['%00', 'a%00b', 'g'.repeat(256), 'g'.repeat(255), '%C3%A9'.repeat(128), '%C3%A9'.repeat(127) + 'g', '%20', '..', '*', '%FF'])
        if (illegalGroup(params.group_id)) mistake()
      } else if (isProduce) {
        query.push(['key', rng.pick(['', '%FF%00%FE', 'k'.repeat(rng.int(1, 8000)), '%00', '+', '%ZZ', highBytes(rng, 10), rng.bytes(50).toString('base64url')])])
        if (rng.chance(0.2)) query.push(['partition', junkInteger(rng)])
      } else {
        query.push([rng.pick(QUERY_PARAMS), junkSegment(rng)])
      }
      if (rng.chance(0.2)) query.push([rng.pick(QUERY_PARAMS), rng.pick(['', '=', '&', '%', '%ZZ', junkInteger(rng)])])
    } else if (kind === 'header') {
      const which = rng.int(0, 6)
      if (which === 0) headers.push(['accept', junkAccept(rng)])
      else if (which === 1) headers.push(['x-message-headers', junkMessageHeaders(rng)])
      else if (which === 2) headers.push(['x-request-id', junkRequestId(rng)])
      else if (which === 3) for (let i = rng.chance(0.02) ? rng.int(47, 300) : rng.int(2, 40); i > 0; i--) headers.push([`x-h${i}`, 'v'.repeat(rng.int(0, 100))])
      else if (which === 4) headers.push(['x-big', 'b'.repeat(rng.pick([1000, 8000, 30_000, 60_000, 70_000]))])
      else if (which === 5) {
        const key = junkIdempotencyKey(rng)
        headers.push(['idempotency-key', key.value])
        if (rng.chance(0.1)) headers.push(['idempotency-key', key.value])
        if (isProduce && (!key.valid || headers.filter(([name]) => name === 'idempotency-key').length > 1)) mistake()
      } else headers.push(['cookie', highBytes(rng, rng.int(1, 200))], ['origin', rng.pick(['null', 'http://evil', FUZZ_CORS_ORIGIN, 'HTTP://X', `${FUZZ_CORS_ORIGIN}/`, highBytes(rng, 5)])])
      if (rng.chance(0.1)) headers.push(['origin', FUZZ_CORS_ORIGIN])
    } else if (kind === 'body') {
      method = rng.chance(0.8) ? 'POST' : route.method
      const size = rng.weighted<number>([[80, -1], [10, rng.int(BROKER_RECORD_LIMIT + 1, 2_000_000)], [3, rng.int(MAX_BODY_BYTES + 1, MAX_BODY_BYTES + 200_000)]])
      body = size < 0 ? junkBody(rng) : Buffer.alloc(size, 0x61)
      if (size > MAX_BODY_BYTES && method === 'POST' && (isProduce || route.template === '/login')) expect = 'body-over-limit'
      else if (size > BROKER_RECORD_LIMIT && isProduce && !route.template.includes('batch') && params.topic === real.name && method === 'POST' &&
        Number(params.partition) < real.partitions) expect = 'record-too-large'
      headers.push(['content-type', rng.pick(CONTENT_TYPES)])
    } else if (kind === 'method') {
      method = rng.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'FOO', 'get', 'Post', 'HEAD', 'PROPFIND', 'M'.repeat(rng.int(1, 200))])
      if (method === 'OPTIONS' && rng.chance(0.5)) headers.push(['origin', rng.pick([FUZZ_CORS_ORIGIN, 'http://evil'])], ['access-control-request-method', rng.pick(['GET', 'POST', 'BREW'])])
    } else {
      headers.push(['authorization', junkAuthorization(rng)])
      if (rng.chance(0.2)) headers.push(['authorization', junkAuthorization(rng)])
      if (rng.chance(0.2)) query.push(['access_token', forgedToken(rng)])
    }

    if (isFetch) {
      const wait = rng.pick([0, 0, 10, 100, 500])
      if (!query.some(([name]) => name === 'max_wait_time')) query.push(['max_wait_time', String(wait)])
      const raw = query.find(([name]) => name === 'max_wait_time')?.[1] ?? '0'
      waitMs = wellFormedInteger(raw, 0, 60_000) ? Number(decodeSegment(raw)) : 0
      // A long valid wait (up to 60000) is sent for a topic that does not exist: validated, then a 404 without the wait.
      if (waitMs > 2000) {
        params.topic = `no-such-${topicLike(rng, 8)}`
        waitMs = 0
      }
    }
    if (expect === 'client-mistake' && route.template.split('/').some((s) => s.startsWith(':') && /^$|^\.{1,2}$|[/?#]/.test(params[s.slice(1)] as string))) expect = 'none' // the path's shape changed
    const path = route.template.split('/').map((s) => s.startsWith(':') ? params[s.slice(1)] as string : s).join('/') +
      (params.extra !== undefined ? `/${params.extra}` : '')
    const target = path + (query.length > 0 ? '?' + query.map(([n, v]) => `${n}=${v}`).join('&') : '')
    if (body === undefined && isProduce && rng.chance(0.7)) body = Buffer.from(`fuzz-${rng.int(0, 1e9)}`)
    const auth = headers.some(([name]) => name === 'authorization') || query.some(([name]) => name === 'access_token') || route.template === '/login'
    if (route.template === '/login' && body === undefined) body = junkBody(rng)
    return { category: kind, method, target, headers, body, waitMs, expect, auth }
  }
}
