// The produce path of one Kafka thread without HTTP (issue 13): the gateway's produceBatch on its own Producer
// (decode a binary batch body, hand its records to librdkafka through the project's addon, answer per record)
// against a bare @platformatic/rdkafka producer (one produce() call and one delivery report per record) with
// the same settings and the same records in flight, alternated in one process, against the embedded broker.
// Reports records/s and process CPU µs per record, so that the produce path's cost shows up apart from HTTP
// and the load generator.
//
//   npm run bench:producer
//   BENCH_DURATION=4 (seconds per run)   BENCH_RUNS=3 (pairs)   BENCH_BATCHES=160 (batches of 100 in flight)
//   BENCH_LABEL=<suffix of the report's name>
import Kafka from '@platformatic/rdkafka'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { authEnvironment } from '../src/auth/dev-auth.js'
import { encodeFramedRecords } from '../src/batch/binary-framing.js'
import { produceBatch } from '../src/batch/produce-batch.js'
import { loadConfig } from '../src/config.js'
import { Producer } from '../src/kafka/producer.js'
import { envInt } from './env.js'
import { devAuthFiles } from './gateway.js'
import { HOST } from './http.js'
import { createTopic, deleteTopic, ensureKafka } from './kafka.js'
import { labelSuffix, machineInfo, reportStamp, writeReport } from './report.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..') // dist/bench/producer-path.js -> repo root
const KAFKA = `${HOST}:${process.env.EMBEDDED_KAFKA_PORT ?? 9092}`
const PARTITIONS = 8
const RECORDS_PER_BATCH = 100
const RECORD_BYTES = 1024

const durationSec = envInt('BENCH_DURATION', '4', 1, 600)
const pairs = envInt('BENCH_RUNS', '3', 1, 50)
const batchesInFlight = envInt('BENCH_BATCHES', '160', 1, 10_000)

interface Run { readonly path: 'gateway' | 'binding', readonly recordsPerSec: number, readonly cpuUsPerRecord: number }

/** Measures `load` (which runs until `stopped()` and returns the records it saw acknowledged) for durationSec. */
async function measure (path: Run['path'], load: (stopped: () => boolean) => Promise<number>): Promise<Run> {
  let stop = false
  const timer = setTimeout(() => { stop = true }, durationSec * 1000)
  const cpu = process.cpuUsage()
  const started = performance.now()
  const records = await load(() => stop)
  const { user, system } = process.cpuUsage(cpu)
  clearTimeout(timer)
  const seconds = (performance.now() - started) / 1000
  return { path, recordsPerSec: Math.round(records / seconds), cpuUsPerRecord: Math.round((user + system) / records * 100) / 100 }
}

/** batchesInFlight loops, each producing one batch body after another through the gateway's code. */
async function gatewayLoad (producer: Producer, topic: string, body: Buffer, stopped: () => boolean): Promise<number> {
  let records = 0
  const loop = async (): Promise<void> => {
    while (!stopped()) {
      // A body arrives as memory of its own (http/body.ts), as here.
      const result = await produceBatch(producer, {
        op: 'produceBatch', topic, partition: -1, partitionCount: PARTITIONS, format: 'binary', body: Buffer.from(body), headers: [], maxRecords: RECORDS_PER_BATCH
      })
      records += result.produced
    }
  }
  await Promise.all(Array.from({ length: batchesInFlight }, loop))
  return records
}

/** The same records in flight on a bare binding producer: each delivery report sends the next record. */
async function bindingLoad (producer: Kafka.Producer, topic: string, value: Buffer, stopped: () => boolean): Promise<number> {
  let records = 0
  let inFlight = 0
  let nextId = 0
  const send = (): void => {
    inFlight++
    producer.produce(topic, null, value, null, Date.now(), nextId++)
  }
  await new Promise<void>((resolve) => {
    const flushWhileInFlight = (): void => { if (inFlight > 0) producer.flush(50, flushWhileInFlight) }
    producer.on('delivery-report', (err) => {
      inFlight--
      if (err === null || err === undefined) records++
      if (!stopped()) send()
      else if (inFlight === 0) resolve()
    })
    for (let i = 0; i < batchesInFlight * RECORDS_PER_BATCH; i++) send()
    flushWhileInFlight()
  })
  producer.removeAllListeners('delivery-report')
  return records
}

async function main (): Promise<void> {
  await ensureKafka(ROOT)
  const topic = `bench-producer-path-${Date.now()}`
  await createTopic(KAFKA, topic, PARTITIONS)
  const config = loadConfig({ KASTLEX_KAFKA_CLUSTER: KAFKA, ...authEnvironment(await devAuthFiles(ROOT)) })
  const value = Buffer.alloc(RECORD_BYTES, 0x61)
  const body = encodeFramedRecords(Array.from({ length: RECORDS_PER_BATCH }, () => ({ key: null, value })))
  const gateway = new Producer(config.kafka)
  // The gateway's producer settings that matter here: acks=all, idempotence, linger, the partitioner.
  const bare = new Kafka.Producer({
    ...config.kafka.common, ...config.kafka.producer, dr_cb: true, log_level: 3
  } as Kafka.ProducerGlobalConfig, { partitioner: 'murmur2_random' })
  await new Promise<void>((resolve, reject) => bare.connect({}, (err) => { if (err) reject(err); else resolve() }))
  const runs: Run[] = []
  try {
    for (let pair = 0; pair < pairs; pair++) {
      runs.push(await measure('gateway', async (stopped) => await gatewayLoad(gateway, topic, body, stopped)))
      runs.push(await measure('binding', async (stopped) => await bindingLoad(bare, topic, value, stopped)))
      process.stderr.write(`[producer-path] ${JSON.stringify(runs.slice(-2))}\n`)
    }
  } finally {
    await gateway.close(5000)
    await new Promise<void>((resolve) => bare.disconnect(5000, () => resolve()))
    await deleteTopic(KAFKA, topic).catch(() => {})
  }
  const median = (path: Run['path'], key: 'recordsPerSec' | 'cpuUsPerRecord'): number => {
    const sorted = runs.filter((run) => run.path === path).map((run) => run[key]).sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)] as number
  }
  const settings = { durationSec, pairs, batchesInFlight, recordsPerBatch: RECORDS_PER_BATCH, recordBytes: RECORD_BYTES, partitions: PARTITIONS }
  const md = [
    '# Produce path without HTTP: the gateway\'s produceBatch against a bare @platformatic/rdkafka producer',
    '',
    `${machineInfo().cpus} CPUs, Node ${process.version}; ${batchesInFlight} batches of ${RECORDS_PER_BATCH} records of ${RECORD_BYTES} B in flight ` +
      `(${batchesInFlight * RECORDS_PER_BATCH} records), ${PARTITIONS} partitions, acks=all; ${pairs} alternated pairs of ${durationSec} s; process CPU.`,
    '',
    '| path | records/s (median) | CPU µs per record (median) | runs (records/s, µs) |',
    '|---|--:|--:|---|',
    ...(['gateway', 'binding'] as const).map((path) => `| ${path} | ${median(path, 'recordsPerSec')} | ${median(path, 'cpuUsPerRecord')} | ` +
      `${runs.filter((run) => run.path === path).map((run) => `${run.recordsPerSec}, ${run.cpuUsPerRecord}`).join('; ')} |`),
    ''
  ].join('\n')
  await writeReport(join(ROOT, 'bench/results'), 'producer-path', `${reportStamp()}${labelSuffix(process.env.BENCH_LABEL)}`, { machine: machineInfo(), settings, runs }, md)
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`producer-path: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
