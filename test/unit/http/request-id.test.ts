// SPEC §2.2: a client's x-request-id of 1–200 characters in 0x21–0x7E is echoed, else one is generated.
import test from 'ava'
import { requestIdFor } from '../../../src/http/request-id.js'

const GENERATED = /^[A-Za-z0-9_-]{20,}$/

test('a printable id of 1–200 characters is echoed unchanged', (t) => {
  const everyPrintable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('')
  for (const id of ['a', 'x', 'req-1', 'short', 'a'.repeat(200), everyPrintable, '"quoted"\\{}', '!~']) {
    t.is(requestIdFor(id), id, JSON.stringify(id))
  }
})

test('anything else gets a generated base64url id of ≥ 20 characters', (t) => {
  for (const id of [undefined, '', 'a'.repeat(201), 'a b', ' a', 'a\t', 'caf\u00e9', 'a\u007f', 'a\u0000', 'line\nbreak']) {
    const generated = requestIdFor(id)
    t.regex(generated, GENERATED, JSON.stringify(id))
    t.not(generated, id, JSON.stringify(id))
  }
})

test('generated ids differ (across the refill of the random pool)', (t) => {
  const ids = new Set<string>()
  for (let i = 0; i < 3000; i++) ids.add(requestIdFor(undefined))
  t.is(ids.size, 3000)
  for (const id of ids) if (!GENERATED.test(id)) t.fail(`malformed generated id ${id}`)
})

test('a generated id is 15 random bytes as 20 base64url characters, cut from the pool\'s text at its own place', (t) => {
  for (let i = 0; i < 2100; i++) {
    const id = requestIdFor(undefined)
    if (id.length !== 20 || Buffer.from(id, 'base64url').toString('base64url') !== id) t.fail(`id ${i}: ${id}`)
  }
  t.pass()
})
