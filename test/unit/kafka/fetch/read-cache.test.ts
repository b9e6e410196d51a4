// The read cache's runs (src/kafka/fetch/read-cache.ts): what is served from which run, never overlapping
// runs, the byte budget and least-recently-read eviction. Pure: no Kafka.
import test from 'ava'
import { ReadCache, recordBytes, uncovered, type Run } from '../../../../src/kafka/fetch/read-cache.js'
import type { FetchedRecord } from '../../../../src/pool/messages.js'

const record = (offset: number, size = 10): FetchedRecord => ({ offset, value: Buffer.alloc(size, offset % 256) })
/** A run of [start, end) with a record at every offset not in `gaps`. */
const run = (start: number, end: number, gaps: readonly number[] = []): Run => ({
  start, end, records: Array.from({ length: end - start }, (_, i) => start + i).filter((o) => !gaps.includes(o)).map((o) => record(o))
})
const offsets = (r: Run | undefined): number[] | undefined => r?.records.map((x) => x.offset)

test('a read is served by the run holding its offset, and by no run at or past a run\'s end', (t) => {
  const cache = new ReadCache(1 << 20)
  cache.add('p', run(10, 20, [15]), 30)
  t.deepEqual([cache.find('p', 10)?.start, cache.find('p', 15)?.start, cache.find('p', 19)?.start], [10, 10, 10])
  t.is(cache.find('p', 9), undefined)
  t.is(cache.find('p', 20), undefined)
  t.is(cache.find('other', 12), undefined, 'runs belong to one partition')
  t.deepEqual(offsets(cache.find('p', 12)), [10, 11, 12, 13, 14, 16, 17, 18, 19], 'the gap is the log\'s own')
  t.is(cache.lastStable('p'), 30)
  t.is(cache.lastStable('other'), -1)
})

test('a fetch overlapping cached runs adds only what they do not hold; runs stay disjoint and sorted', (t) => {
  t.deepEqual(uncovered([run(10, 20), run(30, 40)], run(5, 45)).map((r) => [r.start, r.end, r.records.length]),
    [[5, 10, 5], [20, 30, 10], [40, 45, 5]])
  t.deepEqual(uncovered([run(10, 20)], run(12, 18)), [])
  t.deepEqual(uncovered([run(10, 20)], run(15, 25)).map((r) => [r.start, r.end]), [[20, 25]])
  const many = [run(0, 2), run(5, 7), run(10, 12), run(20, 22)]
  t.deepEqual(uncovered(many, run(6, 21)).map((r) => [r.start, r.end]), [[7, 10], [12, 20]], 'starting inside a later run')
  t.deepEqual(uncovered(many, run(3, 4)).map((r) => [r.start, r.end]), [[3, 4]], 'between runs')
  t.deepEqual(uncovered(many, run(30, 31)).map((r) => [r.start, r.end]), [[30, 31]], 'after every run')

  const cache = new ReadCache(1 << 20)
  cache.add('p', run(10, 20), 40)
  cache.add('p', run(30, 40), 40)
  cache.add('p', run(5, 45), 45)
  const seen: Array<[number, number]> = []
  for (let offset = 5; offset < 45;) {
    const found = cache.find('p', offset) as Run
    seen.push([found.start, found.end])
    t.deepEqual(offsets(found), Array.from({ length: found.end - found.start }, (_, i) => found.start + i))
    offset = found.end
  }
  t.deepEqual(seen, [[5, 10], [10, 20], [20, 30], [30, 40], [40, 45]])
  t.is(cache.lastStable('p'), 45)
  t.true(cache.endsAt('p', 45))
  t.false(cache.endsAt('p', 44))
  t.is(cache.records, 40)
})

test('a range holding no records (transaction markers) is a run too: reads there skip to its end', (t) => {
  const cache = new ReadCache(1 << 20)
  cache.add('p', { start: 7, end: 9, records: [] }, 9)
  t.deepEqual([cache.find('p', 7)?.end, cache.find('p', 8)?.records.length], [9, 0])
})

test('beyond the budget the least recently read runs are dropped, in every partition', (t) => {
  const one = new ReadCache(Number.MAX_SAFE_INTEGER)
  one.add('x', run(0, 10), 10)
  const costOfTen = one.bytes
  t.true(costOfTen >= 10 * recordBytes(record(0)), 'at least the records\' bytes are counted')

  const cache = new ReadCache(costOfTen * 3)
  cache.add('a', run(0, 10), 100)
  cache.add('b', run(0, 10), 100)
  cache.add('a', run(50, 60), 100)
  t.truthy(cache.find('a', 0), 'read: now the most recent')
  cache.add('c', run(0, 10), 100)
  t.is(cache.find('b', 0), undefined, 'b was the least recently read')
  t.truthy(cache.find('a', 0))
  t.truthy(cache.find('a', 55))
  t.truthy(cache.find('c', 5))
  t.true(cache.bytes <= costOfTen * 3)
  t.is(cache.lastStable('b'), -1, 'a partition without runs is forgotten')
})

test('a run read ahead (not read yet) stays while older runs its readers passed are dropped', (t) => {
  const one = new ReadCache(Number.MAX_SAFE_INTEGER)
  one.add('x', run(0, 10), 10)
  const cache = new ReadCache(one.bytes * 3)
  cache.add('p', run(0, 10), 100)
  t.truthy(cache.find('p', 5))
  cache.add('p', run(10, 20), 100)
  t.truthy(cache.find('p', 15))
  cache.add('p', run(20, 30), 100)
  cache.add('p', run(30, 40), 100)
  t.is(cache.find('p', 5), undefined, 'the oldest run, already read, went first')
  t.truthy(cache.find('p', 25), 'read ahead and not read yet: kept')
  t.truthy(cache.find('p', 35))
})

test('eviction is exactly least recently read first, over many random adds and reads', (t) => {
  const one = new ReadCache(Number.MAX_SAFE_INTEGER)
  one.add('x', run(0, 10), 10)
  const kept = 7
  const cache = new ReadCache(one.bytes * kept)
  /** The reference: `partition start` of the cached runs, least recently used first. */
  let model: string[] = []
  const use = (key: string): void => { model = [...model.filter((k) => k !== key), key] }
  let seed = 7
  const random = (n: number): number => { seed = (seed * 48271) % 2147483647; return Math.floor(seed / 2147483647 * n) }
  for (let step = 0; step < 2000; step++) {
    const partition = `p${random(2)}`
    const start = random(6) * 10
    const key = `${partition} ${start}`
    if (random(2) === 0) {
      if (!model.includes(key)) {
        cache.add(partition, run(start, start + 10), 1000)
        use(key)
        model = model.slice(-kept)
      }
    } else {
      const found = cache.find(partition, start + random(10)) !== undefined
      t.is(found, model.includes(key), `step ${step}: ${key}`)
      if (found) use(key)
    }
  }
  t.is(cache.records, model.length * 10)
})

test('a budget of 0 caches nothing', (t) => {
  const cache = new ReadCache(0)
  cache.add('p', run(0, 10), 10)
  t.is(cache.find('p', 0), undefined)
  t.is(cache.bytes, 0)
  t.is(cache.records, 0)
})
