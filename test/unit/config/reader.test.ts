// readVariables: a table of variables read from the environment, every problem collected.
import test from 'ava'
import { integer } from '../../../src/config/parsers.js'
import { readVariables } from '../../../src/config/reader.js'

const TABLE = {
  KASTLEX_A: { parse: integer(1, 10), default: '5', doc: 'a' },
  KASTLEX_B: { parse: integer(1, 10), doc: 'b' }
} as const

test('set values are parsed; unset or empty ones take the default, or undefined without one', (t) => {
  const problems: string[] = []
  t.deepEqual(readVariables(TABLE, { KASTLEX_A: '7', KASTLEX_B: '3' }, problems), { KASTLEX_A: 7, KASTLEX_B: 3 })
  t.deepEqual(readVariables(TABLE, {}, problems), { KASTLEX_A: 5, KASTLEX_B: undefined })
  t.deepEqual(readVariables(TABLE, { KASTLEX_A: '', KASTLEX_B: '' }, problems), { KASTLEX_A: 5, KASTLEX_B: undefined })
  t.deepEqual(problems, [])
})

test('every refused value is a problem naming its variable; it stands in as its default', (t) => {
  const problems: string[] = []
  const values = readVariables(TABLE, { KASTLEX_A: '11', KASTLEX_B: 'x' }, problems)
  t.deepEqual(problems, ['KASTLEX_A: expected an integer in 1…10, got "11"', 'KASTLEX_B: expected an integer in 1…10, got "x"'])
  t.deepEqual(values, { KASTLEX_A: 5, KASTLEX_B: undefined })
})

test('a refused default is a problem too (a default file must be readable); a parser\'s own bug is not one', (t) => {
  const problems: string[] = []
  readVariables({ KASTLEX_C: { parse: integer(1, 10), default: '0', doc: 'c' } }, {}, problems)
  t.deepEqual(problems, ['KASTLEX_C: expected an integer in 1…10, got "0"'])
  const broken = { KASTLEX_D: { parse: (): never => { throw new TypeError('bug') }, default: '1', doc: 'd' } }
  t.throws(() => readVariables(broken, {}, []), { instanceOf: TypeError })
})
