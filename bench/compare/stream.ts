// Measures KastleX's produce stream (the ws-produce workload) with bench/compare/ws-produce-client.ts: a
// warm-up run, then the measured run, with the gateway's CPU and peak RSS taken around the latter, as
// httpSession does around wrk.
import { join } from 'node:path'
import { HOST } from '../http.js'
import { readResult } from './ceilings/window.js'
import { cpuColumns, type BenchContext, type Sample } from './contender.js'
import { cpuPerRequest, cpuTicks } from './cpu.js'
import { log, peakRssMb, resetPeakRss, RUN_SLACK_MS, runChild, type ServerProcess } from './processes.js'
import type { Workload } from './workloads.js'

interface ClientResult {
  durationSec: number
  records: number
  recordsPerSec: number
  frames: number
  failures: number
  closedEarly: number
  firstError: string | null
  latencyP50Ms: number | null
  latencyP99Ms: number | null
  latencyP999Ms: number | null
}

async function runClient (ctx: BenchContext, workload: Workload, durationSec: number): Promise<ClientResult> {
  const stream = workload.stream as NonNullable<Workload['stream']>
  const url = `ws://${HOST}:${ctx.port}/api/v2/produce/${encodeURIComponent(ctx.produceTopic)}`
  const args = [join(ctx.root, 'dist/bench/compare/ws-produce-client.js'), url, String(workload.connections), String(stream.recordsPerFrame), String(stream.inFlightRecords), String(durationSec)]
  const { stdout, code, signal } = await runChild(process.execPath, args, durationSec * 1000 + RUN_SLACK_MS, { cwd: ctx.root })
  return readResult<ClientResult>(stdout, 'ws-produce client', { code, signal })
}

export async function measureStream (name: string, server: ServerProcess, ctx: BenchContext, workload: Workload): Promise<Sample> {
  log(`${name} ${workload.name}: ${ctx.warmupSec} s warm-up, then ${ctx.durationSec} s measured`)
  await runClient(ctx, workload, ctx.warmupSec)
  server.assertAlive(`during the ${workload.name} warm-up`)
  const rssReset = resetPeakRss(server.pid)
  const cpu0 = cpuTicks(server.pid)
  const r = await runClient(ctx, workload, ctx.durationSec)
  const cpu = cpuPerRequest(cpu0, cpuTicks(server.pid), r.frames)
  const rss = peakRssMb(server.pid)
  server.assertAlive(`during ${workload.name}`)
  if (r.failures + r.closedEarly > 0) log(`${name} ${workload.name}: ${r.failures} failures, ${r.closedEarly} connections closed early; first: ${r.firstError ?? ''}`)
  return {
    durationSec: r.durationSec,
    // One "request" = one frame answered.
    requestsPerSec: Math.round(r.frames / r.durationSec),
    producedPerSec: r.recordsPerSec,
    fetchedPerSec: null,
    latencyP50Ms: r.latencyP50Ms,
    latencyP99Ms: r.latencyP99Ms,
    latencyP999Ms: r.latencyP999Ms,
    errors: { client: r.failures + r.closedEarly },
    wraps: null,
    ...cpuColumns(cpu, true),
    peakRssMb: rss,
    peakRssScope: rssReset ? 'workload' : 'process'
  }
}
