// Kafka ceiling of the fetch workloads: the gateway's own Fetch client (src/kafka/fetch/broker-reader.ts:
// Fetch v17, record batches parsed only as far as an answer needs) reading straight from the broker in
// this process, with as many reads in flight as the workload has HTTP connections and the same offsets
// the HTTP readers ask for, but no HTTP, no gateway and no read cache. What the gateway could at most
// answer if its HTTP side cost nothing. Spawned by bench/compare/contenders.ts.
//
//   node dist/bench/compare/ceilings/direct-fetch.js <brokers> <topic> <partitions> <recordsPerPartition> <workload> <warmupSec> <durationSec>
//
// Prints one line "result <json>" on stdout (window.ts): reads, records/s, read latency percentiles, errors,
// and the CPU seconds and peak RSS of this process over the measured window.
import { BrokerReader, type ReadLimits } from '../../../src/kafka/fetch/broker-reader.js'
import { MeasuredWindow, printResult } from './window.js'
import { FANIN_POSITIONS, FETCH_MAX_BYTES, WORKLOADS, type Workload } from '../workloads.js'

const REQUEST_TIMEOUT_MS = 30_000

const [brokers = '127.0.0.1:9092', topic = '', partitionsText = '0', recordsText = '0', workloadName = '', warmupText = '3', durationText = '15'] = process.argv.slice(2)
const partitions = Number(partitionsText)
const recordsPerPartition = Number(recordsText)
const warmupSec = Number(warmupText)
const durationSec = Number(durationText)
const workload = WORKLOADS.find((w) => w.name === workloadName && w.steps.every((step) => step === 'fetch'))
if (topic === '' || workload === undefined || !(partitions >= 1) || !(recordsPerPartition >= 1) || !(warmupSec >= 0) || !(durationSec > 0)) {
  process.stderr.write('usage: direct-fetch <brokers> <topic> <partitions> <recordsPerPartition> <fetch workload> <warmupSec> <durationSec>\n')
  process.exit(2)
}

/** One reader per HTTP connection of the workload, asking for the offsets its HTTP counterpart would. */
interface Reader { partition: number, next: number }

function readers (w: Workload): Reader[] {
  return Array.from({ length: w.connections }, (_, i) => {
    if (w.access === 'fanin') return { partition: 0, next: (i % FANIN_POSITIONS) * Math.floor(recordsPerPartition / FANIN_POSITIONS) }
    return { partition: i % partitions, next: 0 }
  })
}

/** The offset a reader asks for next, and the reader's partition for it (random access: both drawn anew). */
function nextRead (w: Workload, reader: Reader): { partition: number, offset: number } {
  if (w.access === 'random') {
    return { partition: Math.floor(Math.random() * partitions), offset: Math.floor(Math.random() * recordsPerPartition) }
  }
  if (reader.next >= recordsPerPartition) reader.next = 0 // at the end the HTTP reader wraps to 0 as well
  return { partition: reader.partition, offset: reader.next }
}

// Binary answers hold one record; JSON answers up to max_bytes (SPEC §4.8), as the gateway decodes them.
const limits: ReadLimits = workload.format === 'binary'
  ? { maxWaitMs: 0, minBytes: 1, maxBytes: FETCH_MAX_BYTES, decodeBytes: 1 }
  : { maxWaitMs: 0, minBytes: 1, maxBytes: FETCH_MAX_BYTES, decodeBytes: FETCH_MAX_BYTES }

const reader = new BrokerReader({
  common: { 'bootstrap.servers': brokers },
  producer: {},
  securityProtocol: 'PLAINTEXT',
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  produceTimeoutMs: REQUEST_TIMEOUT_MS
})

const window = new MeasuredWindow()
let stopping = false

async function readLoop (w: Workload, state: Reader): Promise<void> {
  while (!stopping) {
    const { partition, offset } = nextRead(w, state)
    const t0 = process.hrtime.bigint()
    try {
      const read = await reader.read(topic, partition, offset, limits, Date.now() + REQUEST_TIMEOUT_MS)
      const taken = w.format === 'binary' ? Math.min(1, read.records.length) : read.records.length
      state.next = taken > 0 ? (read.records[taken - 1]?.offset ?? offset) + 1 : read.end
      window.done(t0, taken)
    } catch (err) {
      window.failed(err)
    }
  }
}

async function main (w: Workload): Promise<void> {
  const loops = readers(w).map(async (state) => await readLoop(w, state))
  const result = await window.measure(warmupSec, durationSec)
  stopping = true
  await Promise.all(loops)
  printResult(result)
  await reader.close()
}

main(workload).then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`direct-fetch: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
