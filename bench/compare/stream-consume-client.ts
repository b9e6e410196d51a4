// The load of the stream workload (SPEC §10.5): WebSocket consume streams on KastleX, spread over the produce
// topic's partitions from `latest`, while records are produced at a fixed rate through the produce stream (one
// connection per partition, a frame every TICK_MS), each value starting with its send time. Spawned by
// bench/compare/stream.ts.
//
//   node dist/bench/compare/stream-consume-client.js <ws base url> <topic> <partitions> <streams> <recordsPerSec> <durationSec>
//
// Prints one line "result <json>": records produced and delivered per second (a record counts once per stream
// that received it), and the produce → receipt latency percentiles of every delivery.
import WebSocket from 'ws'
import { encodeFramedRecords } from '../../src/batch/binary-framing.js'
import { percentile } from '../stats.js'

const RECORD_BYTES = 1024
const TICK_MS = 10
const OPEN_TIMEOUT_MS = 10_000

const [base = '', topic = '', partitionsText = '8', streamsText = '32', rateText = '10000', durationText = '10'] = process.argv.slice(2)
const partitions = Number(partitionsText)
const streams = Number(streamsText)
const rate = Number(rateText)
const durationSec = Number(durationText)
if (!base.startsWith('ws') || topic === '' || !(partitions >= 1) || !(streams >= 1) || !(rate >= 1) || !(durationSec > 0)) {
  process.stderr.write('usage: stream-consume-client <ws base url> <topic> <partitions> <streams> <recordsPerSec> <durationSec>\n')
  process.exit(2)
}

let measuring = true
let produced = 0
let delivered = 0
let failures = 0
let closedEarly = 0
let firstError: string | undefined
const latenciesMs: number[] = []

async function open (path: string): Promise<WebSocket> {
  const ws = new WebSocket(`${base}${path}`, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`open ${path} timed out`)), OPEN_TIMEOUT_MS)
    ws.once('open', () => { clearTimeout(timer); resolve() })
    ws.once('error', (err) => { clearTimeout(timer); reject(err) })
  })
  ws.on('close', (code) => {
    if (!measuring) return
    closedEarly++
    firstError ??= `closed ${code}`
  })
  return ws
}

interface Streamed { value?: string, error?: string }

function consume (ws: WebSocket): void {
  ws.on('message', (data: Buffer) => {
    if (!measuring) return
    const received = performance.now()
    const message = JSON.parse(data.toString()) as Streamed
    if (message.error !== undefined) {
      failures++
      firstError ??= message.error
      return
    }
    delivered++
    latenciesMs.push(received - Number(message.value?.slice(0, message.value.indexOf(' '))))
  })
}

/** A frame of `count` records whose values start with the send time (ms, this process's clock). */
function frame (count: number): Buffer {
  const sent = `${performance.now().toFixed(3)} `
  return encodeFramedRecords(Array.from({ length: count }, () => ({ key: null, value: Buffer.from(sent.padEnd(RECORD_BYTES, 'x')) })))
}

function produce (ws: WebSocket): void {
  ws.on('message', (data: Buffer) => {
    const answer = JSON.parse(data.toString()) as { results?: Array<{ offset?: number, error?: string }>, error?: string }
    for (const result of answer.results ?? [{ error: answer.error }]) {
      if (result.offset !== undefined) continue
      failures++
      firstError ??= result.error
    }
  })
}

const ms = (v: number | null): number | null => v === null ? null : Math.round(v * 100) / 100

async function main (): Promise<void> {
  const topicPath = encodeURIComponent(topic)
  const consumers = await Promise.all(Array.from({ length: streams }, async (_, i) => await open(`/api/v2/stream/${topicPath}/${i % partitions}?offset=latest`)))
  consumers.forEach(consume)
  const producers = await Promise.all(Array.from({ length: partitions }, async (_, p) => await open(`/api/v2/produce/${topicPath}/${p}`)))
  producers.forEach(produce)
  const started = performance.now()
  // Each tick sends what the rate owes by now, spread over the partitions.
  const ticker = setInterval(() => {
    const owed = Math.floor((performance.now() - started) / 1000 * rate) - produced
    if (owed <= 0) return
    for (const [p, ws] of producers.entries()) {
      const count = Math.floor(owed / partitions) + (p < owed % partitions ? 1 : 0)
      if (count > 0) ws.send(frame(count), { binary: true })
    }
    produced += owed
  }, TICK_MS)
  await new Promise((resolve) => setTimeout(resolve, durationSec * 1000))
  clearInterval(ticker)
  measuring = false
  const elapsedSec = (performance.now() - started) / 1000
  for (const ws of [...consumers, ...producers]) ws.close()
  const sorted = Float64Array.from(latenciesMs).sort()
  process.stdout.write(`result ${JSON.stringify({
    durationSec: Math.round(elapsedSec * 1000) / 1000,
    produced,
    producedPerSec: Math.round(produced / elapsedSec),
    delivered,
    deliveredPerSec: Math.round(delivered / elapsedSec),
    failures,
    closedEarly,
    firstError: firstError ?? null,
    latencyP50Ms: ms(percentile(sorted, 50)),
    latencyP99Ms: ms(percentile(sorted, 99)),
    latencyP999Ms: ms(percentile(sorted, 99.9))
  })}\n`)
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`stream-consume-client: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
