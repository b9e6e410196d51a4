// What a handler sees of a request: copied out of uWS's HttpRequest, which dies when the handler returns.
import { invalid } from './errors.js'

/** Request headers by lower-case name, every line kept (repeats matter: SPEC §2.5, §4.7). */
export class RequestHeaders {
  /** The first line of each header (no array per header: most come once). */
  private readonly first = new Map<string, string>()
  /** Every line of the headers sent more than once. */
  private repeated: Map<string, string[]> | undefined
  /** Characters of all names and values, to bound what a request may send (SPEC §4.7: 64 KiB). */
  size = 0

  /** The headers of uWS's getHeaderList(): `[name, value, name, value, …]`. */
  static of (lines: readonly string[]): RequestHeaders {
    const headers = new RequestHeaders()
    for (let at = 0; at + 1 < lines.length; at += 2) headers.add(lines[at] as string, lines[at + 1] as string)
    return headers
  }

  add (name: string, value: string): void {
    this.size += name.length + value.length
    const existing = this.first.get(name)
    if (existing === undefined) {
      this.first.set(name, value)
      return
    }
    this.repeated ??= new Map()
    const lines = this.repeated.get(name)
    if (lines === undefined) this.repeated.set(name, [existing, value])
    else lines.push(value)
  }

  /** The first line of a header. */
  get (name: string): string | undefined {
    return this.first.get(name)
  }

  all (name: string): readonly string[] {
    const first = this.first.get(name)
    if (first === undefined) return NO_LINES
    return this.repeated?.get(name) ?? [first]
  }
}

const NO_LINES: readonly string[] = Object.freeze([])

/** The form-decoded query string (SPEC §2.3). Values stay raw until a route asks for them. */
export class Query {
  /** Made only for a query string that has parameters (most requests have none). */
  private raw: Map<string, string[]> | undefined

  constructor (queryString: string) {
    if (queryString === '') return
    this.raw = new Map()
    for (const pair of queryString.split('&')) {
      if (pair === '') continue
      const eq = pair.indexOf('=')
      const name = decodeFormText(eq < 0 ? pair : pair.slice(0, eq))
      if (name === undefined) continue
      const value = eq < 0 ? '' : pair.slice(eq + 1)
      const values = this.raw.get(name)
      if (values === undefined) this.raw.set(name, [value])
      else values.push(value)
    }
  }

  /** The single raw value of a recognised parameter; twice → 400 `invalid <name>`. */
  private one (name: string): string | undefined {
    const values = this.raw?.get(name)
    if (values === undefined) return undefined
    if (values.length > 1) throw invalid(name)
    return values[0]
  }

  text (name: string): string | undefined {
    const raw = this.one(name)
    if (raw === undefined) return undefined
    const text = decodeFormText(raw)
    if (text === undefined) throw invalid(name)
    return text
  }

  /** The percent-decoded bytes of a parameter (any bytes, e.g. `%FF`). */
  bytes (name: string): Buffer | undefined {
    const raw = this.one(name)
    return raw === undefined ? undefined : decodeFormBytes(raw)
  }
}

function decodeFormText (raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '))
  } catch {
    return undefined
  }
}

const HEX = /^[0-9a-fA-F]{2}$/

/** Form decoding to bytes: `+` is a space, `%XX` a byte, other characters their UTF-8 bytes. */
export function decodeFormBytes (raw: string): Buffer {
  if (!raw.includes('%') && !raw.includes('+')) return Buffer.from(raw, 'utf8')
  const bytes: number[] = []
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i] as string
    if (char === '+') {
      bytes.push(0x20)
    } else if (char === '%' && HEX.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      const code = raw.codePointAt(i) as number
      if (code > 0xffff) i++
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'))
    }
  }
  return Buffer.from(bytes)
}

/**
 * Path segments, percent-decoded as UTF-8 (`+` stays `+`), empty segments dropped (SPEC §2.3).
 * Undefined when a segment is not valid percent-encoded UTF-8.
 */
export function pathSegments (path: string): string[] | undefined {
  const segments: string[] = []
  // Cut by hand rather than split('/'): no array of the pieces per request.
  for (let start = 0; start < path.length;) {
    const slash = path.indexOf('/', start)
    const end = slash < 0 ? path.length : slash
    if (end > start) {
      const segment = path.slice(start, end)
      try {
        segments.push(segment.includes('%') ? decodeURIComponent(segment) : segment)
      } catch {
        return undefined
      }
    }
    start = end + 1
  }
  return segments
}
