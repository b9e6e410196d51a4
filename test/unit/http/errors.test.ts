// SPEC §2.1 (error bodies) and §2.6 (Kafka error → status): the whole table, pinned.
import test from 'ava'
import {
  bodyTooLarge, HttpError, internalError, invalid, kafkaError, notAcceptable, notFound
} from '../../../src/http/errors.js'

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

test('the fixed errors of SPEC §2.1', (t) => {
  const table: ReadonlyArray<readonly [string, HttpError, number, string]> = [
    ['notFound', notFound(), 404, 'not found'],
    ['notAcceptable', notAcceptable(), 406, 'not acceptable'],
    ['bodyTooLarge', bodyTooLarge(), 413, 'request body too large'],
    ['internalError', internalError(), 500, 'internal server error']
  ]
  for (const [name, error, status, message] of table) {
    t.true(error instanceof HttpError, name)
    t.is(error.status, status, name)
    t.is(error.error, message, name)
    t.is(error.body(), JSON.stringify({ error: message }), name)
  }
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
