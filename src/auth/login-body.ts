// The credentials of POST /login (SPEC §4.1, §11 items 42–43): `username` and `password` from the body
// only — `application/x-www-form-urlencoded`, `multipart/form-data` (text fields) or `application/json`
// (an object). The size limit (64 KiB) is enforced by the HTTP layer before this is called.
//
// Errors (all 400): an unsupported or missing content type, a malformed content type or body, or JSON
// that is not an object → `invalid body`; a field absent → `invalid <field>: missing`; a field present
// but not a string → `invalid <field>`. "Not a string" covers: a JSON non-string (null included), a form
// or multipart field given more than once, a multipart file part (`filename`), a multipart part whose
// content type is not `text/plain` or whose content is not UTF-8. Other fields are ignored.
//
// Text is UTF-8 whatever `charset` says (JSON is UTF-8 by RFC 8259; browsers send forms in UTF-8 pages).
import { HttpError, invalid } from '../http/errors.js'

export interface LoginCredentials {
  readonly username: string
  readonly password: string
}

const FIELDS = ['username', 'password'] as const
type Field = typeof FIELDS[number]

/** A field's state while parsing: absent, one string, or present but unusable. */
type FieldValue = { readonly kind: 'string', readonly value: string } | { readonly kind: 'invalid' }

const invalidBody = (): HttpError => invalid('body')

export function parseLoginBody (contentType: string | undefined, body: Buffer): LoginCredentials {
  const media = contentType === undefined ? undefined : parseMediaType(contentType)
  if (media === undefined) throw invalidBody()
  let fields: Map<Field, FieldValue>
  switch (media.type) {
    case 'application/x-www-form-urlencoded':
      fields = parseUrlEncoded(body)
      break
    case 'multipart/form-data': {
      const boundary = media.parameters.get('boundary')
      if (boundary === undefined || !BOUNDARY.test(boundary)) throw invalidBody()
      fields = parseMultipart(body, boundary)
      break
    }
    case 'application/json':
      fields = parseJson(body)
      break
    default:
      throw invalidBody()
  }
  return { username: take(fields, 'username'), password: take(fields, 'password') }
}

function take (fields: ReadonlyMap<Field, FieldValue>, name: Field): string {
  const field = fields.get(name)
  if (field === undefined) throw invalid(name, 'missing')
  if (field.kind !== 'string') throw invalid(name)
  return field.value
}

/** Records a form/multipart field; a repeat makes it unusable (which of the two would be meant?). */
function put (fields: Map<Field, FieldValue>, name: string, value: () => FieldValue): void {
  if (!isField(name)) return
  fields.set(name, fields.has(name) ? { kind: 'invalid' } : value())
}

const isField = (name: string): name is Field => (FIELDS as readonly string[]).includes(name)

// ---------------------------------------------------------------------------------------------------
// Content-Type (RFC 9110 §8.3.1): type "/" subtype *( OWS ";" OWS [ parameter ] ), names case-insensitive.

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** An unquoted parameter value: a token, leniently any visible ASCII but `"` and `;` (e.g. `boundary=a:b`). */
const BARE_VALUE = /^[!#-:<-~]+$/

export interface MediaType {
  /** `type/subtype`, lower case. */
  readonly type: string
  /** Parameters by lower-case name (the first occurrence wins); values unquoted. */
  readonly parameters: ReadonlyMap<string, string>
}

/** Parses a media type; undefined when malformed. */
export function parseMediaType (header: string): MediaType | undefined {
  const semicolon = header.indexOf(';')
  const type = (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase()
  const slash = type.indexOf('/')
  if (slash < 0 || !TOKEN.test(type.slice(0, slash)) || !TOKEN.test(type.slice(slash + 1))) return undefined
  const parameters = semicolon < 0 ? new Map<string, string>() : parseParameters(header.slice(semicolon + 1), true)
  return parameters === undefined ? undefined : { type, parameters }
}

/**
 * `name=value` pairs separated by `;`, value a token or a quoted-string (backslash escapes). Empty
 * elements are allowed (`a/b;`). Strict mode (Content-Type) rejects anything else (unquoted values
 * may hold any visible ASCII but `"` and `;`, as some clients send such boundaries); lenient mode
 * (Content-Disposition, where clients put unescaped `\` in file names and `name*=`) accepts any
 * non-empty run of characters other than `;` as an unquoted value.
 */
function parseParameters (text: string, strict: boolean): Map<string, string> | undefined {
  const parameters = new Map<string, string>()
  let at = 0
  const skipSpace = (): void => { while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++ }
  while (at < text.length) {
    skipSpace()
    if (at >= text.length) break
    if (text[at] === ';') { at++; continue }
    const equals = text.indexOf('=', at)
    if (equals < 0) return undefined
    const name = text.slice(at, equals).trim().toLowerCase()
    if (!TOKEN.test(name)) return undefined
    at = equals + 1
    skipSpace()
    let value = ''
    if (text[at] === '"') {
      at++
      let closed = false
      while (at < text.length) {
        const char = text[at++] as string
        if (char === '"') { closed = true; break }
        if (char === '\\' && at < text.length) value += text[at++] as string
        else value += char
      }
      if (!closed) return undefined
    } else {
      const end = text.indexOf(';', at)
      value = text.slice(at, end < 0 ? text.length : end).trim()
      at = end < 0 ? text.length : end
      if (strict ? !BARE_VALUE.test(value) : value === '') return undefined
    }
    skipSpace()
    if (at < text.length && text[at] !== ';') return undefined
    if (!parameters.has(name)) parameters.set(name, value)
  }
  return parameters
}

// ---------------------------------------------------------------------------------------------------
// application/x-www-form-urlencoded (WHATWG URL §5.1, but strict): `&`-separated `name=value`, `+` is
// a space, percent-escapes must be well formed and the result UTF-8, else the body is malformed.

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function decodeUtf8 (bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes)
  } catch {
    return undefined
  }
}

function formDecode (text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    throw invalidBody() // `%` not followed by two hex digits, or escapes that are not UTF-8
  }
}

function parseUrlEncoded (body: Buffer): Map<Field, FieldValue> {
  const text = decodeUtf8(body)
  if (text === undefined) throw invalidBody()
  const fields = new Map<Field, FieldValue>()
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const equals = pair.indexOf('=')
    const name = formDecode(equals < 0 ? pair : pair.slice(0, equals))
    const value = formDecode(equals < 0 ? '' : pair.slice(equals + 1))
    put(fields, name, () => ({ kind: 'string', value }))
  }
  return fields
}

// ---------------------------------------------------------------------------------------------------
// application/json: an object; `username`/`password` must be own members holding strings.

function parseJson (body: Buffer): Map<Field, FieldValue> {
  let text = decodeUtf8(body)
  if (text === undefined) throw invalidBody()
  if (text.startsWith('\uFEFF')) text = text.slice(1) // RFC 8259 §8.1: parsers may ignore a BOM
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalidBody()
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidBody()
  const fields = new Map<Field, FieldValue>()
  for (const name of FIELDS) {
    if (!Object.hasOwn(parsed, name)) continue
    const value: unknown = (parsed as Record<string, unknown>)[name]
    fields.set(name, typeof value === 'string' ? { kind: 'string', value } : { kind: 'invalid' })
  }
  return fields
}

// ---------------------------------------------------------------------------------------------------
// multipart/form-data (RFC 7578 over RFC 2046 §5.1.1), CRLF line ends required:
//   [preamble CRLF] "--" boundary *LWSP CRLF part *(CRLF "--" boundary *LWSP CRLF part) CRLF "--" boundary "--" [epilogue]
//   part = *(header CRLF) CRLF content
// Each part needs `Content-Disposition: form-data; name="…"`.

/** RFC 2046 bchars, 1–70 characters, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/
const CRLF = Buffer.from('\r\n')
const HEADERS_END = Buffer.from('\r\n\r\n')
const DASH = 0x2d
const SPACE = 0x20
const TAB = 0x09
const CR = 0x0d
const LF = 0x0a

function parseMultipart (body: Buffer, boundary: string): Map<Field, FieldValue> {
  const dashBoundary = Buffer.from(`--${boundary}`, 'latin1')
  const delimiter = Buffer.concat([CRLF, dashBoundary])
  // The first boundary line: at the very start, or after a preamble that ends in CRLF.
  let at: number
  if (body.subarray(0, dashBoundary.length).equals(dashBoundary)) at = dashBoundary.length
  else {
    const found = body.indexOf(delimiter)
    if (found < 0) throw invalidBody()
    at = found + delimiter.length
  }
  const fields = new Map<Field, FieldValue>()
  for (;;) {
    // After a boundary: "--" closes; otherwise optional transport padding, then CRLF and a part.
    if (body[at] === DASH && body[at + 1] === DASH) return fields // the epilogue is ignored
    while (body[at] === SPACE || body[at] === TAB) at++
    if (body[at] !== CR || body[at + 1] !== LF) throw invalidBody()
    at += 2
    const end = body.indexOf(delimiter, at)
    if (end < 0) throw invalidBody() // no close delimiter
    readPart(body.subarray(at, end), fields)
    at = end + delimiter.length
  }
}

function readPart (part: Buffer, fields: Map<Field, FieldValue>): void {
  // Headers end at an empty line; a part without headers starts with that empty line.
  let headerEnd: number
  let contentStart: number
  if (part[0] === CR && part[1] === LF) {
    headerEnd = 0
    contentStart = 2
  } else {
    headerEnd = part.indexOf(HEADERS_END)
    if (headerEnd < 0) throw invalidBody()
    contentStart = headerEnd + HEADERS_END.length
  }
  const headers = new Map<string, string>()
  if (headerEnd > 0) {
    // Header text: UTF-8 (RFC 7578 §5.1 allows it in field names); bytes that are not are malformed.
    const text = decodeUtf8(part.subarray(0, headerEnd))
    if (text === undefined) throw invalidBody()
    for (const line of text.split('\r\n')) {
      const colon = line.indexOf(':')
      if (colon <= 0) throw invalidBody() // no name, or an obsolete folded continuation line
      const name = line.slice(0, colon).toLowerCase()
      if (!TOKEN.test(name)) throw invalidBody()
      if (headers.has(name)) throw invalidBody()
      headers.set(name, line.slice(colon + 1).trim())
    }
  }
  const disposition = headers.get('content-disposition')
  if (disposition === undefined) throw invalidBody()
  const semicolon = disposition.indexOf(';')
  const kind = (semicolon < 0 ? disposition : disposition.slice(0, semicolon)).trim().toLowerCase()
  const parameters = semicolon < 0 ? new Map<string, string>() : parseParameters(disposition.slice(semicolon + 1), false)
  const name = parameters?.get('name')
  if (kind !== 'form-data' || name === undefined) throw invalidBody()
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase()
  if (encoding !== undefined && encoding !== '7bit' && encoding !== '8bit' && encoding !== 'binary') throw invalidBody()
  put(fields, name, () => {
    if (parameters?.has('filename') === true || parameters?.has('filename*') === true) return { kind: 'invalid' }
    const type = headers.get('content-type')
    if (type !== undefined && parseMediaType(type)?.type !== 'text/plain') return { kind: 'invalid' }
    const value = decodeUtf8(part.subarray(contentStart))
    return value === undefined ? { kind: 'invalid' } : { kind: 'string', value }
  })
}
