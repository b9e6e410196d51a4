// SPEC §4.9: under-replicated iff the replica set differs from the ISR set (leader −1 tolerated).
import test from 'ava'
import { underReplicated } from '../../../src/api/urp.js'

test('underReplicated compares replicas and ISR as sets', (t) => {
  const table: ReadonlyArray<readonly [number[], number[], boolean]> = [
    [[1, 2, 3], [1, 2, 3], false],
    [[1, 2, 3], [3, 1, 2], false],
    [[3, 2, 1], [1, 2, 3], false],
    [[1], [1], false],
    [[], [], false],
    [[1, 2, 3], [1, 2], true],
    [[1, 2, 3], [], true],
    [[1], [], true],
    [[1, 2], [1, 3], true],
    [[1, 2], [1, 2, 3], true]
  ]
  for (const [replicas, isr, expected] of table) {
    const label = `replicas ${JSON.stringify(replicas)} isr ${JSON.stringify(isr)}`
    t.is(underReplicated({ partition: 0, leader: replicas[0] ?? -1, replicas, isr }), expected, label)
  }
  t.true(underReplicated({ partition: 0, leader: -1, replicas: [1, 2], isr: [] }), 'leader −1, empty ISR')
  t.false(underReplicated({ partition: 0, leader: -1, replicas: [1, 2], isr: [2, 1] }), 'leader −1, full ISR')
})
