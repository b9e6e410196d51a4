// npm run bench:scale — what the gateway costs as the cluster grows (issue 15). For each size it starts
// its own embedded broker (BENCH_SCALE_KAFKA_PORT, data under BENCH_SCALE_KAFKA_DIR; never the development
// broker), fills it (bench/scale/fill.ts), starts one gateway against it and measures start-to-ready, the
// offsets tail's catch-up, idle RSS, and the /metrics and /api/v1/topics answers. Each size has its own
// data directory; one already filled with the same size is reused (BENCH_SCALE_FRESH=1: always start empty).
// Reports: bench/results/scale-<timestamp>[-<BENCH_SCALE_LABEL>].{md,json}.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { envInt } from '../env.js'
import { HOST } from '../http.js'
import { kafkaScript } from '../kafka.js'
import { labelSuffix, machineInfo, reportStamp, writeReport } from '../report.js'
import { commitRecords, fill, type ScaleSize } from './fill.js'
import { measure } from './measure.js'
import { markdown, type ScaleReport, type SizeResult } from './report.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..') // dist/bench/scale/main.js -> repo root
const RESULTS_DIR = join(ROOT, 'bench/results')
const log = (msg: string): void => { process.stderr.write(`[scale] ${msg}\n`) }

const DEFAULTS: Record<string, Omit<ScaleSize, 'name'>> = {
  small: { topics: 100, partitions: 10, groups: 20, commits: 200 },
  large: { topics: 1000, partitions: 10, groups: 200, commits: 200 }
}

function sizes (): ScaleSize[] {
  const names = (process.env.BENCH_SCALE_SIZES || 'small,large').split(',').map((s) => s.trim()).filter((s) => s !== '')
  return names.map((name) => {
    const fallback = DEFAULTS[name]
    if (fallback === undefined) throw new Error(`BENCH_SCALE_SIZES: unknown size ${name}; choose from ${Object.keys(DEFAULTS).join(', ')}`)
    const setting = (key: keyof typeof fallback, max: number): number =>
      envInt(`BENCH_SCALE_${name.toUpperCase()}_${key.toUpperCase()}`, String(fallback[key]), 1, max)
    return { name, topics: setting('topics', 100_000), partitions: setting('partitions', 1000), groups: setting('groups', 100_000), commits: setting('commits', 1_000_000) }
  })
}

async function main (): Promise<void> {
  const stamp = reportStamp()
  const kafkaPort = envInt('BENCH_SCALE_KAFKA_PORT', '19700', 1, 64535)
  const kafkaDir = resolve(ROOT, process.env.BENCH_SCALE_KAFKA_DIR || '.cache/kafka-scale')
  const kafka = `${HOST}:${kafkaPort}`
  // The gateway measured: this checkout's build, or another (BENCH_SCALE_GATEWAY_ROOT, e.g. a worktree of main).
  const gatewayRoot = resolve(process.env.BENCH_SCALE_GATEWAY_ROOT || ROOT)
  const port = envInt('BENCH_PORT', '18093', 1, 64535)
  const workers = envInt('BENCH_WORKERS', '0', 0, 64)
  const refreshMs = envInt('BENCH_SCALE_OFFSETS_REFRESH_MS', '2000', 100, 60_000)
  const fresh = process.env.BENCH_SCALE_FRESH === '1'
  process.env.KASTLEX_OFFSETS_REFRESH_MS = String(refreshMs)
  // One data directory per size, so that each filled broker can be reused.
  const kafkaEnv = (size: ScaleSize): NodeJS.ProcessEnv =>
    ({ ...process.env, EMBEDDED_KAFKA_PORT: String(kafkaPort), EMBEDDED_KAFKA_DIR: join(kafkaDir, size.name), EMBEDDED_KAFKA_HEAP: process.env.EMBEDDED_KAFKA_HEAP || '1g' })

  const results: SizeResult[] = []
  for (const size of sizes()) {
    const dataDir = join(kafkaDir, size.name, `data-${kafkaPort}`)
    const filledFile = join(dataDir, 'scale-fill.json')
    try {
      const key = JSON.stringify(size)
      const reuse = !fresh && existsSync(filledFile) && readFileSync(filledFile, 'utf8') === key
      if (!reuse) rmSync(dataDir, { recursive: true, force: true })
      await kafkaScript(ROOT, 'up', kafkaEnv(size))
      let fillSec: number | null = null
      if (!reuse) {
        log(`${size.name}: filling ${kafka} with ${size.topics} topics × ${size.partitions} partitions, ${size.groups} groups × ${size.commits} commits = ${commitRecords(size)} records`)
        const t0 = Date.now()
        await fill(kafka, size, (message) => log(`${size.name}: ${message}`))
        fillSec = (Date.now() - t0) / 1000
        writeFileSync(filledFile, key)
      } else log(`${size.name}: reusing the filled broker in ${dataDir}`)
      log(`${size.name}: measuring the gateway of ${gatewayRoot}`)
      results.push({ size, commitRecords: commitRecords(size), fillSec, ...await measure({ root: gatewayRoot, port, workers, kafka }, size) })
    } finally {
      await kafkaScript(ROOT, 'down', kafkaEnv(size))
    }
  }

  const report: ScaleReport = {
    machine: machineInfo(),
    config: { kafka, gatewayRoot, workers, offsetsRefreshMs: refreshMs, label: process.env.BENCH_SCALE_LABEL ?? '' },
    sizes: results
  }
  await writeReport(RESULTS_DIR, 'scale', `${stamp}${labelSuffix(process.env.BENCH_SCALE_LABEL)}`, report, markdown(report))
}

main().then(() => process.exit(0), (err: unknown) => {
  log(`failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
