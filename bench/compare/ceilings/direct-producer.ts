// Kafka ceiling of the comparison benchmark: a direct librdkafka producer with the gateway's settings
// (acks=all, linger.ms 1, idempotence, murmur2_random partitioner), the same 1 KB record, and a bounded
// number of records in flight (the equivalent of the HTTP connection count). Its delivery reports are served
// by back-to-back flush() calls, and librdkafka ignores linger.ms while one runs (rdkafka.h, rd_kafka_flush):
// it sends as soon as it can, so its batches are smaller and its latency shorter than linger.ms 1 gives. The
// gateway's own producer at its settings is the ceiling beside it (gateway-producer.ts).
// Spawned by bench/compare/contenders.ts.
//
//   node dist/bench/compare/ceilings/direct-producer.js <brokers> <topic> <inFlight> <warmupSec> <durationSec>
//
// Prints one line "result <json>" on stdout: records/s, produce→delivery latency percentiles, errors,
// and the CPU seconds and peak RSS of this process over the measured window.
import { randomBytes } from 'node:crypto'
import Kafka from '@platformatic/rdkafka'
import { MeasuredWindow, printResult, producerCeilingArgs } from './window.js'

const RECORD_BYTES = 1024
/** Delivery reports are served by back-to-back flush() calls on a libuv thread, as in the gateway's producer. */
const FLUSH_SLICE_MS = 50
const CONNECT_TIMEOUT_MS = 30_000

const { brokers, topic, inFlight, warmupSec, durationSec } = producerCeilingArgs('direct-producer', process.argv.slice(2))

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

const window = new MeasuredWindow()
let stopping = false
const started = new Map<number, bigint>()
let nextId = 0

function produceOne (): void {
  const id = nextId++
  started.set(id, process.hrtime.bigint())
  try {
    producer.produce(topic, null, body, null, Date.now(), id)
  } catch (err) {
    started.delete(id)
    window.failed(err)
    setTimeout(() => { if (!stopping) produceOne() }, 10) // e.g. queue full: retry later, keep the window
  }
}

producer.on('delivery-report', (err, report) => {
  const id = report.opaque as number
  const t0 = started.get(id)
  started.delete(id)
  if (err) window.failed(err)
  else window.done(t0, 1)
  if (!stopping) produceOne()
})
producer.on('event.error', (err) => { window.note(err) })

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
    const result = await window.measure(warmupSec, durationSec)
    stopping = true
    printResult({ inFlight, ...result })
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
