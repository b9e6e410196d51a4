// SPEC §7.3: user_data and offset metadata as text when printable, else base64.
import test from 'ava'
import { isPrintable, isPrintableString, printable } from '../../../src/groups/printable.js'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')
const text = (value: string): unknown => ({ value, encoding: 'text' })
const base64 = (value: string): unknown => ({ value, encoding: 'base64' })

/** The rule as written in the spec, on code points. */
const reference = (cp: number): boolean =>
  (cp >= 0x20 && cp <= 0x7e) || [0x0a, 0x0d, 0x09, 0x0b, 0x08, 0x0c, 0x1b, 0x07, 0x7f].includes(cp) ||
  (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)

test('empty and null render as empty text', (t) => {
  for (const data of [null, undefined, '', Buffer.alloc(0)]) t.deepEqual(printable(data), text(''), String(data))
})

test('bytes: text or padded base64', (t) => {
  const table: ReadonlyArray<readonly [string, string, unknown]> = [
    ['ASCII', '68656c6c6f20776f726c64', text('hello world')],
    ['\\a \\b \\t \\n \\v \\f \\r \\e DEL', '07 08 09 0a 0b 0c 0d 1b 7f', text('\x07\b\t\n\v\f\r\x1b\x7f')],
    ['NUL', '61 00', base64('YQA=')],
    ['0x06', '06', base64('Bg==')],
    ['0x0e', '0e', base64('Dg==')],
    ['0x1a', '1a', base64('Gg==')],
    ['0x1c', '1c', base64('HA==')],
    ['0x1f', '1f', base64('Hw==')],
    ['U+0080 (C1 control)', 'c2 80', base64('woA=')],
    ['U+009F (C1 control)', 'c2 9f', base64('wp8=')],
    ['U+00A0', 'c2 a0', text('\u00a0')],
    ['é', 'c3 a9', text('é')],
    ['U+D7FF', 'ed 9f bf', text('\ud7ff')],
    ['U+D800 encoded (surrogate)', 'ed a0 80', base64('7aCA')],
    ['U+DFFF encoded (surrogate)', 'ed bf bf', base64('7b+/')],
    ['U+E000', 'ee 80 80', text('\ue000')],
    ['U+FFFD', 'ef bf bd', text('\ufffd')],
    ['U+FFFE', 'ef bf be', base64('77++')],
    ['U+FFFF', 'ef bf bf', base64('77+/')],
    ['U+10000', 'f0 90 80 80', text('\u{10000}')],
    ['🚀', 'f0 9f 9a 80', text('🚀')],
    ['U+10FFFF', 'f4 8f bf bf', text('\u{10ffff}')],
    ['U+110000', 'f4 90 80 80', base64('9JCAgA==')],
    ['0xF5 lead byte', 'f5 80 80 80', base64('9YCAgA==')],
    ['0xFF', 'ff', base64('/w==')],
    ['overlong NUL (C0 80)', 'c0 80', base64('wIA=')],
    ['overlong C1 BF', 'c1 bf', base64('wb8=')],
    ['overlong 3-byte NUL', 'e0 80 80', base64('4ICA')],
    ['overlong U+07FF', 'e0 9f bf', base64('4J+/')],
    ['overlong 4-byte U+FFFF', 'f0 8f bf bf', base64('8I+/vw==')],
    ['lone continuation byte', '61 80', base64('YYA=')],
    ['bad continuation', 'c3 28', base64('wyg=')],
    ['truncated 2-byte', '61 c3', base64('YcM=')],
    ['truncated 3-byte', 'e2 82', base64('4oI=')],
    ['truncated 4-byte', 'f0 9f 98', base64('8J+Y')],
    ['mixed scripts', 'e4b8bbe9a298 2d 6b6cc3bc 0a', text('主题-klü\n')]
  ]
  for (const [name, bytes, expected] of table) t.deepEqual(printable(hex(bytes)), expected, name)
})

test('strings: judged by code points, base64 of their UTF-8 bytes', (t) => {
  const table: ReadonlyArray<readonly [string, string, unknown]> = [
    ['ASCII', 'offset metadata', text('offset metadata')],
    ['controls allowed', 'a\tb\nc\x1b', text('a\tb\nc\x1b')],
    ['NUL', 'a\u0000', base64('YQA=')],
    ['C1 control', '\u0085', base64('woU=')],
    ['U+FFFE', '\ufffe', base64('77++')],
    ['astral', '🚀x', text('🚀x')],
    ['lone high surrogate', 'a\ud800', base64('Ye+/vQ==')],
    ['lone low surrogate', '\udc00b', base64('77+9Yg==')]
  ]
  for (const [name, s, expected] of table) t.deepEqual(printable(s), expected, name)
})

test('every code point: bytes and string checks agree with the spec\'s rule', (t) => {
  const failures: string[] = []
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue
    const s = String.fromCodePoint(cp)
    const want = reference(cp)
    if (isPrintable(Buffer.from(s, 'utf8')) !== want) failures.push(`bytes U+${cp.toString(16)}`)
    if (isPrintableString(s) !== want) failures.push(`string U+${cp.toString(16)}`)
    if (failures.length > 20) break
  }
  t.deepEqual(failures, [])
})

test('random bytes: printable only when strict UTF-8, and then as the decoded string is', (t) => {
  let seed = 0x12345678
  const next = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0 }
  const alphabet = [0x00, 0x07, 0x1b, 0x20, 0x41, 0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xc3, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff]
  const strict = new TextDecoder('utf-8', { fatal: true })
  const failures: string[] = []
  for (let round = 0; round < 20_000; round++) {
    const bytes = Buffer.from(Array.from({ length: 1 + next() % 6 }, () => alphabet[next() % alphabet.length]!))
    let decoded: string | undefined
    try { decoded = strict.decode(bytes) } catch { decoded = undefined }
    const want = decoded !== undefined && isPrintableString(decoded)
    if (isPrintable(bytes) !== want) failures.push(bytes.toString('hex'))
  }
  t.deepEqual(failures, [])
})
