// SPEC §10.6a framing: which content-length / transfer-encoding combinations are refused, and how.
import test from 'ava'
import { framingError } from '../../../src/http/framing.js'
import { RequestHeaders } from '../../../src/http/request.js'

const headers = (...lines: Array<[string, string]>): RequestHeaders => {
  const all = new RequestHeaders()
  for (const [name, value] of lines) all.add(name, value)
  return all
}
const refusal = (...lines: Array<[string, string]>): string | undefined => {
  const error = framingError(headers(...lines))
  return error === undefined ? undefined : `${error.status} ${error.error}`
}

test('accepted: no body headers, one decimal content-length (repeated identically), one chunked in any case', (t) => {
  t.is(refusal(), undefined)
  t.is(refusal(['content-length', '0']), undefined)
  t.is(refusal(['content-length', '42'], ['content-length', '42']), undefined)
  t.is(refusal(['content-length', '007']), undefined)
  t.is(refusal(['content-length', '999999999999999']), undefined)
  t.is(refusal(['transfer-encoding', 'chunked']), undefined)
  t.is(refusal(['transfer-encoding', 'CHUNKED']), undefined)
})

test('content-length: differing values, lists, signs, exponents, hex, blanks, beyond 15 digits → 400 invalid content-length', (t) => {
  for (const values of [['1', '5'], ['5', '1'], ['5', '5', '6'], ['5, 5'], ['-1'], ['+1'], ['1e3'], ['0x5'], [''], [' 5'], ['1000000000000000'], ['18446744073709551621']]) {
    t.is(refusal(...values.map((v): [string, string] => ['content-length', v])), '400 invalid content-length', values.join(' | '))
  }
})

test('transfer-encoding: anything but one chunked → 400 invalid transfer-encoding; with content-length too → 400', (t) => {
  for (const values of [['xchunked'], ['chunked, gzip'], ['identity, chunked'], ['gzip, chunked'], ['gzip'], ['identity'], [''], ['chunked', 'chunked'], ['chunked', 'gzip'], ['chunked;q=1']]) {
    t.is(refusal(...values.map((v): [string, string] => ['transfer-encoding', v])), '400 invalid transfer-encoding', values.join(' | '))
  }
  t.is(refusal(['transfer-encoding', 'chunked'], ['content-length', '5']), '400 invalid transfer-encoding: with content-length')
  t.is(refusal(['content-length', '5'], ['transfer-encoding', 'gzip']), '400 invalid transfer-encoding')
})
