// SPEC §5: offset forms.
import test from 'ava'
import { parseOffsetSpec } from '../../../src/http/params.js'
import type { OffsetSpec } from '../../../src/offset-spec.js'

test('parseOffsetSpec reads the forms of SPEC §5', (t) => {
  const cases: ReadonlyArray<readonly [string, OffsetSpec | undefined]> = [
    ['earliest', { kind: 'earliest' }],
    ['latest', { kind: 'latest' }],
    ['last', { kind: 'fromEnd', back: 1 }],
    ['-1', { kind: 'fromEnd', back: 1 }],
    ['-2', { kind: 'fromEnd', back: 2 }],
    ['-5', { kind: 'fromEnd', back: 5 }],
    ['0', { kind: 'exact', value: 0 }],
    ['-0', { kind: 'exact', value: 0 }],
    ['7', { kind: 'exact', value: 7 }],
    ['1700000000000', { kind: 'exact', value: 1700000000000 }],
    ['9223372036854775808', undefined],
    ['abc', undefined],
    ['1.5', undefined],
    ['+5', undefined],
    [' 5', undefined],
    ['5 ', undefined],
    ['', undefined],
    ['12abc', undefined],
    ['first', undefined]
  ]
  for (const [raw, expected] of cases) {
    t.deepEqual(parseOffsetSpec(raw), expected, JSON.stringify(raw))
  }
})
