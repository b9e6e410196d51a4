// SPEC §2.1 (error bodies), the routes' errors and §2.6 (Kafka error → status): the whole table, pinned.
import test from 'ava'
import * as errors from '../../../src/http/errors.js'
import { type ErrorFactory, HttpError, invalid, kafkaError } from '../../../src/http/errors.js'
import type { ErrorExtras } from '../../../src/pool/messages.js'

test('an HttpError carries no stack trace, and other errors still do', (t) => {
  const refused = new HttpError(404, 'not_found')
  t.false(refused.stack?.includes('\n    at ') ?? false, refused.stack)
  t.true(new Error('x').stack?.includes('\n    at ') ?? false, 'the stack trace limit is restored')
})

test('HttpError is an Error whose body is {"error":…} plus extras', (t) => {
  const plain = new HttpError(403, 'Unauthorized')
  t.true(plain instanceof Error)
  t.is(plain.message, 'Unauthorized')
  t.is(plain.status, 403)
  t.is(plain.body(), '{"error":"Unauthorized"}')

  const withExtras = new HttpError(416, 'offset_out_of_range', { earliest: 3, latest: 10 })
  t.deepEqual(JSON.parse(withExtras.body()), { error: 'offset_out_of_range', earliest: 3, latest: 10 })

  const withNull = new HttpError(503, 'not ready', { detail: null, kafka: 'failing' })
  t.deepEqual(JSON.parse(withNull.body()), { error: 'not ready', detail: null, kafka: 'failing' })

  t.deepEqual(JSON.parse(new HttpError(400, 'invalid body: "quoted" \\ \n').body()), { error: 'invalid body: "quoted" \\ \n' })
})

/**
 * The table, entry by entry (fastify's test/internals/errors.test.js): name, status, the `error` text
 * made from sample arguments, the headers and further body members. A new entry, or a changed status
 * or text, fails here first.
 */
const TABLE: ReadonlyArray<readonly [name: string, args: readonly unknown[], status: number, error: string, headers: ReadonlyArray<readonly [string, string]>, extras?: ErrorExtras]> = [
  ['invalid', ['partition'], 400, 'invalid partition', []],
  ['invalidRecord', [3, 'not a JSON object'], 400, 'invalid record 3: not a JSON object', []],
  ['usersFileRefused', ['users.yml: user ann: unknown key x'], 400, 'users.yml: user ann: unknown key x', []],
  ['unauthenticated', [], 401, 'Unauthenticated', [['www-authenticate', 'Bearer']]],
  ['invalidCredentials', [], 401, 'invalid username or password', []],
  ['forbidden', [], 403, 'Unauthorized', []],
  ['notFound', [], 404, 'not found', []],
  ['unknownTopic', [], 404, 'Unknown topic', []],
  ['unknownUrpTopic', [], 404, 'unknown topic', []],
  ['unknownBroker', [], 404, 'unknown broker id', []],
  ['unknownGroup', [], 404, 'unknown group', []],
  ['notAcceptable', [], 406, 'not acceptable', []],
  ['bodyTooLarge', [], 413, 'request body too large', []],
  ['tooManyRecords', [], 413, 'too many records', []],
  ['unsupportedMediaType', [], 415, 'unsupported media type', []],
  ['idempotencyKeyReused', [], 422, 'idempotency key reused with a different request', []],
  ['upgradeRequired', [], 426, 'upgrade required', [['upgrade', 'websocket']]],
  ['tooManyLoginAttempts', [7], 429, 'too many login attempts', [['retry-after', '7']]],
  ['tooManyAuthFailures', [2], 429, 'too many authentication failures', [['retry-after', '2']]],
  ['headersTooLarge', [], 431, 'request header fields too large', []],
  ['requesterGone', [], 499, 'client_closed_request', []],
  ['internalError', [], 500, 'internal server error', []],
  ['tokenStorageDisabled', [], 501, 'token storage disabled', []],
  ['overloaded', [], 503, 'overloaded', [['retry-after', '1']]],
  ['serverStopping', [], 503, 'stopping', []],
  ['tooManyStreams', [], 503, 'too many streams', []],
  ['tokenStoreNotReady', [], 503, 'token store not ready', []],
  ['notReady', [{ kafka: 'failing', token_store: 'ok' }], 503, 'not ready', [], { checks: { kafka: 'failing', token_store: 'ok' } }],
  ['tokenWriteFailed', ['request_timed_out'], 503, 'request_timed_out', []],
  ['workerFailed', [], 503, 'worker_failed', []]
]

/** The module's exports that are entries of the table (made by its `define`). */
const entries = Object.entries(errors).filter((entry): entry is [string, ErrorFactory<unknown[]>] =>
  typeof entry[1] === 'function' && typeof (entry[1] as Partial<ErrorFactory<unknown[]>>).status === 'number')

test('the error table: every entry pinned (name, status, text, headers, extras), nothing else in it', (t) => {
  t.deepEqual(entries.map(([name]) => name).sort(), TABLE.map(([name]) => name).sort())
  for (const [name, args, status, error, headers, extras = {}] of TABLE) {
    const factory = errors[name as keyof typeof errors] as ErrorFactory<unknown[]>
    const made = factory(...args)
    t.true(made instanceof HttpError, name)
    t.is(factory.status, status, name)
    t.is(made.status, status, name)
    t.is(made.error, error, name)
    t.deepEqual(made.headers, headers, name)
    t.deepEqual(made.extras, extras, name)
    t.is(made.body(), JSON.stringify({ error, ...extras }), name)
  }
})

test('the error table: statuses are 4xx or 5xx, fixed texts name one error each', (t) => {
  for (const [name, factory] of entries) t.true(factory.status >= 400 && factory.status <= 599, name)
  const fixed = TABLE.filter(([, args]) => args.length === 0).map(([, , , error]) => error)
  t.is(new Set(fixed).size, fixed.length)
})

test('invalid(name, detail) → 400 `invalid <name>[: <detail>]`', (t) => {
  const table: ReadonlyArray<readonly [HttpError, string]> = [
    [invalid('partition'), 'invalid partition'],
    [invalid('offset'), 'invalid offset'],
    [invalid('x-message-headers', 'detail'), 'invalid x-message-headers: detail'],
    [invalid('body', 'empty'), 'invalid body: empty'],
    [invalid('username', 'missing'), 'invalid username: missing']
  ]
  for (const [error, message] of table) {
    t.is(error.status, 400, message)
    t.is(error.error, message)
    t.is(error.body(), JSON.stringify({ error: message }), message)
  }
})

test('kafkaError: status per SPEC §2.6, the name as error', (t) => {
  const table: ReadonlyArray<readonly [string, number]> = [
    ['unknown_topic_or_partition', 404],
    ['offset_out_of_range', 416],
    ['message_too_large', 413],
    ['record_list_too_large', 413],
    ['invalid_record', 400],
    ['corrupt_message', 400],
    // anything else → 503
    ['leader_not_available', 503],
    ['not_leader_for_partition', 503],
    ['request_timed_out', 503],
    ['not_enough_replicas', 503],
    ['topic_authorization_failed', 503],
    ['timeout', 503],
    ['broker_not_available', 503],
    ['queue_full', 503],
    ['unknown_server_error', 503],
    ['librdkafka_error_1000', 503],
    ['something_new', 503]
  ]
  for (const [name, status] of table) {
    const error = kafkaError(name)
    t.true(error instanceof HttpError, name)
    t.is(error.status, status, name)
    t.is(error.error, name, name)
    t.is(error.body(), JSON.stringify({ error: name }), name)
  }
})

test('kafkaError carries extras (416 earliest/latest, SPEC §5)', (t) => {
  const error = kafkaError('offset_out_of_range', { earliest: 0, latest: 5 })
  t.is(error.status, 416)
  t.deepEqual(JSON.parse(error.body()), { error: 'offset_out_of_range', earliest: 0, latest: 5 })
})

test('an HttpError crosses threads as data and comes back the same, extras included', (t) => {
  const error = kafkaError('offset_out_of_range', { earliest: 0, latest: 5 })
  const data = structuredClone(error.data())
  t.deepEqual(data, { status: 416, error: 'offset_out_of_range', extras: { earliest: 0, latest: 5 } })
  const back = HttpError.of(data)
  t.true(back instanceof HttpError)
  t.is(back.status, 416)
  t.is(back.body(), error.body())
})
