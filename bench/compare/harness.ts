// The benchmark harness (issue 5): on one machine and one embedded Kafka, the contenders in turn (run 1 of
// each, then run 2 of each, …) under the same load generator (wrk; for the streams, which wrk cannot speak,
// Node WebSocket clients: bench/compare/ws-produce-client.ts, bench/compare/stream-consume-client.ts), then a markdown + JSON
// report in bench/results/compare-<timestamp>.{md,json}. Its entries, which pick the contenders and
// defaults (bench/compare/config.ts): bench/compare/main.ts (npm run bench:compare) and bench/run.ts
// (npm run bench).
//
// Installs what is missing: wrk (apt-get), Strimzi Kafka Bridge (Maven Central) and kafka-pixy
// (go install), the latter two cached under .cache/peers/. A contender that cannot be installed or
// started is reported as skipped with the reason; one that fails while measured, as failed (exit 1).
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GATEWAY_LOG_LEVEL } from '../gateway.js'
import { HOST } from '../http.js'
import { createTopic, deleteTopic, ensureKafka } from '../kafka.js'
import { labelSuffix, machineInfo, reportStamp, writeReport } from '../report.js'
import { readConfig, type Config, type Entry } from './config.js'
import type { BenchContext, Contender } from './contender.js'
import { prefill } from './prefill.js'
import { killAll, log, message, stopAll } from './processes.js'
import { checkTargets, markdown, summarize, type CompareReport, type Row } from './report.js'
import { ensureWrk, REQUEST_TIMEOUT_SEC, wrkVersion } from './wrk.js'
import { hasFetch, PRODUCE_PARTITIONS, READERS, RECORD_BYTES } from './workloads.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..') // dist/bench/compare/harness.js -> repo root
const RESULTS_DIR = join(ROOT, 'bench/results')
const KAFKA = `${HOST}:${process.env.EMBEDDED_KAFKA_PORT ?? 9092}`
const WARMUP_SEC = 3
/**
 * What the produce topic keeps: nothing reads what the workloads wrote, and a run of every contender writes
 * at 150 MB/s for long enough to fill the disk (62 GB once, after which the broker stopped). Segments of
 * 64 MB, at most 256 MB per partition, deleted files gone after a second (the embedded broker checks
 * retention every 10 s).
 */
const PRODUCE_TOPIC_RETENTION = { 'segment.bytes': String(64 * 2 ** 20), 'retention.bytes': String(256 * 2 ** 20), 'file.delete.delay.ms': '1000' }

/** A contender and its rows, one per workload: it takes part in the runs still to come while a row is 'ok'. */
interface Entrant {
  readonly contender: Contender
  readonly rows: Row[]
}

function entrant (contender: Contender, config: Config): Entrant {
  const rows: Row[] = config.workloads.map((w) => {
    const skip = contender.skip(w)
    return {
      contenderId: contender.id,
      contender: contender.name,
      workload: w.name,
      connections: w.connections,
      status: skip === undefined ? 'ok' : 'skipped',
      note: skip,
      samples: []
    }
  })
  return { contender, rows }
}

const measuring = ({ rows }: Entrant): boolean => rows.some((row) => row.status === 'ok')

/**
 * Run `run` of every workload of one contender, in a fresh process (the runs are independent, and peak RSS is
 * not left over from the last run's fetches). A contender that cannot start or fails ends its rows.
 */
async function measureRun (entry: Entrant, run: number, config: Config, ctx: BenchContext): Promise<void> {
  const { contender, rows } = entry
  const give = (status: 'failed' | 'skipped', note: string): void => {
    log(`${contender.name} ${status}: ${note}`)
    for (const row of rows) if (row.status === 'ok') Object.assign(row, { status, note })
  }
  log(`${contender.name}: run ${run}/${config.runs}`)
  let session
  try {
    session = await contender.open(ctx)
  } catch (err) {
    // not installable or not startable here: skipped, the others still count (issue 5)
    give(run === 1 ? 'skipped' : 'failed', `could not be installed or started: ${message(err)}`)
    return
  }
  try {
    for (const row of rows) row.version = session.version
    for (const workload of config.workloads) {
      const row = rows.find((r) => r.workload === workload.name)
      if (row?.status === 'ok') row.samples.push(await session.measure(workload))
    }
  } catch (err) {
    give('failed', message(err))
  } finally {
    await session.close()
  }
}

/**
 * Every run of every contender, the contenders taking turns within each run: a machine that slows down for a
 * while (other tenants of the host, the broker rolling or deleting segments) then weighs on every contender's
 * median alike, rather than on whichever was being measured at the time.
 */
async function measureContenders (config: Config, ctx: BenchContext): Promise<Row[]> {
  const entrants = config.contenders.map((contender) => entrant(contender, config))
  for (let run = 1; run <= config.runs; run++) {
    for (const entry of entrants) if (measuring(entry)) await measureRun(entry, run, config, ctx)
  }
  const rows = entrants.flatMap((entry) => entry.rows)
  for (const row of rows) if (row.status === 'ok') row.median = summarize(row.samples)
  return rows
}

async function measureAll (config: Config): Promise<void> {
  const stamp = reportStamp()
  const wrkInstalled = ensureWrk()
  const wrk = wrkVersion()
  log(`load generator: ${wrk}`)
  log(`ensuring Kafka on ${KAFKA}`)
  await ensureKafka(ROOT)

  const onSignal = (signal: NodeJS.Signals): void => {
    killAll()
    log(`${signal}: stopped what this script started, exiting`)
    process.exit(130)
  }
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)

  const produceTopic = `bench-compare-produce-${Date.now()}`
  const fetchTopic = `bench-compare-fetch-${Date.now()}`
  const fetchPartitions = Array.from({ length: READERS }, (_, i) => i)
  const body = randomBytes(RECORD_BYTES)
  const scriptDir = await mkdtemp(join(os.tmpdir(), 'kastlex-compare-'))
  const created: string[] = []
  const rows: Row[] = []
  try {
    await createTopic(KAFKA, produceTopic, PRODUCE_PARTITIONS, PRODUCE_TOPIC_RETENTION)
    created.push(produceTopic)
    if (config.workloads.some(hasFetch)) {
      await createTopic(KAFKA, fetchTopic, READERS)
      created.push(fetchTopic)
      log(`pre-filling ${fetchTopic}: ${config.fetchRecords} records × ${READERS} partitions, batches of up to ${config.fetchBatchBytes} B`)
      await prefill(KAFKA, fetchTopic, fetchPartitions, config.fetchRecords, body, config.fetchBatchBytes)
    }
    const ctx: BenchContext = {
      root: ROOT,
      kafka: KAFKA,
      warmupSec: WARMUP_SEC,
      durationSec: config.durationSec,
      produceThreads: config.produceThreads,
      scriptDir,
      port: config.port,
      produceTopic,
      fetchTopic,
      fetchPartitions,
      fetchRecordsPerPartition: config.fetchRecords,
      body
    }
    rows.push(...await measureContenders(config, ctx))
  } finally {
    await stopAll()
    for (const topic of created) await deleteTopic(KAFKA, topic).catch((err: unknown) => log(`deleting ${topic}: ${message(err)}`))
    await rm(scriptDir, { recursive: true, force: true })
  }

  const report: CompareReport = {
    machine: machineInfo(),
    config: {
      durationSec: config.durationSec,
      warmupSec: WARMUP_SEC,
      runs: config.runs,
      recordBytes: RECORD_BYTES,
      produceTopicPartitions: PRODUCE_PARTITIONS,
      readers: READERS,
      fetchRecordsPerPartition: config.fetchRecords,
      fetchBatchBytes: config.fetchBatchBytes,
      wrk,
      wrkInstalledByScript: wrkInstalled,
      wrkThreadsProduce: config.produceThreads,
      requestTimeoutSec: REQUEST_TIMEOUT_SEC,
      gatewayLogLevel: GATEWAY_LOG_LEVEL,
      kafka: KAFKA
    },
    rows,
    targets: checkTargets(rows)
  }
  // BENCH_LABEL names a run of an A/B series in the file name: compare-<time>-<label>.{md,json}
  await writeReport(RESULTS_DIR, 'compare', `${stamp}${labelSuffix(process.env.BENCH_LABEL)}`, report, markdown(report, config.workloads))
  const failed = rows.filter((r) => r.status === 'failed')
  if (failed.length > 0) throw new Error(`${failed.length} measurement(s) failed; see the report`)
}

/** Runs the harness with the entry's contenders and defaults, then exits: 0, or 1 when anything failed. */
export function runEntry (entry: Entry): void {
  Promise.resolve().then(() => measureAll(readConfig(entry))).then(() => process.exit(0), (err: unknown) => {
    log(`failed: ${message(err)}`)
    process.exit(1)
  })
}
