// The load of the ws-produce workload (SPEC §10.4a): WebSocket connections to KastleX's produce stream, each
// keeping up to <inFlightRecords> records unanswered in frames of <recordsPerFrame> records of 1 KB. Spawned
// by bench/compare/stream.ts (wrk speaks no WebSocket).
//
//   node dist/bench/compare/ws-produce-client.js <ws url> <connections> <recordsPerFrame> <inFlightRecords> <durationSec>
//
// Prints one line "result <json>": records acknowledged per second, frame send→answer latency percentiles
// and the failures (error answers, records answered with an error, connections closed early).
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import { encodeFramedRecords } from '../../src/batch/binary-framing.js'
import { percentile } from '../stats.js'

const RECORD_BYTES = 1024
const OPEN_TIMEOUT_MS = 10_000

const [url = '', connectionsText = '16', perFrameText = '10', inFlightText = '1000', durationText = '10'] = process.argv.slice(2)
const connections = Number(connectionsText)
const perFrame = Number(perFrameText)
const framesInFlight = Math.max(1, Math.floor(Number(inFlightText) / perFrame))
const durationSec = Number(durationText)
if (!url.startsWith('ws') || !(connections >= 1) || !(perFrame >= 1) || !(durationSec > 0)) {
  process.stderr.write('usage: ws-produce-client <ws url> <connections> <recordsPerFrame> <inFlightRecords> <durationSec>\n')
  process.exit(2)
}

const frame = encodeFramedRecords(Array.from({ length: perFrame }, () => ({ key: null, value: randomBytes(RECORD_BYTES) })))
let stopping = false
let records = 0
let frames = 0
let failures = 0
let closedEarly = 0
let firstError: string | undefined
const latenciesMs: number[] = []

interface Answer { seq: number, results?: Array<{ offset?: number, error?: string }>, error?: string }

/** Opens a connection; its load starts with run(). */
async function open (): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('open timed out')), OPEN_TIMEOUT_MS)
    ws.once('open', () => { clearTimeout(timer); resolve() })
    ws.once('error', (err) => { clearTimeout(timer); reject(err) })
  })
  return ws
}

/** Keeps framesInFlight frames unanswered until stopped; answers count until then. */
async function run (ws: WebSocket): Promise<void> {
  const sentAt: number[] = []
  let nextSeq = 0
  const send = (): void => {
    sentAt[nextSeq++] = performance.now()
    ws.send(frame, { binary: true })
  }
  ws.on('message', (data: Buffer) => {
    if (stopping) return
    const answer = JSON.parse(data.toString()) as Answer
    latenciesMs.push(performance.now() - (sentAt[answer.seq] ?? 0))
    delete sentAt[answer.seq]
    frames++
    if (answer.error !== undefined) {
      failures++
      firstError ??= answer.error
    }
    for (const result of answer.results ?? []) {
      if (result.offset !== undefined) records++
      else {
        failures++
        firstError ??= result.error
      }
    }
    send()
  })
  await new Promise<void>((resolve) => {
    ws.once('close', (code) => {
      if (!stopping) {
        closedEarly++
        firstError ??= `closed ${code}`
      }
      resolve()
    })
    for (let i = 0; i < framesInFlight; i++) send()
  })
}

const ms = (v: number | null): number | null => v === null ? null : Math.round(v * 100) / 100

async function main (): Promise<void> {
  const sockets = await Promise.all(Array.from({ length: connections }, async () => await open()))
  const started = performance.now()
  const runs = Promise.all(sockets.map(async (ws) => await run(ws)))
  await new Promise((resolve) => setTimeout(resolve, durationSec * 1000))
  stopping = true
  const elapsedSec = (performance.now() - started) / 1000
  for (const ws of sockets) ws.close()
  await runs
  const sorted = Float64Array.from(latenciesMs).sort()
  process.stdout.write(`result ${JSON.stringify({
    durationSec: Math.round(elapsedSec * 1000) / 1000,
    records,
    recordsPerSec: Math.round(records / elapsedSec),
    frames,
    failures,
    closedEarly,
    firstError: firstError ?? null,
    latencyP50Ms: ms(percentile(sorted, 50)),
    latencyP99Ms: ms(percentile(sorted, 99)),
    latencyP999Ms: ms(percentile(sorted, 99.9))
  })}\n`)
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`ws-produce-client: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
