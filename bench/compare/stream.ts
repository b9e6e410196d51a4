// Measures KastleX's streams with a Node client of their own (wrk speaks no WebSocket): the produce stream
// (the ws-produce workload, bench/compare/ws-produce-client.ts) and the consume stream (the stream workload,
// bench/compare/stream-consume-client.ts). A warm-up run, then the measured run, with the gateway's CPU and
// peak RSS taken around the latter, as httpSession does around wrk.
import { join } from 'node:path'
import { HOST } from '../http.js'
import { readResult } from './ceilings/window.js'
import { cpuColumns, type BenchContext, type Sample } from './contender.js'
import { cpuPerRequest, cpuTicks } from './cpu.js'
import { log, peakRssMb, resetPeakRss, RUN_SLACK_MS, runChild, type ServerProcess } from './processes.js'
import { PRODUCE_PARTITIONS, type Workload } from './workloads.js'

/** What a measured run of either client comes to. */
interface StreamRun {
  durationSec: number
  /** The operations CPU is counted against: frames answered (produce stream), records delivered (consume stream). */
  operations: number
  requestsPerSec: number | null
  producedPerSec: number
  fetchedPerSec: number | null
  failures: number
  firstError: string | null
  latencyP50Ms: number | null
  latencyP99Ms: number | null
  latencyP999Ms: number | null
}

interface Latencies { latencyP50Ms: number | null, latencyP99Ms: number | null, latencyP999Ms: number | null }

interface ProduceClientResult extends Latencies {
  durationSec: number
  records: number
  recordsPerSec: number
  frames: number
  failures: number
  closedEarly: number
  firstError: string | null
}

interface ConsumeClientResult extends Latencies {
  durationSec: number
  produced: number
  producedPerSec: number
  delivered: number
  deliveredPerSec: number
  failures: number
  closedEarly: number
  firstError: string | null
}

async function runClient<T> (ctx: BenchContext, script: string, args: string[], durationSec: number): Promise<T> {
  const { stdout, code, signal } = await runChild(process.execPath, [join(ctx.root, 'dist/bench/compare', script), ...args, String(durationSec)],
    durationSec * 1000 + RUN_SLACK_MS, { cwd: ctx.root })
  return readResult<T>(stdout, script, { code, signal })
}

async function produceRun (ctx: BenchContext, workload: Workload, durationSec: number): Promise<StreamRun> {
  const stream = workload.stream as NonNullable<Workload['stream']>
  const url = `ws://${HOST}:${ctx.port}/api/v2/produce/${encodeURIComponent(ctx.produceTopic)}`
  const r = await runClient<ProduceClientResult>(ctx, 'ws-produce-client.js', [url, String(workload.connections), String(stream.recordsPerFrame), String(stream.inFlightRecords)], durationSec)
  return {
    ...r,
    operations: r.frames,
    // One "request" = one frame answered.
    requestsPerSec: Math.round(r.frames / r.durationSec),
    producedPerSec: r.recordsPerSec,
    fetchedPerSec: null,
    failures: r.failures + r.closedEarly
  }
}

async function consumeRun (ctx: BenchContext, workload: Workload, durationSec: number): Promise<StreamRun> {
  const consume = workload.consume as NonNullable<Workload['consume']>
  const args = [`ws://${HOST}:${ctx.port}`, ctx.produceTopic, String(PRODUCE_PARTITIONS), String(workload.connections), String(consume.producedPerSec)]
  const r = await runClient<ConsumeClientResult>(ctx, 'stream-consume-client.js', args, durationSec)
  return {
    ...r,
    operations: r.delivered,
    requestsPerSec: null,
    fetchedPerSec: r.deliveredPerSec,
    failures: r.failures + r.closedEarly
  }
}

export async function measureStream (name: string, server: ServerProcess, ctx: BenchContext, workload: Workload): Promise<Sample> {
  const run = workload.consume !== undefined ? consumeRun : produceRun
  log(`${name} ${workload.name}: ${ctx.warmupSec} s warm-up, then ${ctx.durationSec} s measured`)
  await run(ctx, workload, ctx.warmupSec)
  server.assertAlive(`during the ${workload.name} warm-up`)
  const rssReset = resetPeakRss(server.pid)
  const cpu0 = cpuTicks(server.pid)
  const r = await run(ctx, workload, ctx.durationSec)
  const cpu = cpuPerRequest(cpu0, cpuTicks(server.pid), r.operations)
  const rss = peakRssMb(server.pid)
  server.assertAlive(`during ${workload.name}`)
  if (r.failures > 0) log(`${name} ${workload.name}: ${r.failures} failures or connections closed early; first: ${r.firstError ?? ''}`)
  return {
    durationSec: r.durationSec,
    requestsPerSec: r.requestsPerSec,
    producedPerSec: r.producedPerSec,
    fetchedPerSec: r.fetchedPerSec,
    latencyP50Ms: r.latencyP50Ms,
    latencyP99Ms: r.latencyP99Ms,
    latencyP999Ms: r.latencyP999Ms,
    errors: { client: r.failures },
    wraps: null,
    ...cpuColumns(cpu, true),
    peakRssMb: rss,
    peakRssScope: rssReset ? 'workload' : 'process'
  }
}
