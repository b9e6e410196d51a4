// The one `Accept` parser of every negotiated route (SPEC §2.5).

export type Representation =
  | { readonly kind: 'json' }
  | { readonly kind: 'binary', readonly contentType: 'application/binary' | 'application/octet-stream' }

interface MediaRange { readonly type: string, readonly subtype: string, readonly q: number, readonly index: number }

const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/
const QUALITY = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/
const JSON_REPRESENTATION: Representation = { kind: 'json' }
const CANDIDATES: ReadonlyArray<{ type: string, subtype: string, representation: Representation }> = [
  { type: 'application', subtype: 'json', representation: JSON_REPRESENTATION },
  { type: 'application', subtype: 'binary', representation: { kind: 'binary', contentType: 'application/binary' } },
  { type: 'application', subtype: 'octet-stream', representation: { kind: 'binary', contentType: 'application/octet-stream' } }
]

/**
 * The representation to answer with, given every `Accept` line of the request (joined with `,`);
 * undefined means 406. No or empty `Accept` → JSON.
 */
export function negotiate (accept: string | undefined): Representation | undefined {
  if (accept === undefined || accept.trim() === '') return JSON_REPRESENTATION
  const ranges = parseAccept(accept)
  let best: { representation: Representation, q: number, index: number } | undefined
  for (const candidate of CANDIDATES) {
    const match = mostSpecificMatch(ranges, candidate.type, candidate.subtype)
    if (match === undefined || match.q === 0) continue
    // Strictly better quality, or the same quality from an element earlier in the header.
    // CANDIDATES lists JSON first, so a full tie keeps JSON.
    if (best === undefined || match.q > best.q || (match.q === best.q && match.index < best.index)) {
      best = { representation: candidate.representation, q: match.q, index: match.index }
    }
  }
  return best?.representation
}

/** Whether `text/html` is acceptable (route H, the dashboard). */
export const acceptsHtml = (accept: string | undefined): boolean => acceptsType(accept, 'text', 'html')

/** Whether `text/event-stream` is acceptable (a stream route's Server-Sent Events, SPEC §10.5). */
export const acceptsEventStream = (accept: string | undefined): boolean => acceptsType(accept, 'text', 'event-stream')

/** Whether `type/subtype` has a quality above 0; an absent or empty `Accept` accepts anything. */
function acceptsType (accept: string | undefined, type: string, subtype: string): boolean {
  if (accept === undefined || accept.trim() === '') return true
  const match = mostSpecificMatch(parseAccept(accept), type, subtype)
  return match !== undefined && match.q > 0
}

function parseAccept (accept: string): MediaRange[] {
  const ranges: MediaRange[] = []
  const elements = accept.split(',')
  for (let index = 0; index < elements.length; index++) {
    const range = parseElement(elements[index] ?? '', index)
    if (range !== undefined) ranges.push(range)
  }
  return ranges
}

function parseElement (element: string, index: number): MediaRange | undefined {
  const [mediaType = '', ...params] = element.split(';')
  const [type = '', subtype, ...rest] = mediaType.trim().toLowerCase().split('/')
  if (subtype === undefined || rest.length > 0 || !TOKEN.test(type) || !TOKEN.test(subtype)) return undefined
  if (type === '*' && subtype !== '*') return undefined
  let q = 1
  for (const param of params) {
    const eq = param.indexOf('=')
    if (eq < 0) continue
    if (param.slice(0, eq).trim().toLowerCase() !== 'q') continue
    const value = param.slice(eq + 1).trim()
    if (!QUALITY.test(value)) return undefined
    q = Number(value)
  }
  return { type, subtype, q, index }
}

function mostSpecificMatch (ranges: readonly MediaRange[], type: string, subtype: string): MediaRange | undefined {
  let best: MediaRange | undefined
  let bestSpecificity = -1
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype
      ? 2
      : range.type === type && range.subtype === '*'
        ? 1
        : range.type === '*' ? 0 : -1
    if (specificity > bestSpecificity) {
      best = range
      bestSpecificity = specificity
    }
  }
  return best
}
