// Kafka ceiling of the one-record produce workloads at the gateway's own settings: the gateway's Producer
// (src/kafka/producer.ts, the project's addon) in this process, with as many one-record produces in flight as
// the workload has HTTP connections, each starting when the one before it is answered, as a connection does.
// What the gateway could at most answer if its HTTP side cost nothing. (The direct librdkafka producer beside
// it ignores linger.ms: direct-producer.ts says why.)
// Spawned by bench/compare/contenders.ts.
//
//   node dist/bench/compare/ceilings/gateway-producer.js <brokers> <topic> <inFlight> <warmupSec> <durationSec>
//
// Prints one line "result <json>" on stdout (window.ts): records/s, produce→answer latency percentiles,
// errors, and the CPU seconds and peak RSS of this process over the measured window.
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { authEnvironment } from '../../../src/auth/dev-auth.js'
import { loadConfig } from '../../../src/config.js'
import { Producer } from '../../../src/kafka/producer.js'
import { devAuthFiles } from '../../gateway.js'
import { MeasuredWindow, printResult, producerCeilingArgs } from './window.js'

const RECORD_BYTES = 1024
const CLOSE_TIMEOUT_MS = 10_000
/** After a failed produce (e.g. librdkafka's queue full), as the direct producer waits before its next. */
const RETRY_AFTER_MS = 10

const { brokers, topic, inFlight, warmupSec, durationSec } = producerCeilingArgs('gateway-producer', process.argv.slice(2))

async function main (): Promise<void> {
  // The gateway's configuration with its defaults (the auth files are only what loading it requires).
  const config = loadConfig({ KASTLEX_KAFKA_CLUSTER: brokers, ...authEnvironment(await devAuthFiles(process.cwd())) })
  const producer = new Producer(config.kafka)
  const value = randomBytes(RECORD_BYTES)
  const window = new MeasuredWindow()
  let stopping = false
  // One loop per connection; a record as the produce route hands it over (no key, no headers).
  const connection = async (): Promise<void> => {
    while (!stopping) {
      const started = process.hrtime.bigint()
      try {
        await producer.produce({ op: 'produce', topic, partition: -1, key: null, value, headers: [] })
        window.done(started, 1)
      } catch (err) {
        window.failed(err)
        await sleep(RETRY_AFTER_MS)
      }
    }
  }
  const connections = Array.from({ length: inFlight }, connection)
  try {
    printResult({ inFlight, ...await window.measure(warmupSec, durationSec) })
  } finally {
    stopping = true
    await Promise.all(connections)
    await producer.close(CLOSE_TIMEOUT_MS)
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`gateway-producer: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
