// SPEC §2.3: strict integers.
import test from 'ava'
import { INT32_MAX, parseInt64, parseInteger } from '../../src/integers.js'

test('parseInteger accepts exactly ^-?[0-9]+$ within the range', (t) => {
  const cases: ReadonlyArray<readonly [string, number, number, number | undefined]> = [
    ['0', 0, 10, 0],
    ['7', 0, 10, 7],
    ['10', 0, 10, 10],
    ['11', 0, 10, undefined],
    ['-1', 0, 10, undefined],
    ['-1', -1, 1, -1],
    ['007', 0, 10, 7],
    ['2147483647', 0, INT32_MAX, INT32_MAX],
    ['2147483648', 0, INT32_MAX, undefined],
    ['99999999999999999999', 0, INT32_MAX, undefined],
    ['999999999999999999999999999999', 0, INT32_MAX, undefined],
    ['12abc', 0, 100, undefined],
    ['+5', 0, 10, undefined],
    [' 5', 0, 10, undefined],
    ['5 ', 0, 10, undefined],
    ['1.5', 0, 10, undefined],
    ['1e3', 0, 10000, undefined],
    ['0x10', 0, 100, undefined],
    ['', 0, 10, undefined],
    ['-', 0, 10, undefined],
    ['--1', -10, 10, undefined],
    ['abc', 0, 10, undefined],
    ['\u0665', 0, 10, undefined] // Arabic-Indic digit five
  ]
  for (const [raw, min, max, expected] of cases) {
    t.is(parseInteger(raw, min, max), expected, `${JSON.stringify(raw)} in ${min}…${max}`)
  }
})

test('parseInteger: -0 is 0, not negative zero', (t) => {
  t.true(Object.is(parseInteger('-0', 0, 10), 0))
  t.true(Object.is(parseInteger('-000', 0, 10), 0))
})

test('parseInteger: leading zeros do not change the value, however many (SPEC §2.3)', (t) => {
  t.is(parseInteger('0000000000000000000000042', 0, 100), 42)
  t.is(parseInteger('-0000000000000000000000001', -1, 1), -1)
})

test('parseInt64 accepts the signed 64-bit range', (t) => {
  const cases: ReadonlyArray<readonly [string, number | undefined]> = [
    ['0', 0],
    ['42', 42],
    ['-42', -42],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['9223372036854775807', Number(2n ** 63n - 1n)],
    ['9223372036854775808', undefined],
    ['-9223372036854775808', Number(-(2n ** 63n))],
    ['-9223372036854775809', undefined],
    ['99999999999999999999999', undefined],
    ['12abc', undefined],
    ['+5', undefined],
    [' 5', undefined],
    ['1.5', undefined],
    ['', undefined]
  ]
  for (const [raw, expected] of cases) {
    t.is(parseInt64(raw), expected, JSON.stringify(raw))
  }
  t.true(Object.is(parseInt64('-0'), 0), '-0 is 0')
})

test('parseInt64: leading zeros do not change the value, however many (SPEC §2.3)', (t) => {
  t.is(parseInt64('00000000000000000000000000000005'), 5)
})
