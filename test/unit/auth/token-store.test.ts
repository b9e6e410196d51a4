// The token store's bounded waits (SPEC §6.1, §6.7): a caller that gives up leaves nothing behind, even
// while the token topic stays unreachable (issue 10 item 7: 10,000 timeouts left 10,000 waiters).
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Waiters } from '../../../src/auth/waiters.js'
import { freePort } from '../../helpers/gateway.js'

const HELPER = fileURLToPath(new URL('../../helpers/unreachable-token-store.js', import.meta.url))

test('Waiters: release resolves the current callers; a timed-out caller is removed', async (t) => {
  const waiters = new Waiters()
  const early = waiters.wait(10)
  const late = waiters.wait(60_000)
  t.is(waiters.size, 2)
  t.false(await early)
  t.is(waiters.size, 1, 'the timed-out caller is gone')
  waiters.release()
  t.true(await late)
  t.is(waiters.size, 0)
  const next = waiters.wait(60_000)
  waiters.release(false)
  t.false(await next, 'release passes its value on')
})

test('while the token topic is unreachable, timed-out waits leave no waiter behind', async (t) => {
  const child = spawnSync(process.execPath, [HELPER, `127.0.0.1:${await freePort()}`, '10000'], { encoding: 'utf8', timeout: 30_000 })
  const line = child.stdout.trim()
  t.truthy(line, child.stderr)
  t.deepEqual(JSON.parse(line), { state: 'pending', replayed: 0, afterReplays: 0, caughtUp: 0, afterCatchUps: 0 },
    '10,000 replay waits and 10,000 catch-up waits timed out, and none is still registered')
})
