// The bounded map behind the token verifier's two caches (two generations, see src/auth/lru.ts).
import test from 'ava'
import { LruMap } from '../../../src/auth/lru.js'

test('keeps at most capacity entries, dropping the least recently used', (t) => {
  const lru = new LruMap<string, number>(2)
  lru.set('a', 1)
  lru.set('b', 2)
  t.is(lru.get('a'), 1, 'a read makes a the most recent')
  lru.set('c', 3)
  t.is(lru.size, 2)
  t.is(lru.get('b'), undefined, 'b was the least recently used')
  t.is(lru.get('a'), 1)
  t.is(lru.get('c'), 3)
  lru.set('a', 10)
  t.is(lru.get('a'), 10, 'set replaces')
  lru.delete('a')
  t.is(lru.get('a'), undefined)
  t.is(lru.size, 1)
})

test('capacity 0 keeps nothing', (t) => {
  const lru = new LruMap<string, number>(0)
  lru.set('a', 1)
  t.is(lru.size, 0)
  t.is(lru.get('a'), undefined)
})

test('never holds more than capacity, keeps the last capacity / 2 used, and a key read often stays', (t) => {
  const lru = new LruMap<number, number>(10)
  lru.set(-1, -1)
  for (let i = 0; i < 100; i++) {
    lru.set(i, i)
    t.true(lru.size <= 10)
    t.is(lru.get(-1), -1, `the key read after every set is still there after ${i + 1} sets`)
  }
  for (let i = 96; i < 100; i++) t.is(lru.get(i), i, `recent key ${i}`)
  t.is(lru.get(0), undefined, 'an early key unused since is gone')
})
