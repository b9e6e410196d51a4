// Run as a child process by test/unit/auth/token-store.test.ts: a TokenStore whose token topic is
// unreachable, many bounded waits that all time out, then the waiters still registered, as JSON on
// stdout. Killed by its own SIGKILL afterwards: @platformatic/rdkafka crashes or hangs when the process
// exits while the worker's admin client still retries an unreachable broker (a known binding problem
// of the graceful stop, outside what this test is about).
import { TokenStore } from '../../src/auth/token-store.js'
import { createLogger } from '../../src/log.js'

const [address = '127.0.0.1:1', count = '10000'] = process.argv.slice(2)
const n = Number(count)
const store = new TokenStore({
  kafka: { common: { 'bootstrap.servers': address }, producer: {}, securityProtocol: 'PLAINTEXT', requestTimeoutMs: 1000, produceTimeoutMs: 1000 },
  topic: 'tokens-unreachable'
}, async () => { throw new Error('unreachable') }, createLogger('silent'))

const state = store.state
const replays = await Promise.all(Array.from({ length: n }, async () => await store.whenReplayed(20)))
const afterReplays = store.waiting
const catchUps = await Promise.all(Array.from({ length: n }, async () => await store.whenCaughtUp(20)))
process.stdout.write(JSON.stringify({
  state,
  replayed: replays.filter(Boolean).length,
  afterReplays,
  caughtUp: catchUps.filter(Boolean).length,
  afterCatchUps: store.waiting
}) + '\n', () => process.kill(process.pid, 'SIGKILL'))
