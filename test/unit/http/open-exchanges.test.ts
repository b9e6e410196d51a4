// The server's open exchanges against a Set as the model: random adds and deletes (repeated deletes too), the
// size and the members listed always the model's, and a list taken before deleting stays whole.
import test from 'ava'
import { OpenExchanges } from '../../../src/http/open-exchanges.js'

interface Item { readonly id: number, slot: number }

test('random adds and deletes: always the same members as a Set, deletes idempotent', (t) => {
  let seed = 7
  const random = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
  const open = new OpenExchanges<Item>()
  const model = new Set<Item>()
  const items: Item[] = Array.from({ length: 300 }, (_, id) => ({ id, slot: -1 }))
  for (let step = 0; step < 20_000; step++) {
    const item = items[random(items.length)] as Item
    // more adds than deletes at first, then more deletes: the list grows and shrinks
    const adding = random(100) < (step < 10_000 ? 60 : 40)
    if (adding && !model.has(item)) {
      open.add(item)
      model.add(item)
    } else {
      open.delete(item)
      model.delete(item)
    }
    if (open.size !== model.size) t.fail(`step ${step}: size ${open.size}, model ${model.size}`)
    if (step % 997 === 0) t.deepEqual(open.list().map((i) => i.id).sort((a, b) => a - b), [...model].map((i) => i.id).sort((a, b) => a - b))
  }
  t.deepEqual(open.list().map((i) => i.id).sort((a, b) => a - b), [...model].map((i) => i.id).sort((a, b) => a - b))
})

test('deleting every member while going through a list taken before: each visited once, none left', (t) => {
  const open = new OpenExchanges<Item>()
  const items: Item[] = Array.from({ length: 50 }, (_, id) => ({ id, slot: -1 }))
  for (const item of items) open.add(item)
  const visited: number[] = []
  for (const item of open.list()) {
    visited.push(item.id)
    open.delete(item)
    open.delete(item)
  }
  t.deepEqual(visited.sort((a, b) => a - b), items.map((i) => i.id))
  t.is(open.size, 0)
  t.true(items.every((i) => i.slot === -1))
})
