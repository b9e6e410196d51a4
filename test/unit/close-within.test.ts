// Stopping: closes run together under one deadline; what hangs or fails is named, never waited for.
import test from 'ava'
import { closeWithin } from '../../src/close-within.js'

test('closes that finish leave nothing to report', async (t) => {
  const closed: string[] = []
  const problems = await closeWithin(1_000, {
    a: async () => { closed.push('a') },
    b: async () => { await Promise.resolve(); closed.push('b') },
    absent: undefined
  })
  t.deepEqual(problems, {})
  t.deepEqual(closed.sort(), ['a', 'b'])
})

test('a close that never settles is named once the deadline passes; the others still close', async (t) => {
  let otherClosed = false
  const problems = await closeWithin(50, {
    hangs: async () => await new Promise<void>(() => {}),
    quick: async () => { otherClosed = true }
  })
  t.deepEqual(problems, { hangs: 'still closing after 50 ms' })
  t.true(otherClosed)
})

test('a close that fails is named with its error', async (t) => {
  const problems = await closeWithin(1_000, { broken: async () => { throw new Error('disconnect failed') } })
  t.deepEqual(problems, { broken: 'disconnect failed' })
})
