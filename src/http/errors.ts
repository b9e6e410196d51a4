// Every error the gateway answers, in one table (fastify's lib/errors.js): each export below made by
// `define` is one error with its status, the `error` text of its body (SPEC §2.1 and the routes) and the
// headers that go with it; Kafka failures get theirs from kafkaError (SPEC §2.6). Code elsewhere throws
// what these make, never an HttpError of its own; test/unit/http/errors.test.ts pins the table.
import type { ErrorData, ErrorExtras } from '../pool/messages.js'

export type ErrorHeaders = ReadonlyArray<readonly [string, string]>

export class HttpError extends Error {
  /** The error a Kafka thread sent as data. */
  static of ({ status, error, extras }: ErrorData): HttpError {
    return new HttpError(status, error, extras)
  }

  constructor (
    readonly status: number,
    /** The `error` member of the JSON body. */
    readonly error: string,
    /** Further members of the body (e.g. `earliest`/`latest` on 416). */
    readonly extras: ErrorExtras = {},
    /** Response headers that go with it (e.g. `www-authenticate`, `retry-after`). */
    readonly headers: ErrorHeaders = []
  ) {
    // Without a stack trace: it says nothing about a client's fault, and capturing one made each error about
    // ten times dearer, so that refused requests (404, 401, …) cost the main thread more than served ones.
    const stackTraceLimit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(error)
    Error.stackTraceLimit = stackTraceLimit
  }

  body (): string {
    return JSON.stringify({ error: this.error, ...this.extras })
  }

  /** As data, for another thread (HttpError.of there); headers stay behind (a Kafka thread's errors have none). */
  data (): ErrorData {
    return { status: this.status, error: this.error, extras: this.extras }
  }
}

/** One error of the table: called with its arguments (none for most), it makes the HttpError to throw. */
export interface ErrorFactory<A extends unknown[]> {
  (...args: A): HttpError
  readonly status: number
}

/** An error of the table: its status, its `error` text, its headers and further body members, each fixed or made from the arguments. */
function define<A extends unknown[] = []> (
  status: number,
  error: string | ((...args: A) => string),
  headers: ErrorHeaders | ((...args: A) => ErrorHeaders) = [],
  extras: (...args: A) => ErrorExtras = () => ({})
): ErrorFactory<A> {
  const make = (...args: A): HttpError => new HttpError(status,
    typeof error === 'string' ? error : error(...args), extras(...args),
    typeof headers === 'function' ? headers(...args) : headers)
  return Object.assign(make, { status })
}

const retryAfter = (seconds: number): ErrorHeaders => [['retry-after', String(seconds)]]

/** 400 `invalid <name>` with an optional detail; clients match the prefix. */
export const invalid = define(400, (name: string, detail?: string) => detail === undefined ? `invalid ${name}` : `invalid ${name}: ${detail}`)
/** 400: a batch record (index from 0) that is not what SPEC §10.4 allows. */
export const invalidRecord = define(400, (index: number, detail: string) => `invalid record ${index}: ${detail}`)
/** 400: GET /admin/reload found a users file invalid (SPEC §4.2); the text names file, user and key. */
export const usersFileRefused = define(400, (message: string) => message)
export const unauthenticated = define(401, 'Unauthenticated', [['www-authenticate', 'Bearer']])
/** POST /login with credentials that do not match (SPEC §4.1). */
export const invalidCredentials = define(401, 'invalid username or password')
export const forbidden = define(403, 'Unauthorized')
/** No route matches method + path. */
export const notFound = define(404, 'not found')
/** GET /api/v1/topics/:topic (SPEC §4.4). */
export const unknownTopic = define(404, 'Unknown topic')
/** GET /api/v1/urp/:topic (SPEC §4.9): its own spelling. */
export const unknownUrpTopic = define(404, 'unknown topic')
export const unknownBroker = define(404, 'unknown broker id')
export const unknownGroup = define(404, 'unknown group')
export const notAcceptable = define(406, 'not acceptable')
export const bodyTooLarge = define(413, 'request body too large')
/** More records in a batch than KASTLEX_BATCH_MAX_RECORDS (SPEC §10.4). */
export const tooManyRecords = define(413, 'too many records')
export const unsupportedMediaType = define(415, 'unsupported media type')
/** SPEC §10.6: an Idempotency-Key seen with another request. */
export const idempotencyKeyReused = define(422, 'idempotency key reused with a different request')
/** The produce stream (SPEC §10.4a) without a WebSocket handshake. */
export const upgradeRequired = define(426, 'upgrade required', [['upgrade', 'websocket']])
/** SPEC §6.6. */
export const tooManyLoginAttempts = define(429, 'too many login attempts', retryAfter)
/** SPEC §10.6a: too many failed token verifications from one address. */
export const tooManyAuthFailures = define(429, 'too many authentication failures', retryAfter)
export const headersTooLarge = define(431, 'request header fields too large')
/** The op's request went away before its write started (nginx's 499: the client closed the request). */
export const requesterGone = define(499, 'client_closed_request')
/** A Kafka worker thread died (or did not load) with the op in flight; Piscina replaces it. */
export const workerFailed = define(503, 'worker_failed')
export const internalError = define(500, 'internal server error')
/** DELETE /admin/tokens/:username without token storage (SPEC §4.3). */
export const tokenStorageDisabled = define(501, 'token storage disabled')
/** SPEC §10.6a: the bytes of request bodies in flight would pass their bound. */
export const overloaded = define(503, 'overloaded', retryAfter(1))
/** A request that arrived after the graceful stop began: not processed (SPEC §1). */
export const serverStopping = define(503, 'stopping')
/** Over KASTLEX_STREAM_MAX_CLIENTS open streams (SPEC §10.5). */
export const tooManyStreams = define(503, 'too many streams')
/** Token storage (SPEC §6.7) still replaying after its wait. */
export const tokenStoreNotReady = define(503, 'token store not ready')
/** GET /ready (SPEC §10.1): a dependency not reachable or not replayed yet; `checks` says which. */
export const notReady = define(503, 'not ready', [], (checks: Readonly<Record<string, string>>) => ({ checks }))
/** A token record not written (SPEC §4.1, §4.3): 503 whatever the Kafka failure's own status. */
export const tokenWriteFailed = define(503, (kafkaName: string) => kafkaName)

/** What a client is told of anything thrown: an HttpError as itself, anything else as a 500. */
export const asHttpError = (err: unknown): HttpError => err instanceof HttpError ? err : internalError()

/** A Kafka failure named per SPEC §2.6 (or a gateway-side name: `timeout`, `broker_not_available`), with the status the contract gives that name. */
export function kafkaError (name: string, extras?: ErrorExtras): HttpError {
  return new HttpError(kafkaErrorStatus(name), name, extras)
}

/** The status SPEC §2.6 gives a Kafka failure's name. */
export const kafkaErrorStatus = (name: string): number => KAFKA_ERROR_STATUS.get(name) ?? 503

const KAFKA_ERROR_STATUS: ReadonlyMap<string, number> = new Map([
  ['unknown_topic_or_partition', 404],
  ['offset_out_of_range', 416],
  ['message_too_large', 413],
  ['record_list_too_large', 413],
  ['invalid_record', 400],
  ['corrupt_message', 400]
])
