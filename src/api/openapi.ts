// GET /openapi.json (SPEC §10.7): the OpenAPI 3.1 document of the whole contract, built once at start.
// Every operation is the §3 route table row with its §4–§10 parameters, headers and answers; what every
// route shares (errors, the headers of every answer, authentication) is added by `operation`.
import type { Route } from '../http/router.js'
import { ref, SCHEMAS, type Schema } from './openapi-schemas.js'

export type HttpMethod = 'get' | 'post' | 'delete'

/** The version of the document: the package's (a unit test holds them equal). */
export const DOCUMENT_VERSION = '0.1.0'

interface Reference { readonly $ref: string }
interface MediaType { readonly schema: Schema, readonly example?: unknown }
interface HeaderObject { readonly description: string, readonly schema: Schema }
interface ResponseObject {
  readonly description: string
  readonly headers?: Readonly<Record<string, Reference>>
  readonly content?: Readonly<Record<string, MediaType>>
}
interface Parameter {
  readonly name: string
  readonly in: 'path' | 'query' | 'header'
  readonly required?: boolean
  readonly description: string
  readonly schema: Schema
}
interface RequestBody { readonly description: string, readonly required: boolean, readonly content: Readonly<Record<string, MediaType>> }
/** The §3 "Action" and "Scope" columns. */
export interface Permission { readonly action: string, readonly scope: 'bool' | 'topic' | 'path text' | 'group_id', readonly only?: string }

export interface Operation {
  readonly operationId: string
  readonly summary: string
  readonly description: string
  readonly tags: readonly string[]
  readonly parameters: ReadonlyArray<Parameter | Reference>
  readonly requestBody?: RequestBody
  readonly responses: Readonly<Record<string, ResponseObject | Reference>>
  readonly security: ReadonlyArray<Readonly<Record<string, readonly string[]>>>
  readonly 'x-kastlex-permission'?: Permission
  readonly 'x-kastlex-websocket'?: true
}

// ---- headers -------------------------------------------------------------------------------------------

const header = (description: string, schema: Schema = { type: 'string' }): HeaderObject => ({ description, schema })
const HEADERS = {
  'x-request-id': header('The request\'s `x-request-id` when it was 1–200 characters in 0x21–0x7E, else a random id (≥ 20 characters, base64url) (SPEC §2.2)'),
  'cache-control': header('`max-age=0, private, must-revalidate`'),
  'access-control-allow-origin': header('CORS (SPEC §10.3), only with KASTLEX_CORS_ORIGINS and an allowed `Origin`: the origin, or `*`'),
  vary: header('`Origin`, with access-control-allow-origin'),
  'access-control-expose-headers': header('With access-control-allow-origin: the x-* headers of this document, `retry-after` and `idempotent-replayed`'),
  'www-authenticate': header('`Bearer`'),
  'retry-after': header('Seconds until a retry may succeed (≥ 1)', { type: 'integer', minimum: 1 }),
  'x-kafka-partition': header('The partition the record was written to', { type: 'integer' }),
  'x-message-offset': header('Produce: the record\'s offset; -1 when Kafka acknowledged it without one (acks 0; README, Known limits). Binary fetch: the record\'s offset', { type: 'integer', format: 'int64' }),
  'x-high-wm-offset': header('The partition\'s high watermark', { type: 'integer', format: 'int64' }),
  'idempotent-replayed': header('`true` when this is the kept answer of an earlier request with the same Idempotency-Key (SPEC §10.6)', { const: 'true' }),
  'x-message-headers': header('Binary fetch with a record: its headers as JSON object text, every non-ASCII or control character escaped `\\uXXXX`; `{}` when none'),
  'x-message-headers-encoding': header('Binary fetch: `{"<name>":"base64"}` for header values that are not UTF-8; absent when none'),
  'x-message-ts': header('Binary fetch with a record: timestamp in ms, or `nil`'),
  'x-message-ts-type': header('Binary fetch with a record: `:create`, `:append` or `nil`'),
  'content-security-policy': header('`default-src \'none\'; script-src \'unsafe-inline\'; style-src \'unsafe-inline\'; connect-src \'self\'; img-src data:; base-uri \'none\'; frame-ancestors \'none\'`'),
  'x-message-key': header('Binary fetch with a non-empty key: the key bytes, bytes outside `A–Z a–z 0–9 - . _ ~` as `%XX` (uppercase)')
} as const satisfies Readonly<Record<string, HeaderObject>>
type HeaderName = keyof typeof HEADERS

const headerRefs = (names: readonly HeaderName[]): Readonly<Record<string, Reference>> =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]))
/** On every answer (the CORS ones when configured). */
const EVERY_ANSWER: readonly HeaderName[] = ['x-request-id', 'cache-control', 'access-control-allow-origin', 'vary', 'access-control-expose-headers']

// ---- answers -------------------------------------------------------------------------------------------

const JSON_TYPE = 'application/json'
const answer = (description: string, content?: Readonly<Record<string, MediaType>>, headers: readonly HeaderName[] = []): ResponseObject =>
  ({ description, headers: headerRefs([...EVERY_ANSWER, ...headers]), ...(content === undefined ? {} : { content }) })
const json = (description: string, schema: Schema, headers: readonly HeaderName[] = []): ResponseObject =>
  answer(description, { [JSON_TYPE]: { schema } }, headers)
/** An error answer: `{"error": …}` with the messages this route gives for the status. */
const error = (description: string, headers: readonly HeaderName[] = []): ResponseObject => json(description, ref('Error'), headers)
const shared = (name: keyof typeof RESPONSES): Reference => ({ $ref: `#/components/responses/${name}` })

const RESPONSES = {
  NotAcceptable: error('`not acceptable`: nothing in `Accept` is acceptable (SPEC §2.5)'),
  Unauthenticated: error('`Unauthenticated`: a token was presented and is not acceptable (SPEC §6.1)', ['www-authenticate']),
  Forbidden: error('`Unauthorized`: permission denied (SPEC §6.4); also for the token storage topic on every message, batch, stream and offsets route'),
  TooManyAuthFailures: error('`too many authentication failures` from this client address (SPEC §10.6a)', ['retry-after']),
  PayloadTooLarge: error('`request body too large`: the body is over the limit'),
  HeadersTooLarge: error('`request header fields too large`: more than 64 KiB of request headers'),
  Internal: error('`internal server error`: a gateway fault (logged with the request id)'),
  Unavailable: error('Kafka failure named per SPEC §2.6 (`timeout`, `broker_not_available`, `leader_not_available`, …), `token store not ready`, `overloaded` (with retry-after) or `stopping`', ['retry-after']),
  OffsetOutOfRange: json('`offset_out_of_range` (SPEC §5)', ref('OffsetOutOfRange'))
} as const satisfies Readonly<Record<string, ResponseObject>>

// ---- parameters ----------------------------------------------------------------------------------------

const INT32_MAX = 2 ** 31 - 1
const param = (name: string, where: Parameter['in'], description: string, schema: Schema): Parameter =>
  ({ name, in: where, ...(where === 'path' ? { required: true } : {}), description, schema })
const OFFSET_TEXT: Schema = { type: 'string', pattern: '^(-?[0-9]+|earliest|latest|last)$' }
const PARAMETERS = {
  topic: param('topic', 'path', 'Topic name; outside `[A-Za-z0-9._-]{1,249}` it cannot exist (404)', { type: 'string' }),
  partition: param('partition', 'path', 'Integer (SPEC §2.3); a well-formed negative partition does not exist (404)', { type: 'integer', maximum: INT32_MAX }),
  offsetPath: param('offset', 'path', 'Exact offset `n`, `-n` from the end, `last` (= `-1`), `latest`, `earliest` (SPEC §5)', OFFSET_TEXT),
  offsetQuery: param('offset', 'query', 'As the path segment, used when the path has none; default `last`', OFFSET_TEXT),
  streamOffset: param('offset', 'query', 'Where the stream starts (SPEC §5); default `latest`; `last` on an empty partition starts at L', OFFSET_TEXT),
  maxWaitTime: param('max_wait_time', 'query', 'Long-poll wait, ms', { type: 'integer', minimum: 0, maximum: 60000, default: 1000 }),
  minBytes: param('min_bytes', 'query', 'Answer once this many bytes are available (above max_bytes: max_bytes)', { type: 'integer', minimum: 0, maximum: INT32_MAX, default: 1 }),
  maxBytes: param('max_bytes', 'query', 'Byte budget of key + value + header bytes (the first record always comes); above KASTLEX_FETCH_MAX_BYTES_LIMIT lowered to it', { type: 'integer', minimum: 1, default: 102400 }),
  key: param('key', 'query', 'Record key: the percent-decoded bytes (any bytes, e.g. `%FF`); absent or empty = null key', { type: 'string' }),
  at: param('at', 'query', '`latest` (default), `earliest`, `last`/`-1`, `-n`, or a timestamp in ms `n` ≥ 0 (first offset whose timestamp ≥ n, else -1) (SPEC §5)', OFFSET_TEXT),
  broker: param('broker', 'path', 'Broker id', { type: 'integer', minimum: 0, maximum: INT32_MAX }),
  groupId: param('group_id', 'path', 'Consumer group id', { type: 'string' }),
  username: param('username', 'path', 'User name', { type: 'string' }),
  accessToken: param('access_token', 'query', 'The token, for clients that cannot send `authorization` (browsers opening a WebSocket or EventSource)', { type: 'string' }),
  requestId: param('x-request-id', 'header', 'Echoed when 1–200 characters in 0x21–0x7E (SPEC §2.2)', { type: 'string', minLength: 1, maxLength: 200 }),
  messageHeaders: param('x-message-headers', 'header', 'One line: a JSON object of record headers. Strings verbatim; numbers and booleans as their JSON text (`1.50` → `1.5`); `null` → null; arrays/objects as compact JSON text; last duplicate wins; written sorted by name (SPEC §4.7)', { type: 'string' }),
  idempotencyKey: param('Idempotency-Key', 'header', '1–255 characters in 0x21–0x7E. A repeat with the same key and request within KASTLEX_IDEMPOTENCY_TTL_S gets the kept 2xx answer plus `idempotent-replayed: true` and writes nothing; the same key with another request → 422 (SPEC §10.6)', { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' }),
  lastEventId: param('last-event-id', 'header', 'SSE: resume after this offset (start at n + 1); overrides `offset`', { type: 'integer', format: 'int64' }),
  upgrade: param('upgrade', 'header', '`websocket` for a WebSocket handshake (RFC 6455, with `connection: upgrade`, `sec-websocket-key`, `sec-websocket-version: 13`)', { type: 'string' })
} as const satisfies Readonly<Record<string, Parameter>>
type ParameterName = keyof typeof PARAMETERS
const params = (...names: ParameterName[]): Reference[] => names.map((name) => ({ $ref: `#/components/parameters/${name}` }))

// ---- operations ----------------------------------------------------------------------------------------

const BEARER = { bearer: [] }
const ANONYMOUS = {}
const ACCESS_TOKEN = { access_token: [] }

interface OperationSpec {
  readonly summary: string
  readonly description: string
  readonly tag: string
  /** The §2.5 `Accept` negotiation (406 possible). */
  readonly negotiated: boolean
  readonly permission?: Permission
  /** The token may also come as the `access_token` query parameter (stream routes). */
  readonly queryToken?: boolean
  readonly websocket?: true
  readonly parameters?: ReadonlyArray<Parameter | Reference>
  readonly requestBody?: RequestBody
  /** A body is read: 413, and 503 `overloaded`. */
  readonly readsBody?: boolean
  /** Kafka is called: 503 by error name (SPEC §2.6). */
  readonly kafka?: boolean
  readonly responses: Readonly<Record<string, ResponseObject | Reference>>
}

/** e.g. `getApiV1MessagesTopicPartition`. */
const operationId = (method: HttpMethod, path: string): string =>
  method + path.split(/[^A-Za-z0-9]+/).filter((word) => word !== '').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')

/** An operation with what every route of its kind shares (SPEC §4 preamble): 406, 401/403/429/503, 413, 431, 500. */
function operation (method: HttpMethod, path: string, spec: OperationSpec): Operation {
  const { permission } = spec
  const responses: Record<string, ResponseObject | Reference> = { ...spec.responses }
  const add = (status: string, response: ResponseObject | Reference): void => { responses[status] ??= response }
  if (spec.negotiated) add('406', shared('NotAcceptable'))
  if (permission !== undefined) {
    add('401', shared('Unauthenticated'))
    add('403', shared('Forbidden'))
    add('429', shared('TooManyAuthFailures'))
  }
  if (spec.readsBody === true) add('413', shared('PayloadTooLarge'))
  add('431', shared('HeadersTooLarge'))
  add('500', shared('Internal'))
  if (permission !== undefined || spec.kafka === true || spec.readsBody === true) add('503', shared('Unavailable'))
  const security = permission === undefined ? [] : [BEARER, ...(spec.queryToken === true ? [ACCESS_TOKEN] : []), ANONYMOUS]
  const granted = permission === undefined
    ? 'No authentication.'
    : `Permission: \`${permission.action}\` (${permission.scope === 'bool' ? 'boolean' : `scoped by ${permission.scope}`})${permission.only === undefined ? '' : `, ${permission.only}`}; without a token the anonymous permissions apply.`
  return {
    operationId: operationId(method, path),
    summary: spec.summary,
    description: `${spec.description}\n\n${granted}`,
    tags: [spec.tag],
    parameters: [...(spec.parameters ?? []), ...params('requestId')],
    ...(spec.requestBody === undefined ? {} : { requestBody: spec.requestBody }),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
    security,
    ...(permission === undefined ? {} : { 'x-kastlex-permission': permission }),
    ...(spec.websocket === undefined ? {} : { 'x-kastlex-websocket': spec.websocket })
  }
}

const topicPermission = (action: string): Permission => ({ action, scope: 'topic' })
const bool = (action: string): Permission => ({ action, scope: 'bool' })
const RAW = { schema: { type: 'string', contentMediaType: 'application/octet-stream' } }
const UNKNOWN_TOPIC = '`unknown_topic_or_partition`: unknown topic, or partition outside 0…count−1'

/** The two forms of a `[/:x]` route (SPEC §3): without and with the segment. */
const optionalSegment = (path: string, segment: string, build: (withSegment: boolean) => OperationSpec, method: HttpMethod = 'get'): Array<[string, HttpMethod, Operation]> => [
  [path, method, operation(method, path, build(false))],
  [`${path}/{${segment}}`, method, operation(method, `${path}/{${segment}}`, build(true))]
]
const versions = (build: (version: 1 | 2) => Array<[string, HttpMethod, Operation]>): Array<[string, HttpMethod, Operation]> => [...build(1), ...build(2)]

const produce = (version: 1 | 2): Array<[string, HttpMethod, Operation]> => optionalSegment(`/api/v${version}/messages/{topic}`, 'partition', (explicit) => ({
  summary: explicit ? 'Produce one record to a partition' : 'Produce one record',
  description: 'The raw body is the record value whatever its content type (empty = null value, a tombstone). ' +
    (explicit ? 'Written to the given partition.' : 'Placed by murmur2 of the key like the Java client (`(murmur2(key) & 0x7fffffff) % partitions`); a null key at random.') +
    ' Answered once Kafka acknowledged (acks from KASTLEX_PRODUCER_REQUIRED_ACKS), within KASTLEX_PRODUCE_TIMEOUT_MS (503 `timeout`). Timestamp: CreateTime from the gateway clock.',
  tag: 'messages',
  negotiated: true,
  permission: topicPermission('produce'),
  parameters: [...params('topic', ...(explicit ? ['partition'] as const : []), 'key', 'messageHeaders', 'idempotencyKey')],
  requestBody: { description: 'The record value, raw bytes (≤ KASTLEX_MAX_BODY_BYTES); `application/binary` is conventional', required: false, content: { 'application/binary': RAW, '*/*': RAW } },
  readsBody: true,
  kafka: true,
  responses: {
    204: answer('Acknowledged by Kafka (or the kept answer of an Idempotency-Key repeat)', undefined, ['x-kafka-partition', 'x-message-offset', 'idempotent-replayed']),
    400: error('`invalid partition`, `invalid key`, `invalid x-message-headers: <detail>`, `invalid idempotency-key`; `invalid_record` / `corrupt_message` from Kafka (e.g. a keyless record on a compacted topic)'),
    404: error(UNKNOWN_TOPIC),
    413: error('`request body too large`, or `message_too_large` / `record_list_too_large` from Kafka'),
    422: error('`idempotency key reused with a different request`')
  }
}), 'post')

const BINARY_HEADERS: readonly HeaderName[] = ['x-high-wm-offset', 'x-message-offset', 'x-message-headers', 'x-message-headers-encoding', 'x-message-ts', 'x-message-ts-type', 'x-message-key']
const fetch = (version: 1 | 2): Array<[string, HttpMethod, Operation]> => optionalSegment(`/api/v${version}/messages/{topic}/{partition}`, 'offset', (inPath) => ({
  summary: `Fetch records (${version === 1 ? 'v1 envelope' : 'v2 array'}, or the first record as binary)`,
  description: 'Records at offsets ≥ the resolved offset (SPEC §5), in order, isolation read_committed, without control or aborted records; Kafka long-poll semantics (answer once min_bytes are available or max_wait_time passed). ' +
    'Negotiated (SPEC §2.5): `application/json` (default), or `application/binary` / `application/octet-stream`: the first record only, its value as the body (empty for a null value; no record: empty body and no x-message-* headers) and its metadata in the x-message-* headers.',
  tag: 'messages',
  negotiated: true,
  permission: topicPermission('fetch'),
  parameters: params('topic', 'partition', ...(inPath ? ['offsetPath'] as const : ['offsetQuery'] as const), 'maxWaitTime', 'minBytes', 'maxBytes'),
  kafka: true,
  responses: {
    200: answer('The records', {
      [JSON_TYPE]: { schema: ref(version === 1 ? 'MessagesV1' : 'MessagesV2') },
      'application/binary': RAW,
      'application/octet-stream': RAW
    }, BINARY_HEADERS),
    400: error('`invalid partition`, `invalid offset`, `invalid max_wait_time`, `invalid min_bytes`, `invalid max_bytes`'),
    404: error(UNKNOWN_TOPIC),
    416: shared('OffsetOutOfRange')
  }
}))

const BATCH_BODY: RequestBody = {
  description: 'Records (≤ KASTLEX_MAX_BODY_BYTES, ≤ KASTLEX_BATCH_MAX_RECORDS records). All-or-nothing validation: nothing is produced unless every record is valid.',
  required: true,
  content: {
    'application/x-ndjson': { schema: { type: 'string', description: 'One BatchRecord JSON object per non-blank line' }, example: '{"key":"k","value":"hello"}\n{"value":"YWJj","value_encoding":"base64"}\n' },
    [JSON_TYPE]: { schema: { type: 'array', items: ref('BatchRecord') } },
    'application/vnd.kastlex.batch': {
      schema: {
        type: 'string',
        contentMediaType: 'application/vnd.kastlex.batch',
        description: 'Binary batch: a sequence of records, each `key length` (int32 big-endian; -1 = null key) · key bytes · `value length` (int32 big-endian; -1 = null value) · value bytes. x-message-headers applies to every record.'
      }
    }
  }
}
const batch = (): Array<[string, HttpMethod, Operation]> => optionalSegment('/api/v2/batch/{topic}', 'partition', (explicit) => ({
  summary: explicit ? 'Produce many records to a partition' : 'Produce many records',
  description: 'SPEC §10.4. Placement as the single-record route' + (explicit ? '; every record goes to the path\'s partition (a record\'s own `partition` must be absent or equal).' : ' (a record\'s `partition` member, else murmur2 of its key, else random).') +
    ' Records to the same partition keep request order. Answered once every record has an outcome (≤ KASTLEX_PRODUCE_TIMEOUT_MS).',
  tag: 'messages',
  negotiated: true,
  permission: topicPermission('produce'),
  parameters: params('topic', ...(explicit ? ['partition'] as const : []), 'messageHeaders', 'idempotencyKey'),
  requestBody: BATCH_BODY,
  readsBody: true,
  kafka: true,
  responses: {
    200: json('One result per record, in request order', ref('BatchResults'), ['idempotent-replayed']),
    400: error('`invalid body: empty`, `invalid body: <detail>`, `invalid record <i>: <detail>`, `invalid partition`, `invalid x-message-headers: <detail>`, `invalid idempotency-key`'),
    404: error(`${UNKNOWN_TOPIC}; nothing produced`),
    413: error('`request body too large`, or `too many records` (over KASTLEX_BATCH_MAX_RECORDS)'),
    415: error('`unsupported media type`'),
    422: error('`idempotency key reused with a different request`')
  }
}), 'post')

/** What refuses a stream's handshake besides 400 (SPEC §10.4a, §10.5: ordinary HTTP answers). */
const STREAM_REFUSALS = {
  404: error(UNKNOWN_TOPIC),
  503: error('`too many streams` (over KASTLEX_STREAM_MAX_CLIENTS), `token store not ready`, or a Kafka error name')
}
const produceStream = (): Array<[string, HttpMethod, Operation]> => optionalSegment('/api/v2/produce/{topic}', 'partition', (explicit) => ({
  summary: 'Produce stream (WebSocket)',
  description: 'WebSocket (RFC 6455) only; this describes its HTTP handshake (SPEC §10.4a). Permission and topic are checked before the upgrade. ' +
    'Each binary frame carries records in the binary batch framing (application/vnd.kastlex.batch); frame n (from 0) is answered by one text frame `ProduceStreamAnswer` `{"seq":n,"results":[…]}`, in frame order; invalid framing → `{"seq":n,"error":"invalid body: <detail>","status":400}` and the stream goes on. Text frames → close 1003. ' +
    'At most KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT records unanswered per connection (reads pause beyond). Token expiry, revocation or a reload removing `produce` → close 1008; stop → close 1001.' +
    (explicit ? ' Every record goes to the path\'s partition.' : ''),
  tag: 'streams',
  negotiated: true,
  permission: topicPermission('produce'),
  queryToken: true,
  websocket: true,
  parameters: params('topic', ...(explicit ? ['partition'] as const : []), 'upgrade', 'accessToken'),
  kafka: true,
  responses: {
    101: answer('Switching Protocols: the WebSocket is open'),
    400: error('`invalid partition`'),
    ...STREAM_REFUSALS,
    426: error('`upgrade required`: not a WebSocket handshake')
  }
}))

const consumeStream = (): Operation => operation('get', '/api/v2/stream/{topic}/{partition}', {
  summary: 'Consume stream (Server-Sent Events or WebSocket)',
  description: 'SPEC §10.5. A WebSocket handshake (`upgrade: websocket`) → 101 and one text frame per record (a Message), ping every 15 s, terminal failure: frame `{"error":"<name>"}`, close 1011. ' +
    'Otherwise Server-Sent Events when `text/event-stream` has quality > 0 in `Accept` (absent or `*/*` counts), else 406: per record `id: <offset>`, `event: message`, `data: <Message JSON>`; `: keepalive` after 15 s idle; terminal failure `event: error` with `data: {"error":"<name>"}`. ' +
    'Records in offset order, read_committed, as GET /api/v2/messages reads them (a long poll from the next offset). ≤ 1 MiB unsent per stream (fetching pauses until the socket drains; nothing is dropped). Client frames are ignored. ' +
    'The stream ends when the token expires, is revoked or loses `fetch`, checked every 5 s (SSE error `Unauthenticated`/`Unauthorized`; WebSocket close 1008); on the graceful stop WebSocket streams close 1001 and SSE responses end. Never 426: a request that is no handshake is SSE or 406.',
  tag: 'streams',
  negotiated: true,
  permission: topicPermission('fetch'),
  queryToken: true,
  websocket: true,
  parameters: params('topic', 'partition', 'streamOffset', 'lastEventId', 'upgrade', 'accessToken'),
  kafka: true,
  responses: {
    101: answer('Switching Protocols: the WebSocket is open'),
    200: answer('The event stream (`cache-control: no-cache`)', { 'text/event-stream': { schema: { type: 'string', description: '`id: <offset>\\nevent: message\\ndata: <Message JSON>\\n\\n` per record' } } }),
    400: error('`invalid partition`, `invalid offset`, `invalid last-event-id`'),
    ...STREAM_REFUSALS,
    416: shared('OffsetOutOfRange')
  }
})

const get = (path: string, spec: OperationSpec): Array<[string, HttpMethod, Operation]> => [[path, 'get', operation('get', path, spec)]]
const BROKER_CACHE = 'From the metadata cache (refreshed every 30 s); 503 `broker_not_available` until metadata was ever obtained.'

const OPERATIONS: ReadonlyArray<[string, HttpMethod, Operation]> = [
  ...get('/', {
    summary: 'Dashboard',
    description: 'SPEC §10.8: one self-contained HTML page (topics, brokers, consumer groups; login form), with a restrictive content-security-policy. Accepts iff `text/html` has quality > 0 in `Accept` or `Accept` is absent.',
    tag: 'operations',
    negotiated: true,
    responses: { 200: answer('The page (`text/html; charset=utf-8`)', { 'text/html': { schema: { type: 'string' } } }, ['content-security-policy']) }
  }),
  ['/login', 'post', operation('post', '/login', {
    summary: 'Log in: a token for username and password',
    description: 'SPEC §4.1. Credentials from the body only. Rate limited per client address and per username (KASTLEX_LOGIN_*). Every failure costs one bcrypt comparison.',
    tag: 'auth',
    negotiated: true,
    requestBody: {
      description: 'username and password, ≤ 64 KiB',
      required: true,
      content: {
        'application/x-www-form-urlencoded': { schema: ref('Credentials') },
        'multipart/form-data': { schema: ref('Credentials') },
        [JSON_TYPE]: { schema: ref('Credentials') }
      }
    },
    readsBody: true,
    responses: {
      200: json('The token', ref('Token')),
      400: error('`invalid body`, `invalid username: missing`, `invalid password: missing`, `invalid username`, `invalid password`'),
      401: error('`invalid username or password`'),
      429: error('`too many login attempts`', ['retry-after']),
      503: error('With token storage: the record could not be written (Kafka error name), no token; or `overloaded` (with retry-after)', ['retry-after'])
    }
  })],
  ...get('/admin/reload', {
    summary: 'Reload the users files',
    description: 'SPEC §4.2: re-reads and validates permissions.yml and passwd.yml and swaps the users table atomically.',
    tag: 'admin',
    negotiated: true,
    permission: bool('reload'),
    responses: { 204: answer('Reloaded'), 400: error('A file is invalid: the message names file, user and key; the previous table stays') }
  }),
  ['/admin/tokens/{username}', 'delete', operation('delete', '/admin/tokens/{username}', {
    summary: 'Revoke a user\'s token',
    description: 'SPEC §4.3: writes a tombstone for `user:<username>` to the token topic.',
    tag: 'admin',
    negotiated: true,
    permission: bool('revoke'),
    parameters: params('username'),
    kafka: true,
    responses: { 204: answer('Revoked (also when there was no token or no such user)'), 501: error('`token storage disabled`') }
  })],
  ...get('/api/v1/topics', {
    summary: 'List topics',
    description: `All topic names, internal ones included. ${BROKER_CACHE}`,
    tag: 'metadata',
    negotiated: true,
    permission: bool('list_topics'),
    kafka: true,
    responses: { 200: json('Topic names', ref('Names')) }
  }),
  ...get('/api/v1/topics/{topic}', {
    summary: 'Show a topic',
    description: `Partitions, leaders, replicas, ISR and topic-level config. ${BROKER_CACHE} A topic not in the cache gets one live lookup before 404.`,
    tag: 'metadata',
    negotiated: true,
    permission: topicPermission('show_topic'),
    parameters: params('topic'),
    kafka: true,
    responses: { 200: json('The topic', ref('Topic')), 404: error('`Unknown topic`') }
  }),
  ...get('/api/v1/brokers', {
    summary: 'List brokers',
    description: BROKER_CACHE,
    tag: 'metadata',
    negotiated: true,
    permission: bool('list_brokers'),
    kafka: true,
    responses: { 200: json('Brokers', ref('Brokers')) }
  }),
  ...get('/api/v1/brokers/{broker}', {
    summary: 'Show a broker',
    description: BROKER_CACHE,
    tag: 'metadata',
    negotiated: true,
    permission: { action: 'show_broker', scope: 'path text' },
    parameters: params('broker'),
    kafka: true,
    responses: { 200: json('The broker', ref('Broker')), 400: error('`invalid broker`'), 404: error('`unknown broker id`') }
  }),
  ...get('/api/v1/offsets/{topic}/{partition}', {
    summary: 'Resolve an offset',
    description: 'SPEC §4.6 and §5 (ListOffsets, read_committed).',
    tag: 'messages',
    negotiated: true,
    permission: topicPermission('show_offsets'),
    parameters: params('topic', 'partition', 'at'),
    kafka: true,
    responses: {
      200: json('The offset', ref('Offset')),
      400: error('`invalid partition`, `invalid at`'),
      404: error(UNKNOWN_TOPIC),
      416: shared('OffsetOutOfRange')
    }
  }),
  ...versions(produce),
  ...versions(fetch),
  ...batch(),
  ...produceStream(),
  ['/api/v2/stream/{topic}/{partition}', 'get', consumeStream()],
  ...get('/api/v1/urp', {
    summary: 'Under-replicated partitions of every topic',
    description: `Partitions whose replica set differs from their ISR. ${BROKER_CACHE}`,
    tag: 'metadata',
    negotiated: true,
    permission: bool('list_urps'),
    kafka: true,
    responses: { 200: json('Topics with under-replicated partitions', ref('Urps')), 204: answer('None') }
  }),
  ...get('/api/v1/urp/{topic}', {
    summary: 'Under-replicated partitions of a topic',
    description: BROKER_CACHE,
    tag: 'metadata',
    negotiated: true,
    permission: topicPermission('show_urps'),
    parameters: params('topic'),
    kafka: true,
    responses: { 200: json('The topic\'s under-replicated partitions', ref('Urp')), 204: answer('None'), 404: error('`unknown topic`') }
  }),
  ...([1, 2] as const).flatMap((version) => get(`/api/v${version}/consumers`, {
    summary: 'List consumer groups',
    description: 'Every group id from ListGroups (all group types), KASTLEX_CG_EXCLUDE_REGEX matches removed, sorted by byte order.',
    tag: 'groups',
    negotiated: true,
    permission: bool('list_groups'),
    kafka: true,
    responses: { 200: json('Group ids', ref('Names')) }
  })),
  ...([1, 2] as const).flatMap((version) => get(`/api/v${version}/consumers/{group_id}`, {
    summary: `Show a consumer group (${version === 1 ? 'v1: with lag from the offsets tail' : 'v2: live from DescribeGroups and OffsetFetch'})`,
    description: version === 1 ? 'SPEC §7.4.' : 'SPEC §7.5.',
    tag: 'groups',
    negotiated: true,
    permission: { action: 'show_group', scope: 'group_id' },
    parameters: params('groupId'),
    kafka: true,
    responses: { 200: json('The group', ref(version === 1 ? 'GroupV1' : 'GroupV2')), 404: error('`unknown group`') }
  })),
  ...get('/metrics', {
    summary: 'Prometheus metrics',
    description: 'SPEC §8. `Accept` is ignored.',
    tag: 'operations',
    negotiated: false,
    permission: { action: 'metrics', scope: 'bool', only: 'checked only with KASTLEX_METRICS_AUTH=true (otherwise open)' },
    responses: { 200: answer('Prometheus text', { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } }) }
  }),
  ...get('/health', {
    summary: 'Liveness',
    description: 'SPEC §10.1. `Accept` is ignored.',
    tag: 'operations',
    negotiated: false,
    responses: { 200: json('Alive', ref('Health')) }
  }),
  ...get('/ready', {
    summary: 'Readiness',
    description: 'SPEC §10.1: ready when a cluster metadata request succeeded in the last 10 s (else one is made, 2 s timeout) and the token-store replay is complete. `Accept` is ignored.',
    tag: 'operations',
    negotiated: false,
    responses: { 200: json('Ready', ref('Ready')), 503: json('Not ready', ref('NotReady')) }
  }),
  ...get('/openapi.json', {
    summary: 'This document',
    description: 'SPEC §10.7. `Accept` is ignored.',
    tag: 'operations',
    negotiated: false,
    responses: { 200: json('The OpenAPI 3.1 document', { type: 'object' }) }
  })
]

/** The CORS preflight every path answers when KASTLEX_CORS_ORIGINS allows the origin (SPEC §10.3). */
const PREFLIGHT = {
  summary: 'CORS preflight',
  description: 'SPEC §10.3, only with KASTLEX_CORS_ORIGINS: `OPTIONS` with `Origin` and `access-control-request-method` from an allowed origin, on any path, before authentication → 204 with access-control-allow-methods `GET, HEAD, POST, DELETE`, access-control-allow-headers `authorization, content-type, accept, x-message-headers, idempotency-key, x-request-id, last-event-id`, access-control-max-age `600`. Otherwise (CORS off, origin not allowed, no access-control-request-method) → 404 `not found`. Credentials are never allowed.',
  tags: ['cors'],
  security: [],
  responses: {
    204: answer('Preflight accepted'),
    404: error('`not found`')
  }
}

const DESCRIPTION = [
  'An HTTP/REST gateway to one Apache Kafka cluster; the contract is SPEC.md of KastleX-TS.',
  '**Errors**: `application/json; charset=utf-8` `{"error": "<message>"}` (schema Error); 400 messages start with `invalid <name>`. Any route can answer 400 `invalid path` (bad percent-encoding), 400 for ambiguous framing (differing `content-length`s, a `transfer-encoding` other than `chunked`), 431 (over 64 KiB of request headers) and 500; routes with a permission 401, 403, 429 and 503 `token store not ready`; routes that call Kafka 503 with the Kafka error name (SPEC §2.6); unknown routes and methods 404 `not found`; a graceful stop answers new requests 503 `stopping`.',
  '**Processing order** (SPEC §2.4): request id · CORS preflight · route match (404) · negotiation (406) · authentication (401/503) · permission (403) · parameters and headers (400) · body size (413) and format (400/415) · the work.',
  '**Negotiation** (SPEC §2.5): one `Accept` parser with q-values; candidates `application/json`, `application/binary`, `application/octet-stream`; no or empty `Accept` → JSON; nothing acceptable → 406. Only fetch has a binary representation. /metrics, /health, /ready and /openapi.json ignore `Accept`.',
  '**Authentication**: `authorization: Bearer <JWT>` (ES512, from POST /login); no token = the anonymous user\'s permissions; an unacceptable token → 401. Each operation names its permission in its description and in `x-kastlex-permission` (action and scope, SPEC §3, §6.4).',
  '**HEAD** is accepted wherever GET is (same headers, no body). Path segments are percent-decoded; empty segments are ignored.',
  '**WebSocket**: operations marked `x-kastlex-websocket` are WebSocket endpoints; their entries describe the HTTP handshake and its refusals.',
  '**CORS** (SPEC §10.3): with KASTLEX_CORS_ORIGINS, answers to an allowed `Origin` carry access-control-allow-origin, `vary: Origin` and access-control-expose-headers; every path answers the preflight (`options`).'
].join('\n\n')

/** The document (SPEC §10.7). */
export function openapiDocument (): Readonly<Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const [path, method, op] of OPERATIONS) {
    const item = paths[path] ??= { options: PREFLIGHT }
    if (item[method] !== undefined) throw new Error(`${method} ${path} described twice`)
    item[method] = op
  }
  return {
    openapi: '3.1.0',
    info: { title: 'KastleX', version: DOCUMENT_VERSION, description: DESCRIPTION, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    tags: ['messages', 'streams', 'metadata', 'groups', 'auth', 'admin', 'operations', 'cors'].map((name) => ({ name })),
    paths,
    components: {
      schemas: SCHEMAS,
      responses: RESPONSES,
      parameters: PARAMETERS,
      headers: HEADERS,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'ES512 JWT from POST /login (SPEC §6), as `authorization: Bearer <token>`' },
        access_token: { type: 'apiKey', in: 'query', name: 'access_token', description: 'The same token as a query parameter, on the stream routes only' }
      }
    }
  }
}

/** GET /openapi.json: no auth, `Accept` ignored; the text is serialized once, here. */
export function openapiRoute (): Route {
  const body = JSON.stringify(openapiDocument())
  return { method: 'GET', template: '/openapi.json', negotiation: 'none', handle: () => ({ status: 200, body }) }
}
