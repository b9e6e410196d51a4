// SPEC §10.6a: how a request body is delimited must be beyond doubt, or a proxy in front and this
// gateway could split the bytes into different requests (request smuggling). uWS takes the first
// content-length line and treats any transfer-encoding as chunked; requests it would read differently
// from a strict reader are refused here, before any route logic, with 400 and the connection closed.
import { invalid, type HttpError } from './errors.js'
import type { RequestHeaders } from './request.js'

/** RFC 9110 §8.6: `1*DIGIT`; up to 2^53 − 1, where every reader (uWS's, Number's) counts the same. */
const CONTENT_LENGTH = /^[0-9]{1,15}$/

/**
 * Why the request's framing is refused, if it is: content-length lines that are not all one decimal
 * value, a transfer-encoding other than one `chunked` (case-insensitive, RFC 9112 §7), or both headers
 * at once (RFC 9112 §6.3 allows a server to refuse that; uWS itself closes such a request unanswered).
 */
export function framingError (headers: RequestHeaders): HttpError | undefined {
  const lengths = headers.all('content-length')
  for (const value of lengths) if (value !== lengths[0] || !CONTENT_LENGTH.test(value)) return invalid('content-length')
  const encodings = headers.all('transfer-encoding')
  if (encodings.length === 0) return undefined
  if (encodings.length > 1 || encodings[0]?.toLowerCase() !== 'chunked') return invalid('transfer-encoding')
  if (lengths.length > 0) return invalid('transfer-encoding', 'with content-length')
  return undefined
}
