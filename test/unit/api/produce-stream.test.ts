import test from 'ava'
import { streamIdleTimeoutS } from '../../../src/api/produce-stream.js'

test('idle timeout: the produce deadline plus 30 s in 4 s steps, between 120 and 960 s', (t) => {
  t.is(streamIdleTimeoutS(30_000), 120)
  t.is(streamIdleTimeoutS(100_000), 132)
  t.is(streamIdleTimeoutS(1), 120)
  t.is(streamIdleTimeoutS(2_147_483_647), 960)
  for (const ms of [1, 30_000, 95_001, 500_000]) t.is(streamIdleTimeoutS(ms) % 4, 0)
})
