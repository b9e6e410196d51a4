// Kafka ceiling of the comparison benchmark: a direct librdkafka producer with the gateway's settings
// (acks=all, linger.ms 1, idempotence, murmur2_random partitioner), the same 1 KB record, and a bounded
// number of records in flight (the equivalent of the HTTP connection count). Spawned by bench/compare/contenders.ts.
//
//   node dist/bench/compare/ceilings/direct-producer.js <brokers> <topic> <inFlight> <warmupSec> <durationSec>
//
// Prints one line "result <json>" on stdout: records/s, produce→delivery latency percentiles, errors,
// and the CPU seconds and peak RSS of this process over the measured window.
import { randomBytes } from 'node:crypto'
import Kafka from '@platformatic/rdkafka'
import { cpuSeconds, peakRssMb, resetPeakRss } from '../processes.js'

const RECORD_BYTES = 1024
/** Delivery reports are served by back-to-back flush() calls on a libuv thread, as in the gateway's producer. */
const FLUSH_SLICE_MS = 50
const CONNECT_TIMEOUT_MS = 30_000

const [brokers = '127.0.0.1:9092', topic = '', inFlightText = '64', warmupText = '3', durationText = '15'] = process.argv.slice(2)
const inFlight = Number(inFlightText)
const warmupSec = Number(warmupText)
const durationSec = Number(durationText)
if (topic === '' || !(inFlight >= 1) || !(warmupSec >= 0) || !(durationSec > 0)) {
  process.stderr.write('usage: direct-producer <brokers> <topic> <inFlight> <warmupSec> <durationSec>\n')
  process.exit(2)
}

const body = randomBytes(RECORD_BYTES)
// Kept referenced until exit: the binding aborts when a disconnected client is garbage collected.
const producer = new Kafka.Producer({
  'metadata.broker.list': brokers,
  'client.id': 'kastlex-bench-direct',
  acks: -1,
  'linger.ms': 1,
  'enable.idempotence': true,
  'compression.codec': 'none',
  dr_cb: true,
  log_level: 3
} as Kafka.ProducerGlobalConfig, { partitioner: 'murmur2_random' })
;(globalThis as { benchProducer?: unknown }).benchProducer = producer

let measuring = false
let stopping = false
let sent = 0
let delivered = 0
let errors = 0
let firstError: string | undefined
let latenciesUs: number[] = []
const started = new Map<number, bigint>()
let nextId = 0

function produceOne (): void {
  const id = nextId++
  started.set(id, process.hrtime.bigint())
  try {
    producer.produce(topic, null, body, null, Date.now(), id)
    sent++
  } catch (err) {
    started.delete(id)
    errors++
    firstError ??= err instanceof Error ? err.message : String(err)
    setTimeout(() => { if (!stopping) produceOne() }, 10) // e.g. queue full: retry later, keep the window
  }
}

producer.on('delivery-report', (err, report) => {
  const id = report.opaque as number
  const t0 = started.get(id)
  started.delete(id)
  if (measuring) {
    if (err) {
      errors++
      firstError ??= err.message
    } else {
      delivered++
      if (t0 !== undefined) latenciesUs.push(Number(process.hrtime.bigint() - t0) / 1000)
    }
  }
  if (!stopping) produceOne()
})
producer.on('event.error', (err) => { firstError ??= err.message })

function percentile (sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return Math.round(sorted[Math.max(0, index)] / 10) / 100 // µs -> ms, 2 decimals
}

async function main (): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    producer.connect({ timeout: CONNECT_TIMEOUT_MS }, (err) => { if (err) reject(new Error(`connect: ${err.message}`)); else resolve() })
  })
  const flushLoopDone = new Promise<void>((resolve) => {
    const loop = (): void => { if (stopping) resolve(); else producer.flush(FLUSH_SLICE_MS, loop) }
    loop()
  })
  try {
    for (let i = 0; i < inFlight; i++) produceOne()
    await new Promise((resolve) => setTimeout(resolve, warmupSec * 1000))
    latenciesUs = []
    delivered = errors = 0
    const cpu0 = cpuSeconds(process.pid)
    resetPeakRss(process.pid) // where not allowed, the peak RSS covers the warm-up as well
    const t0 = process.hrtime.bigint()
    measuring = true
    await new Promise((resolve) => setTimeout(resolve, durationSec * 1000))
    measuring = false
    const elapsedSec = Number(process.hrtime.bigint() - t0) / 1e9
    const cpuSec = cpuSeconds(process.pid) - cpu0
    const rss = peakRssMb(process.pid)
    stopping = true
    latenciesUs.sort((a, b) => a - b)
    const result = {
      inFlight,
      durationSec: Math.round(elapsedSec * 1000) / 1000,
      records: delivered,
      recordsPerSec: Math.round(delivered / elapsedSec),
      errors,
      firstError: firstError ?? null,
      latencyP50Ms: percentile(latenciesUs, 50),
      latencyP99Ms: percentile(latenciesUs, 99),
      latencyP999Ms: percentile(latenciesUs, 99.9),
      cpuSec,
      peakRssMb: rss
    }
    process.stdout.write(`result ${JSON.stringify(result)}\n`)
    await new Promise<void>((resolve) => producer.flush(10_000, () => resolve()))
  } finally {
    stopping = true
    await flushLoopDone
    await new Promise<void>((resolve) => producer.disconnect(10_000, () => resolve()))
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`direct-producer: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
