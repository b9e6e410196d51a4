// The high watermarks kept in place across refreshes (src/cluster/high-watermarks.ts), against a fresh Map
// built from each refresh, as the monitor kept them before.
import test from 'ava'
import { HighWatermarks } from '../../../src/cluster/high-watermarks.js'
import type { PartitionOffset } from '../../../src/pool/messages.js'

function random (seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

function sameEntries (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value)
}

test('after any sequence of refreshes, lookups and the listing are exactly those of the last refresh, and each says whether anything changed', (t) => {
  const next = random(7)
  const watermarks = new HighWatermarks()
  let previous = new Map<string, number>()
  for (let refresh = 0; refresh < 300; refresh++) {
    // topics come and go, partitions are left out (no leader), offsets move
    const offsets: PartitionOffset[] = []
    // every fifth refresh repeats the previous one (nothing changed); the one before leaves out one of its
    // partitions (the only change)
    if (refresh % 5 === 3 || refresh % 5 === 4) {
      for (const [key, offset] of [...previous].slice(refresh % 5 === 3 ? 1 : 0)) {
        const [topic, partition] = key.split('/')
        offsets.push({ topic: topic as string, partition: Number(partition), offset })
      }
    } else {
      for (let topic = 0; topic < 12; topic++) {
        if (next() < 0.2) continue
        const partitions = 1 + Math.floor(next() * 6)
        for (let partition = 0; partition < partitions; partition++) {
          if (next() < 0.15) continue
          // offsets move by little, so that a refresh now and then changes nothing by chance
          offsets.push({ topic: `t${topic}`, partition, offset: Math.floor(next() * 3) })
        }
      }
    }
    const changed = watermarks.replace(offsets)
    const expected = new Map(offsets.map((o) => [`${o.topic}/${o.partition}`, o.offset]))
    t.is(changed, refresh === 0 ? expected.size > 0 : !sameEntries(expected, previous), `refresh ${refresh}: changed`)
    previous = expected
    for (let topic = 0; topic < 13; topic++) {
      for (let partition = 0; partition < 8; partition++) {
        t.is(watermarks.get(`t${topic}`, partition), expected.get(`t${topic}/${partition}`), `refresh ${refresh}: t${topic}/${partition}`)
      }
    }
    const listed: string[] = []
    watermarks.forEach((topic, partition, offset) => listed.push(`${topic}/${partition}=${offset}`))
    t.deepEqual(listed.sort(), [...expected].map(([key, offset]) => `${key}=${offset}`).sort(), `refresh ${refresh}: the listing`)
  }
})

test('partitions are listed in ascending order within a topic, and an empty refresh forgets everything', (t) => {
  const watermarks = new HighWatermarks()
  watermarks.replace([{ topic: 'a', partition: 2, offset: 5 }, { topic: 'a', partition: 0, offset: 0 }, { topic: 'b', partition: 0, offset: 9 }])
  const listed: Array<[string, number, number]> = []
  watermarks.forEach((topic, partition, offset) => listed.push([topic, partition, offset]))
  t.deepEqual(listed, [['a', 0, 0], ['a', 2, 5], ['b', 0, 9]])
  t.is(watermarks.get('a', 1), undefined)
  t.is(watermarks.get('a', 0), 0)
  watermarks.replace([])
  t.is(watermarks.get('a', 2), undefined)
  watermarks.forEach(() => t.fail())
})
