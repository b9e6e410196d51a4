// The supervisor's decisions (src/restart-policy.ts): restart crashes with a growing delay, never loop on
// a gateway that cannot start, and end with the gateway's code when a stop was asked for.
import test from 'ava'
import { decide, FIRST_RESTART_DELAY_MS, MAX_RESTART_DELAY_MS, restartDelay, STABLE_AFTER_MS } from '../../src/restart-policy.js'

test('a gateway that dies after listening is restarted, whatever killed it', (t) => {
  t.deepEqual(decide({ code: null, signal: 'SIGKILL', listened: true, stopping: false }), { action: 'restart' })
  t.deepEqual(decide({ code: null, signal: 'SIGSEGV', listened: true, stopping: false }), { action: 'restart' })
  t.deepEqual(decide({ code: 7, signal: null, listened: true, stopping: false }), { action: 'restart' })
  t.deepEqual(decide({ code: 0, signal: null, listened: true, stopping: false }), { action: 'restart' }, 'an exit nobody asked for')
})

test('a gateway that exits before listening (bad configuration, port taken) is not restarted', (t) => {
  t.deepEqual(decide({ code: 1, signal: null, listened: false, stopping: false }), { action: 'exit', code: 1 })
  t.deepEqual(decide({ code: 0, signal: null, listened: false, stopping: false }), { action: 'exit', code: 1 })
  t.deepEqual(decide({ code: null, signal: 'SIGSEGV', listened: false, stopping: false }), { action: 'restart' }, 'a crash while starting is a crash')
})

test('after a stop was passed on, the supervisor ends with the gateway\'s code', (t) => {
  t.deepEqual(decide({ code: 0, signal: null, listened: true, stopping: true }), { action: 'exit', code: 0 })
  t.deepEqual(decide({ code: null, signal: 'SIGKILL', listened: true, stopping: true }), { action: 'exit', code: 1 })
})

test('restart delays double up to the cap, and start over after a stable run', (t) => {
  let delay = restartDelay(undefined, 0)
  t.is(delay, FIRST_RESTART_DELAY_MS)
  const seen = [delay]
  for (let i = 0; i < 10; i++) seen.push(delay = restartDelay(delay, 1000))
  t.deepEqual(seen.slice(0, 4), [FIRST_RESTART_DELAY_MS, 2 * FIRST_RESTART_DELAY_MS, 4 * FIRST_RESTART_DELAY_MS, 8 * FIRST_RESTART_DELAY_MS])
  t.is(seen.at(-1), MAX_RESTART_DELAY_MS)
  t.is(restartDelay(MAX_RESTART_DELAY_MS, STABLE_AFTER_MS), FIRST_RESTART_DELAY_MS)
})
