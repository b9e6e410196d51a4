// The V8 helper threads a gateway is started with (src/v8-threads.ts).
import test from 'ava'
import { v8PoolArgs, withoutPoolFlag, workerExecArgv } from '../../src/v8-threads.js'

test('one helper thread on 2 cores or fewer, Node\'s default beyond', (t) => {
  t.deepEqual(v8PoolArgs([], undefined, 1), ['--v8-pool-size=1'])
  t.deepEqual(v8PoolArgs([], undefined, 2), ['--v8-pool-size=1'])
  t.deepEqual(v8PoolArgs([], undefined, 3), [])
  t.deepEqual(v8PoolArgs([], undefined, 64), [])
})

test('a pool size given in execArgv or NODE_OPTIONS is left alone', (t) => {
  t.deepEqual(v8PoolArgs(['--v8-pool-size=3'], undefined, 2), [])
  t.deepEqual(v8PoolArgs(['--v8-pool-size', '3'], undefined, 2), [])
  t.deepEqual(v8PoolArgs([], '--max-old-space-size=512  --v8-pool-size=0', 2), [])
  t.deepEqual(v8PoolArgs(['--cpu-prof'], '--max-old-space-size=512', 2), ['--v8-pool-size=1'])
})

test('worker threads get the parent\'s flags without the pool flag, which they refuse', (t) => {
  t.deepEqual(withoutPoolFlag(['--v8-pool-size=1', '--cpu-prof']), ['--cpu-prof'])
  t.deepEqual(withoutPoolFlag(['--v8-pool-size', '3', '--max-old-space-size=512']), ['--max-old-space-size=512'])
  t.deepEqual(withoutPoolFlag([]), [])
})

test('worker threads of this process: its flags without the pool flag, require() of ES modules off', (t) => {
  t.true(workerExecArgv().includes('--no-experimental-require-module'))
  t.false(workerExecArgv().some((arg) => arg.startsWith('--v8-pool-size')))
})
