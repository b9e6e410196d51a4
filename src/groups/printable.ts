// `user_data` and offset `metadata` as text or base64 (SPEC §7.3).
//
// Printable = empty / null, or only: ASCII 0x20–0x7E, \a \b \t \n \v \f \r (0x07–0x0D), \e (0x1B),
// DEL (0x7F), and UTF-8 code points in U+00A0–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF, validly encoded
// (shortest form, no surrogates). That is Elixir's `String.printable?/1`, which the original used.
// Everything else (NUL and other C0 controls, C1 controls U+0080–U+009F, U+FFFE/U+FFFF, invalid UTF-8)
// is rendered as standard padded base64 of the bytes.

export interface Printable {
  value: string
  encoding: 'text' | 'base64'
}

const EMPTY: Printable = Object.freeze({ value: '', encoding: 'text' })

/**
 * Renders bytes or a string. A string is judged by its code points (a lone surrogate is not printable)
 * and, when not printable, base64-encodes its UTF-8 bytes.
 */
export function printable (data: Buffer | string | null | undefined): Printable {
  if (data === null || data === undefined || data.length === 0) return EMPTY
  if (typeof data === 'string') {
    return isPrintableString(data) ? { value: data, encoding: 'text' } : { value: Buffer.from(data, 'utf8').toString('base64'), encoding: 'base64' }
  }
  return isPrintable(data) ? { value: data.toString('utf8'), encoding: 'text' } : { value: data.toString('base64'), encoding: 'base64' }
}

function printableAscii (b: number): boolean {
  return (b >= 0x20 && b <= 0x7f) || (b >= 0x07 && b <= 0x0d) || b === 0x1b
}

function printableCodePoint (cp: number): boolean {
  if (cp < 0x80) return printableAscii(cp)
  return (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
}

/** Strict UTF-8 decoding, each code point checked as it is decoded. */
export function isPrintable (bytes: Uint8Array): boolean {
  const n = bytes.length
  let i = 0
  while (i < n) {
    const b = bytes[i]
    if (b < 0x80) {
      if (!printableAscii(b)) return false
      i++
      continue
    }
    let size: number
    let cp: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) { size = 2; cp = b & 0x1f; min = 0x80 } // 0xC0, 0xC1: always overlong
    else if (b >= 0xe0 && b <= 0xef) { size = 3; cp = b & 0x0f; min = 0x800 }
    else if (b >= 0xf0 && b <= 0xf4) { size = 4; cp = b & 0x07; min = 0x10000 }
    else return false // a continuation byte first, or 0xF5–0xFF
    if (i + size > n) return false
    for (let k = 1; k < size; k++) {
      const c = bytes[i + k]
      if ((c & 0xc0) !== 0x80) return false
      cp = (cp << 6) | (c & 0x3f)
    }
    // Overlong forms are invalid; surrogates and > U+10FFFF are invalid UTF-8 and outside the ranges anyway.
    if (cp < min || !printableCodePoint(cp)) return false
    i += size
  }
  return true
}

export function isPrintableString (s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!
    if (!printableCodePoint(cp)) return false
    if (cp > 0xffff) i++
  }
  return true
}
