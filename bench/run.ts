// KastleX benchmark: produce (autocannon) and sequential fetch (JSON and binary)
// against the gateway for each KASTLEX_WORKERS setting in BENCH_WORKERS.
//
//   npm run bench
//   BENCH_WORKERS=2,0  BENCH_DURATION=15 (seconds)  BENCH_PORT=18092
import { randomBytes } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runFetch, prefill } from './fetch.js'
import { GATEWAY_LOG_LEVEL, startGateway, type Gateway } from './gateway.js'
import { HOST } from './http.js'
import { createTopic, deleteTopic, ensureKafka } from './kafka.js'
import { PRODUCE_CONNECTIONS, runProduce } from './produce.js'
import { formatTable, machineInfo, writeReport, type BenchReport, type SettingResult } from './report.js'
import { summarize, type Measurement, type ScenarioResult } from './stats.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..') // dist/bench/run.js -> repo root
const RESULTS_FILE = join(ROOT, 'bench/results/latest.json')
const KAFKA = `${HOST}:${process.env.EMBEDDED_KAFKA_PORT ?? 9092}`
const WARMUP_SEC = 3
const RECORD_BYTES = 1024
const PRODUCE_PARTITIONS = 8
const FETCH_PARTITIONS = 4
const PREFILL_RECORDS = 20_000

interface Config {
  workers: number[]
  port: number
  durationSec: number
}

type Scenario = [name: string, run: (durationSec: number) => Promise<Measurement>]

const log = (msg: string): void => { process.stderr.write(`[bench] ${msg}\n`) }

function readConfig (): Config {
  const int = (name: string, text: string, min: number, max: number): number => {
    const n = Number(text.trim())
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected an integer in ${min}..${max}, got "${text}"`)
    return n
  }
  const env = process.env
  return {
    workers: (env.BENCH_WORKERS || '2,0').split(',').map((text) => int('BENCH_WORKERS', text, 0, 256)),
    port: int('BENCH_PORT', env.BENCH_PORT || '18092', 1, 65535),
    durationSec: int('BENCH_DURATION', env.BENCH_DURATION || '15', 1, 3600)
  }
}

async function runSetting (gateway: Gateway, workers: number, scenarios: Scenario[], durationSec: number): Promise<SettingResult> {
  const results: ScenarioResult[] = []
  for (const [name, run] of scenarios) {
    log(`workers=${workers} ${name}: ${WARMUP_SEC} s warm-up, then ${durationSec} s measured`)
    await run(WARMUP_SEC)
    gateway.assertAlive(`during the ${name} warm-up`)
    const result = summarize(name, await run(durationSec))
    gateway.assertAlive(`during ${name}`)
    if (result.firstError !== undefined) log(`workers=${workers} ${name}: first failure: ${result.firstError}`)
    if (result.records === 0) log(`workers=${workers} ${name}: warning: no record was produced or read`)
    results.push(result)
  }
  return { workers, peakRssMb: gateway.peakRssMb(), scenarios: results }
}

async function main (): Promise<void> {
  const config = readConfig()
  const stamp = Date.now()
  const produceTopic = `bench-produce-${stamp}`
  const fetchTopic = `bench-fetch-${stamp}`
  const body = randomBytes(RECORD_BYTES)
  const scenarios: Scenario[] = [
    ['produce', (sec) => runProduce(config.port, produceTopic, body, sec)],
    ['fetch-json', (sec) => runFetch(config.port, fetchTopic, FETCH_PARTITIONS, 'json', sec)],
    ['fetch-binary', (sec) => runFetch(config.port, fetchTopic, FETCH_PARTITIONS, 'binary', sec)]
  ]

  log(`ensuring Kafka on ${KAFKA}`)
  await ensureKafka(ROOT)

  let gateway: Gateway | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    gateway?.kill()
    log(`${signal}: stopped the gateway, exiting`)
    process.exit(130)
  }
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)

  const created: string[] = []
  const settings: SettingResult[] = []
  try {
    for (const [topic, partitions] of [[produceTopic, PRODUCE_PARTITIONS], [fetchTopic, FETCH_PARTITIONS]] as const) {
      await createTopic(KAFKA, topic, partitions)
      created.push(topic)
    }
    for (const workers of config.workers) {
      log(`starting the gateway: KASTLEX_WORKERS=${workers} KASTLEX_LOG_LEVEL=${GATEWAY_LOG_LEVEL} on ${HOST}:${config.port}`)
      gateway = await startGateway({ root: ROOT, port: config.port, workers, kafka: KAFKA })
      try {
        if (settings.length === 0) {
          log(`pre-filling ${fetchTopic} with ${PREFILL_RECORDS} records of ${RECORD_BYTES} B`)
          await prefill(config.port, fetchTopic, FETCH_PARTITIONS, PREFILL_RECORDS, body)
        }
        settings.push(await runSetting(gateway, workers, scenarios, config.durationSec))
      } finally {
        log(`gateway (workers=${workers}) stopped: ${await gateway.stop()}`)
        gateway = undefined
      }
    }
  } finally {
    for (const topic of created) await deleteTopic(KAFKA, topic).catch((err: Error) => log(err.message))
  }

  const report: BenchReport = {
    machine: machineInfo(),
    config: {
      durationSec: config.durationSec,
      warmupSec: WARMUP_SEC,
      recordBytes: RECORD_BYTES,
      produceConnections: PRODUCE_CONNECTIONS,
      produceTopicPartitions: PRODUCE_PARTITIONS,
      fetchReaders: FETCH_PARTITIONS,
      fetchTopicPartitions: FETCH_PARTITIONS,
      prefillRecords: PREFILL_RECORDS,
      gatewayLogLevel: GATEWAY_LOG_LEVEL,
      kafka: KAFKA
    },
    settings
  }
  await writeReport(RESULTS_FILE, report)
  const { machine } = report
  process.stdout.write([
    `KastleX benchmark, ${machine.date}: ${machine.cpus} x ${machine.cpuModel}, ${machine.totalMemoryMb} MB, ${machine.os}, node ${machine.node}`,
    `${config.durationSec} s per scenario after a ${WARMUP_SEC} s warm-up; ${RECORD_BYTES} B records; produce: ${PRODUCE_CONNECTIONS} connections;` +
      ` fetch: ${FETCH_PARTITIONS} sequential readers, one per partition; gateway log level ${GATEWAY_LOG_LEVEL} (no access logs)`,
    '',
    formatTable(settings),
    '',
    JSON.stringify(report, null, 2),
    `(written to ${RESULTS_FILE})`,
    ''
  ].join('\n'))
}

main().then(() => process.exit(0), (err: unknown) => {
  log(`failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
