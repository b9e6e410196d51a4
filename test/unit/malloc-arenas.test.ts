// The malloc arenas a gateway is started with (src/malloc-arenas.ts).
import test from 'ava'
import { gatewayEnv } from '../../src/malloc-arenas.js'

test('two arenas unless the environment sets MALLOC_ARENA_MAX; the rest of it is passed on', (t) => {
  t.deepEqual(gatewayEnv({ PATH: '/bin' }), { PATH: '/bin', MALLOC_ARENA_MAX: '2' })
  t.deepEqual(gatewayEnv({ MALLOC_ARENA_MAX: '8' }), { MALLOC_ARENA_MAX: '8' })
})
