// Errors are values with a status (SPEC §2.1). Handlers throw or return these; one place renders them.

export type ErrorExtras = Readonly<Record<string, string | number | null>>

export class HttpError extends Error {
  constructor (
    readonly status: number,
    /** The `error` member of the JSON body. */
    readonly error: string,
    /** Further members of the body (e.g. `earliest`/`latest` on 416). */
    readonly extras: ErrorExtras = {},
    /** Response headers that go with it (e.g. `www-authenticate`, `retry-after`). */
    readonly headers: ReadonlyArray<readonly [string, string]> = []
  ) {
    super(error)
  }

  body (): string {
    return JSON.stringify({ error: this.error, ...this.extras })
  }
}

/** 400 `invalid <name>` with an optional detail; clients match the prefix. */
export const invalid = (name: string, detail?: string): HttpError =>
  new HttpError(400, detail === undefined ? `invalid ${name}` : `invalid ${name}: ${detail}`)

export const unauthenticated = (): HttpError => new HttpError(401, 'Unauthenticated', {}, [['www-authenticate', 'Bearer']])
export const forbidden = (): HttpError => new HttpError(403, 'Unauthorized')
export const notFound = (): HttpError => new HttpError(404, 'not found')
export const notAcceptable = (): HttpError => new HttpError(406, 'not acceptable')
export const bodyTooLarge = (): HttpError => new HttpError(413, 'request body too large')
/** SPEC §10.6a: the bytes of request bodies in flight would pass their bound. */
export const overloaded = (): HttpError => new HttpError(503, 'overloaded', {}, [['retry-after', '1']])
/** A request that arrived after the graceful stop began: not processed (SPEC §1). */
export const serverStopping = (): HttpError => new HttpError(503, 'stopping')
export const headersTooLarge = (): HttpError => new HttpError(431, 'request header fields too large')
export const internalError = (): HttpError => new HttpError(500, 'internal server error')
/** What a client is told of anything thrown: an HttpError as itself, anything else as a 500. */
export const asHttpError = (err: unknown): HttpError => err instanceof HttpError ? err : internalError()

/** A Kafka failure named per SPEC §2.6, with the status the contract gives that name. */
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
