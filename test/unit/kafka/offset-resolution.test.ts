// SPEC §5, fetch column: resolving an offset form against earliest E and latest L.
import test from 'ava'
import type { OffsetSpec } from '../../../src/offset-spec.js'
import { resolveOffset, type Resolution } from '../../../src/kafka/offset-resolution.js'

const earliest: OffsetSpec = { kind: 'earliest' }
const latest: OffsetSpec = { kind: 'latest' }
const back = (n: number): OffsetSpec => ({ kind: 'fromEnd', back: n })
const exact = (value: number): OffsetSpec => ({ kind: 'exact', value })
const offset = (o: number): Resolution => ({ kind: 'offset', offset: o })
const EMPTY: Resolution = { kind: 'empty' }
const OUT: Resolution = { kind: 'outOfRange' }

test('resolveOffset follows the fetch column of SPEC §5', (t) => {
  const table: ReadonlyArray<readonly [string, OffsetSpec, number, number, Resolution]> = [
    ['earliest', earliest, 3, 10, offset(3)],
    ['earliest, empty partition', earliest, 5, 5, offset(5)],
    ['latest', latest, 3, 10, offset(10)],
    ['latest, empty partition', latest, 5, 5, offset(5)],
    ['last', back(1), 3, 10, offset(9)],
    ['last, one record', back(1), 9, 10, offset(9)],
    ['last, L = E = 0', back(1), 0, 0, EMPTY],
    ['last, L = E > 0', back(1), 7, 7, EMPTY],
    ['-2', back(2), 3, 10, offset(8)],
    ['-7 down to E', back(7), 3, 10, offset(3)],
    ['-8 below E', back(8), 3, 10, OUT],
    ['-5 on empty partition', back(5), 4, 4, OUT],
    ['-2 on empty partition', back(2), 0, 0, OUT],
    ['exact E', exact(3), 3, 10, offset(3)],
    ['exact inside', exact(6), 3, 10, offset(6)],
    ['exact L', exact(10), 3, 10, offset(10)],
    ['exact below E', exact(2), 3, 10, OUT],
    ['exact above L', exact(11), 3, 10, OUT],
    ['exact 0 on empty partition at 0', exact(0), 0, 0, offset(0)],
    ['exact huge', exact(Number(2n ** 63n - 1n)), 0, 10, OUT]
  ]
  for (const [name, spec, e, l, expected] of table) {
    t.deepEqual(resolveOffset(spec, e, l), expected, `${name} (E=${e}, L=${l})`)
  }
})
