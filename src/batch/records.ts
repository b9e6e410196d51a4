// A batch's records once decoded (SPEC §10.4), whatever the body's format, and the limits every format shares.
import { type HttpError, invalid } from '../http/errors.js'
import type { BatchFormat } from '../pool/messages.js'

export interface BatchRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** The record's own `partition` member; −1 = none (the path's, or placed as SPEC §4.7 says). */
  readonly partition: number
  /** Converted and sorted by name (SPEC §4.7). */
  readonly headers: ReadonlyArray<readonly [string, string]>
}

/** A JSON object's members as record headers: strings verbatim, anything else its compact JSON text; sorted by name. */
export function recordHeaders (members: Readonly<Record<string, unknown>>): Array<[string, string]> {
  return Object.entries(members)
    .map(([name, value]): [string, string] => [name, typeof value === 'string' ? value : JSON.stringify(value)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

const FORMATS: ReadonlyMap<string, BatchFormat> = new Map([
  ['application/json', 'json'],
  ['application/x-ndjson', 'ndjson'],
  ['application/vnd.kastlex.batch', 'binary']
])

/** The format of a `content-type` (parameters such as `charset` ignored); undefined → 415. */
export function batchFormat (contentType: string | undefined): BatchFormat | undefined {
  if (contentType === undefined) return undefined
  const semicolon = contentType.indexOf(';')
  return FORMATS.get((semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase())
}

export const emptyBatch = (): HttpError => invalid('body', 'empty')
