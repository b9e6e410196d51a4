// The V8 flags a gateway is started with (src/v8-flags.ts).
import test from 'ava'
import { gatewayV8Args, withoutProcessFlags, workerExecArgv } from '../../src/v8-flags.js'

const SEMI = '--max-semi-space-size=8'

test('one helper thread on 2 cores or fewer, Node\'s default beyond; a young generation of 2 × 8 MB on any machine', (t) => {
  t.deepEqual(gatewayV8Args([], undefined, 1), ['--v8-pool-size=1', SEMI])
  t.deepEqual(gatewayV8Args([], undefined, 2), ['--v8-pool-size=1', SEMI])
  t.deepEqual(gatewayV8Args([], undefined, 3), [SEMI])
  t.deepEqual(gatewayV8Args([], undefined, 64), [SEMI])
})

test('a flag given in execArgv or NODE_OPTIONS is left alone', (t) => {
  t.deepEqual(gatewayV8Args(['--v8-pool-size=3'], undefined, 2), [SEMI])
  t.deepEqual(gatewayV8Args(['--v8-pool-size', '3'], undefined, 2), [SEMI])
  t.deepEqual(gatewayV8Args([], '--max-old-space-size=512  --v8-pool-size=0', 2), [SEMI])
  t.deepEqual(gatewayV8Args(['--cpu-prof'], '--max-old-space-size=512', 2), ['--v8-pool-size=1', SEMI])
  t.deepEqual(gatewayV8Args([], '--max-semi-space-size=16', 2), ['--v8-pool-size=1'])
  t.deepEqual(gatewayV8Args(['--max-semi-space-size', '4', '--v8-pool-size=2'], undefined, 2), [])
})

test('worker threads get the parent\'s flags without the process-wide ones, which they refuse', (t) => {
  t.deepEqual(withoutProcessFlags(['--v8-pool-size=1', '--cpu-prof', SEMI]), ['--cpu-prof'])
  t.deepEqual(withoutProcessFlags(['--v8-pool-size', '3', '--max-old-space-size=512']), ['--max-old-space-size=512'])
  t.deepEqual(withoutProcessFlags(['--max-semi-space-size', '4', '--trace-warnings']), ['--trace-warnings'])
  t.deepEqual(withoutProcessFlags([]), [])
})

test('worker threads of this process: its flags without the process-wide ones, require() of ES modules off', (t) => {
  t.true(workerExecArgv().includes('--no-experimental-require-module'))
  t.false(workerExecArgv().some((arg) => arg.startsWith('--v8-pool-size') || arg.startsWith('--max-semi-space-size')))
})
