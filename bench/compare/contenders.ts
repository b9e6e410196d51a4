// The contenders of the comparison benchmark, in the order they run.
import { join } from 'node:path'
import { GATEWAY_LOG_LEVEL, startGateway } from '../gateway.js'
import { HOST, request } from '../http.js'
import { batchProduce, httpSession, rawProduce, type BenchContext, type Contender, type HttpTarget, type Sample, type Session } from './contender.js'
import { startKafkaPixy } from './peers/kafka-pixy.js'
import type { PeerOptions, StartedPeer } from './peers/peer.js'
import { startStrimziBridge } from './peers/strimzi.js'
import { measureStream } from './stream.js'
import { readResult, type WindowResult } from './ceilings/window.js'
import { log, RUN_SLACK_MS, runChild, startServer } from './processes.js'
import type { ClientPlan, ReaderPlan } from './wrk.js'
import { FANIN_POSITIONS, FETCH_MAX_BYTES, hasFetch, hasProduce, kastlexOnly, recordsInFlightPerConnection, type Workload } from './workloads.js'

const START_TIMEOUT_MS = 60_000
const PRODUCE_ONLY = 'produce workloads only'

const onlyProduce = (reason: string) => (w: Workload): string | undefined => hasFetch(w) ? reason : undefined

/** KastleX's own readers keep the offset: GET /api/v2/messages/<topic>/<partition>/<offset>. */
function kastlexReaders (ctx: BenchContext, workload: Workload): ReaderPlan {
  const binary = workload.format === 'binary'
  const fanin = workload.access === 'fanin'
  const partitions = fanin ? ctx.fetchPartitions.slice(0, 1) : ctx.fetchPartitions
  // fan-in: reader i starts at position i mod FANIN_POSITIONS, spread evenly over the partition
  const spacing = Math.floor(ctx.fetchRecordsPerPartition / FANIN_POSITIONS)
  return {
    kind: 'offset',
    format: binary ? 'binary' : 'json',
    pathPrefixes: partitions.map((p) => `/api/v2/messages/${encodeURIComponent(ctx.fetchTopic)}/${p}/`),
    ...(fanin ? { startOffsets: Array.from({ length: workload.connections }, (_, i) => (i % FANIN_POSITIONS) * spacing) } : {}),
    ...(workload.access === 'random' ? { randomBelow: ctx.fetchRecordsPerPartition } : {}),
    // at the end of a partition answer at once (the reader wraps to 0) instead of long-polling
    query: binary ? '?max_wait_time=0' : `?max_wait_time=0&max_bytes=${FETCH_MAX_BYTES}`,
    headers: { Accept: binary ? 'application/binary' : 'application/json' }
  }
}

/** KastleX with `workers` Kafka worker threads (KASTLEX_WORKERS). */
export function kastlex (workers: number): Contender {
  // The gateway runs with the bench's environment (bench/gateway.ts): a codec set there is named in the report.
  const compression = process.env.KASTLEX_PRODUCER_COMPRESSION
  // BENCH_GATEWAY_ROOT: another checkout's build (e.g. a worktree of an older commit) for alternated A/B runs
  const otherBuild = process.env.BENCH_GATEWAY_ROOT || undefined
  const settings = [`KASTLEX_WORKERS=${workers}`]
  if (compression !== undefined && compression !== '') settings.push(`KASTLEX_PRODUCER_COMPRESSION=${compression}`)
  if (otherBuild !== undefined) settings.push(`build of ${otherBuild}`)
  const name = `KastleX (${settings.join(', ')})`
  return {
    id: `kastlex-${workers}`,
    name,
    skip: () => undefined,
    async open (ctx) {
      log(`starting ${name}, log level ${GATEWAY_LOG_LEVEL}, on ${HOST}:${ctx.port}`)
      const gateway = await startGateway({ root: otherBuild ?? ctx.root, port: ctx.port, workers, kafka: ctx.kafka })
      const target: HttpTarget = {
        server: { pid: gateway.pid, assertAlive: (d) => gateway.assertAlive(d), stop: async () => { log(`${name} stopped: ${await gateway.stop()}`) } },
        baseUrl: `http://${HOST}:${ctx.port}`,
        storesRecords: true,
        splitsThreads: true,
        plan: async (workload) => ({
          produce: workload.batch === undefined
            ? rawProduce(`/api/v2/messages/${encodeURIComponent(ctx.produceTopic)}`, ctx.body)
            : batchProduce(`/api/v2/batch/${encodeURIComponent(ctx.produceTopic)}`, workload.batch, ctx.body),
          readers: hasFetch(workload) ? kastlexReaders(ctx, workload) : undefined
        })
      }
      const http = httpSession(name, target, ctx)
      return { ...http, measure: async (w) => w.stream !== undefined || w.consume !== undefined ? await measureStream(name, target.server, ctx, w) : await http.measure(w) }
    }
  }
}

const bareUws: Contender = {
  id: 'bare-uws',
  name: 'bare uWebSockets.js (HTTP ceiling)',
  skip: (w) => onlyProduce(`${PRODUCE_ONLY}: it answers 204 to everything`)(w) ?? kastlexOnly(w),
  async open (ctx) {
    const script = join(ctx.root, 'dist/bench/compare/ceilings/bare-uws.js')
    const server = await startServer(this.name, process.execPath, [script, String(ctx.port)], { cwd: ctx.root },
      async () => (await request(ctx.port, { path: '/', timeoutMs: 1_000 })).status === 204, START_TIMEOUT_MS)
    return httpSession(this.name, {
      server,
      baseUrl: `http://${HOST}:${ctx.port}`,
      storesRecords: false,
      splitsThreads: false,
      plan: async () => ({ produce: rawProduce('/api/v2/messages/bench', ctx.body) })
    }, ctx)
  }
}

/**
 * A ceiling: a client process of its own (ceilings/*.ts) that measures itself for the workload; its
 * operations are records delivered (the producer) or reads answered (the fetch client).
 */
function ceiling (id: string, name: string, script: string, skip: Contender['skip'], kind: 'produce' | 'fetch',
  plan: (ctx: BenchContext, workload: Workload) => { inFlight: string, args: string[] }): Contender {
  return {
    id,
    name,
    skip,
    async open (ctx) {
      const path = join(ctx.root, 'dist/bench/compare/ceilings', script)
      return {
        async measure (workload): Promise<Sample> {
          const { inFlight, args } = plan(ctx, workload)
          log(`${name} ${workload.name}: ${inFlight} in flight, ${ctx.warmupSec} s warm-up, then ${ctx.durationSec} s measured`)
          const { stdout, code, signal } = await runChild(process.execPath, [path, ...args, String(ctx.warmupSec), String(ctx.durationSec)],
            (ctx.warmupSec + ctx.durationSec) * 1000 + RUN_SLACK_MS, { cwd: ctx.root })
          const r = readResult<WindowResult>(stdout, name, { code, signal })
          if (r.firstError !== null) log(`${name} ${workload.name}: first error: ${r.firstError}`)
          return {
            durationSec: r.durationSec,
            requestsPerSec: kind === 'fetch' ? Math.round(r.operations / r.durationSec) : null,
            producedPerSec: kind === 'produce' ? r.recordsPerSec : null,
            fetchedPerSec: kind === 'fetch' ? r.recordsPerSec : null,
            latencyP50Ms: r.latencyP50Ms,
            latencyP99Ms: r.latencyP99Ms,
            latencyP999Ms: r.latencyP999Ms,
            errors: { client: r.errors },
            wraps: null,
            cpuSecPer10k: r.operations > 0 ? Math.round(r.cpuSec / r.operations * 10_000_000) / 1000 : null,
            cpuUsPerRequest: r.operations > 0 ? Math.round(r.cpuSec / r.operations * 10_000_000) / 10 : null,
            cpuUsMainThread: null,
            cpuUsOtherThreads: null,
            peakRssMb: r.peakRssMb,
            peakRssScope: 'workload'
          }
        },
        close: async () => {}
      }
    }
  }
}

// As many records in flight as the clients have (batch: connections × records per batch; stream: × its window).
const directProducer = ceiling('direct', 'direct librdkafka producer (Kafka ceiling)', 'direct-producer.js',
  (w) => onlyProduce(PRODUCE_ONLY)(w) ?? (w.uniqueHeader !== undefined ? 'a variant of produce-64 by an HTTP header' : undefined), 'produce', (ctx, workload) => {
    const inFlight = String(workload.connections * recordsInFlightPerConnection(workload))
    return { inFlight: `${inFlight} records`, args: [ctx.kafka, ctx.produceTopic, inFlight] }
  })

const gatewayProducer = ceiling('gateway-producer', 'the gateway\'s producer without HTTP, linger.ms 1 (Kafka ceiling at its settings)', 'gateway-producer.js',
  (w) => onlyProduce(PRODUCE_ONLY)(w) ??
    (w.batch !== undefined || w.stream !== undefined || w.uniqueHeader !== undefined ? 'one-record produce workloads only' : undefined),
  'produce', (ctx, workload) => ({ inFlight: `${workload.connections} records`, args: [ctx.kafka, ctx.produceTopic, String(workload.connections)] }))

const directFetch = ceiling('direct-fetch', 'direct Fetch, the gateway\'s Kafka client without HTTP (Kafka ceiling)', 'direct-fetch.js',
  (w) => hasProduce(w) ? 'fetch workloads only' : undefined, 'fetch', (ctx, workload) => ({
    inFlight: `${workload.connections} reads`,
    args: [ctx.kafka, ctx.fetchTopic, String(ctx.fetchPartitions.length), String(ctx.fetchRecordsPerPartition), workload.name]
  }))

function peer (id: string, name: string, start: (options: PeerOptions) => Promise<StartedPeer>, skip: Contender['skip']): Contender {
  return {
    id,
    name,
    skip,
    async open (ctx): Promise<Session> {
      log(`starting ${name} on ${HOST}:${ctx.port} (installs it on first use)`)
      const started = await start({ root: ctx.root, port: ctx.port, kafka: ctx.kafka })
      log(`${started.version} is ready`)
      const plan = async (workload: Workload): Promise<ClientPlan> => ({
        produce: hasProduce(workload) ? started.produceRequest(ctx.produceTopic, ctx.body) : undefined,
        readers: hasFetch(workload) && started.readers !== undefined
          ? { kind: 'cursor', requests: await started.readers(ctx.fetchTopic, ctx.fetchPartitions, FETCH_MAX_BYTES) }
          : undefined
      })
      return httpSession(name, { server: started, baseUrl: `http://${HOST}:${ctx.port}`, storesRecords: true, splitsThreads: false, plan }, ctx, started.version)
    }
  }
}

export const CONTENDERS: readonly Contender[] = [
  bareUws,
  kastlex(2),
  kastlex(0),
  directProducer,
  gatewayProducer,
  directFetch,
  peer('strimzi', 'Strimzi Kafka Bridge', startStrimziBridge,
    (w) => w.access !== undefined && w.access !== 'sequential'
      ? 'one sequential reader (consumer) per partition in this comparison: no stateless read by offset'
      : w.format === 'binary' ? 'no raw binary read path: its consumer API answers JSON (base64 values) only' : kastlexOnly(w)),
  peer('pixy', 'kafka-pixy', startKafkaPixy, (w) => onlyProduce('producer only in this comparison (issue 5): its consume API reads through a consumer group, one record per request')(w) ?? kastlexOnly(w))
]
