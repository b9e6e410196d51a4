// SPEC §4.7 (x-message-headers → record headers) and §2.3 (path partition).
import test from 'ava'
import { messageHeaders, partitionParam } from '../../../src/api/messages.js'
import { HttpError } from '../../../src/http/errors.js'

test('messageHeaders converts a JSON object to record headers sorted by name', (t) => {
  const table: ReadonlyArray<readonly [readonly string[], Array<[string, string]>]> = [
    [[], []],
    [['{}'], []],
    [[' { } '], []],
    [['{"b":"x","a":1.50,"c":true,"d":null,"e":[1,{"f":2}]}'],
      [['a', '1.5'], ['b', 'x'], ['c', 'true'], ['d', 'null'], ['e', '[1,{"f":2}]']]],
    [['{"a":"1","a":"2"}'], [['a', '2']]],
    [['{"a":"1","b":"x","a":"3"}'], [['a', '3'], ['b', 'x']]],
    [['{"s":"  spaced  ","empty":"","n":-0.0,"big":1e3,"f":false}'],
      [['big', '1000'], ['empty', ''], ['f', 'false'], ['n', '0'], ['s', '  spaced  ']]],
    [['{"o":{ "x" : [ 1 , 2 ] },"arr":[]}'], [['arr', '[]'], ['o', '{"x":[1,2]}']]],
    [['{"é":"ü","B":"upper","a":"lower"}'], [['B', 'upper'], ['a', 'lower'], ['é', 'ü']]],
    [['{"\\u0041":"escaped name","q":"say \\"hi\\""}'], [['A', 'escaped name'], ['q', 'say "hi"']]],
    [['{"__proto__":"x"}'], [['__proto__', 'x']]]
  ]
  for (const [lines, expected] of table) {
    t.deepEqual(messageHeaders(lines), expected, JSON.stringify(lines))
  }
})

test('messageHeaders: more than one line or anything but a JSON object → 400 invalid x-message-headers', (t) => {
  const table: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['two lines', ['{"a":"1"}', '{"b":"2"}']],
    ['two identical lines', ['{}', '{}']],
    ['malformed JSON', ['{"a":']],
    ['single quotes', ["{'a':'1'}"]],
    ['trailing garbage', ['{"a":"1"} x']],
    ['empty line', ['']],
    ['array', ['["a","b"]']],
    ['string', ['"a"']],
    ['number', ['1']],
    ['boolean', ['true']],
    ['null', ['null']]
  ]
  for (const [name, lines] of table) {
    const error = t.throws(() => messageHeaders(lines), { instanceOf: HttpError }, name)
    t.is(error?.status, 400, name)
    t.true(error?.error.startsWith('invalid x-message-headers'), `${name}: ${String(error?.error)}`)
  }
})

test('messageHeaders: a detail follows the prefix after a colon', (t) => {
  const error = t.throws(() => messageHeaders(['{']), { instanceOf: HttpError })
  t.regex(error?.error ?? '', /^invalid x-message-headers: .+/)
})

test('partitionParam: integers pass (negative → non-existent), anything else → 400 invalid partition', (t) => {
  t.is(partitionParam('0'), 0)
  t.is(partitionParam('3'), 3)
  t.is(partitionParam('007'), 7)
  t.true(Object.is(partitionParam('-0'), 0))
  t.is(partitionParam('2147483647'), 2147483647)
  t.true(partitionParam('-1') < 0, '-1 is a well-formed negative partition (→ 404 later)')
  t.true(partitionParam('-2147483649') < 0)
  for (const raw of ['x', '', '1.5', '+1', ' 1', '1 ', '12abc', '0x1', '1e2']) {
    const error = t.throws(() => partitionParam(raw), { instanceOf: HttpError }, JSON.stringify(raw))
    t.like(error, { status: 400, error: 'invalid partition' }, JSON.stringify(raw))
  }
})

test('partitionParam: above 2^31−1 is outside the stated range → 400 invalid partition (SPEC §2.3)', (t) => {
  for (const raw of ['2147483648', '9223372036854775807']) {
    const error = t.throws(() => partitionParam(raw), { instanceOf: HttpError }, raw)
    t.like(error, { status: 400, error: 'invalid partition' }, raw)
  }
})
