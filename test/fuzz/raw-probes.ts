// Raw-socket abuse on fresh connections: bad framing, partial requests, binary garbage, TLS bytes on the
// HTTP port, pipelined floods, HTTP/1.0, slow clients, oversized bodies. Judged on: no 5xx other than
// 503, an answer or a close within the probe's deadline, and no `100 Continue` before a refusal. Issue-12
// behaviours are counted apart.
import { connect } from 'node:net'
import type { Prng } from './prng.js'
import type { Tally } from './judge.js'

/** uWS closes idle HTTP connections after 10 s; a probe that leaves its request unfinished waits that long. */
const IDLE_CLOSE_MS = 10_000
const ANSWER_MS = 5_000

interface Exchange {
  /** Everything the server sent. */
  readonly data: Buffer
  /** The server closed (or reset) the connection. */
  readonly closed: boolean
  readonly ms: number
}

interface Plan {
  readonly chunks: readonly Buffer[]
  /** Pause between chunks (slow clients). */
  readonly gapMs?: number
  /** Half-close after the last chunk. */
  readonly end?: boolean
  /** Destroy the socket right after writing (a client that gives up). */
  readonly abort?: boolean
  /** Stop waiting once this many responses arrived. */
  readonly responses?: number
  readonly waitMs: number
  /** Stop waiting once the server sent nothing for this long (the wait restarts with every chunk). */
  readonly idleMs?: number
}

function exchange (port: number, plan: Plan): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now()
    const socket = connect(port, '127.0.0.1')
    const parts: Buffer[] = []
    let done = false
    const finish = (closed: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearTimeout(idle)
      socket.destroy()
      resolve({ data: Buffer.concat(parts), closed, ms: performance.now() - started })
    }
    const timer = setTimeout(() => finish(false), plan.waitMs)
    const idle = plan.idleMs === undefined ? undefined : setTimeout(() => finish(false), plan.idleMs)
    socket.on('data', (chunk: Buffer) => {
      idle?.refresh()
      parts.push(chunk)
      if (plan.responses !== undefined && countResponses(Buffer.concat(parts)) >= plan.responses) finish(false)
    })
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.once('connect', async () => {
      for (const [i, chunk] of plan.chunks.entries()) {
        if (done) return
        if (i > 0 && plan.gapMs !== undefined) await new Promise((resolve) => setTimeout(resolve, plan.gapMs))
        socket.write(chunk)
      }
      if (plan.abort === true) finish(true)
      else if (plan.end === true) socket.end()
    })
  })
}

const STATUS_LINE = /HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/g
const statuses = (data: Buffer): number[] => [...data.toString('latin1').matchAll(STATUS_LINE)].map((m) => Number(m[1])).filter((s) => s >= 200)
const countResponses = (data: Buffer): number => statuses(data).length

const request = (line: string, headers: string[] = [], body = ''): Buffer =>
  Buffer.from(`${line}\r\nhost: 127.0.0.1\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`, 'latin1')

/** A TLS 1.2/1.3 ClientHello as a browser would open with. */
const CLIENT_HELLO = Buffer.from(
  '160301013e0100013a0303' + 'a1'.repeat(32) + '20' + 'b2'.repeat(32) + '003e130213031301c02cc030009fcca9cca8ccaac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff' +
  '010000b3000b000403000102000a000c000a001d0017001e00190018002300000016000000170000000d0030002e040305030603080708080809080a080b080408050806040105010601030302030301020103020202040205020602002b0009080304030303020301002d00020101003300260024001d0020' + 'c3'.repeat(32), 'hex')

export interface ProbeContext {
  readonly port: number
  /** A real topic with one partition at least, for requests that must be served. */
  readonly topic: string
}

type Probe = (rng: Prng, ctx: ProbeContext, tally: Tally) => Promise<void>

/** Answered or closed within the deadline, never a 5xx other than 503. */
function judgeRaw (tally: Tally, name: string, result: Exchange, example: string): void {
  tally.requests++
  tally.count(tally.categories, `raw:${name}`)
  const answered = statuses(result.data)
  for (const status of answered) tally.count(tally.statuses, `raw ${status}`)
  if (answered.some((s) => s >= 500 && s !== 503)) tally.fail('raw: 5xx other than 503', `${example} → ${clipData(result.data)}`)
  else if (answered.length === 0 && !result.closed) tally.fail('raw: neither answered nor closed', `${example} → open and silent after ${Math.round(result.ms)} ms`)
  if (answered.length === 0) tally.count(tally.statuses, result.closed ? 'raw closed' : 'raw silent')
}

const clipData = (data: Buffer): string => JSON.stringify(data.subarray(0, 200).toString('latin1'))

const BAD_REQUEST_LINES = [
  'GARBAGE', 'GET', 'GET /', 'GET /health HTTP/9.9', 'GET /health HTTP/1.1 extra', 'GET  /health  HTTP/1.1', 'GET /health\tHTTP/1.1',
  'get /health http/1.1', ' GET /health HTTP/1.1', 'GET http://127.0.0.1/health HTTP/1.1', 'OPTIONS * HTTP/1.1', 'CONNECT 127.0.0.1:9092 HTTP/1.1',
  'GET /health HTTP/1.1\x00', 'GET /he\x00alth HTTP/1.1', 'GET /h\x7fealth HTTP/1.1', 'GET /health HTTP/2.0', 'PRI * HTTP/2.0', '\x16\x03\x01',
  'GET /health HTTP/', 'GET /health HTTP/1.1\r\n: empty-name', 'GET /health HTTP/1.1\r\nno-colon', 'GET /health HTTP/1.1\r\nx : space-before-colon',
  'GET /health HTTP/1.1\r\nx: a\r\n folded', 'GET /health HTTP/1.1\r\nx\x00y: z', 'GET /health HTTP/1.1\r\nx: \x00', `GET /${'a'.repeat(70_000)} HTTP/1.1`,
  `GET /health?${'q=1&'.repeat(20_000)} HTTP/1.1`, `GET /health HTTP/1.1\r\n${'a:b\r\n'.repeat(3000)}`.trimEnd()
]

/**
 * Framing probes: `refused` ones (SPEC §10.6a: content-length lines differing, or a transfer-encoding
 * other than one chunked) must get 400 or nothing, and a closed connection; the others only the general checks.
 */
const FRAMING = (topic: string): Array<readonly [Buffer, 'refused' | 'any']> => [
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: 1', 'content-length: 5'], 'hello'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: 0', 'content-length: 44'], `GET /api/v1/topics/${topic} HTTP/1.1\r\nhost: x\r\n\r\n`), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['transfer-encoding: xchunked'], '5\r\nhello\r\n0\r\n\r\n'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['transfer-encoding: chunked, gzip'], '5\r\nhello\r\n0\r\n\r\n'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['transfer-encoding: identity, chunked'], '5\r\nhello\r\n0\r\n\r\n'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['transfer-encoding: chunked', 'transfer-encoding: chunked'], '5\r\nhello\r\n0\r\n\r\n'), 'refused'],
  [request('GET /health HTTP/1.1', ['transfer-encoding: gzip'], '5\r\nhello\r\n0\r\n\r\n'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['transfer-encoding: chunked', 'content-length: 3'], '5\r\nhello\r\n0\r\n\r\n'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: -1'], 'x'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: 1e3'], 'x'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: 99999999999999999999999'], 'x'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: 0x10'], 'x'), 'refused'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['transfer-encoding: chunked'], 'zz\r\nhello\r\n0\r\n\r\n'), 'any'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['transfer-encoding: chunked'], 'fffffffffffffffff\r\nhello\r\n0\r\n\r\n'), 'any'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['transfer-encoding: chunked'], '-5\r\nhello\r\n0\r\n\r\n'), 'any'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: 10'], 'short'), 'any'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: 2'], 'much longer than two'), 'any'],
  [request('GET /health HTTP/1.1', ['content-length: 5'], 'hello'), 'any'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['expect: 100-continue', 'content-length: 9000000']), 'any'],
  [request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['expect: 100-continue', 'content-length: 5', 'authorization: Bearer forged.token.here']), 'any']
]

const probes: ReadonlyArray<readonly [number, string, Probe]> = [
  [10, 'bad request line', async (rng, ctx, tally) => {
    const line = rng.pick(BAD_REQUEST_LINES)
    judgeRaw(tally, 'bad request line', await exchange(ctx.port, { chunks: [request(line)], end: true, waitMs: ANSWER_MS }), JSON.stringify(line.slice(0, 120)))
  }],
  [8, 'framing', async (rng, ctx, tally) => {
    const [bytes, expected] = rng.pick(FRAMING(ctx.topic))
    // Refused ones not half-closed: uWS closes a half-closed connection at once, which would hide a missing close.
    const result = await exchange(ctx.port, { chunks: [bytes], end: expected === 'any', waitMs: ANSWER_MS })
    const text = result.data.toString('latin1')
    // The Expect probes are refused before their body is asked for (413, 401): a 100 before their 4xx came
    // too early (SPEC §10.6a).
    if (/^HTTP\/1\.1 100 /.test(text) && /HTTP\/1\.1 4\d\d /.test(text)) tally.fail('framing: 100 Continue before an error', clipData(bytes))
    if (expected === 'refused' && (statuses(result.data).some((s) => s !== 400) || !result.closed)) {
      tally.fail('framing: ambiguous framing not refused with 400 and a close', `${clipData(bytes)} → ${clipData(result.data)}${result.closed ? ' (closed)' : ' (left open)'}`)
    }
    judgeRaw(tally, 'framing', result, clipData(bytes))
  }],
  [6, 'partial then close', async (rng, ctx, tally) => {
    const full = request(`POST /api/v2/messages/${ctx.topic}/0 HTTP/1.1`, ['content-length: 100'], 'x'.repeat(100))
    await exchange(ctx.port, { chunks: [full.subarray(0, rng.int(1, full.length - 1))], abort: true, waitMs: ANSWER_MS })
    tally.requests++
    tally.count(tally.categories, 'raw:partial then close')
  }],
  [6, 'binary garbage', async (rng, ctx, tally) => {
    const bytes = rng.bytes(rng.int(1, 4096))
    judgeRaw(tally, 'binary garbage', await exchange(ctx.port, { chunks: [bytes], end: true, waitMs: ANSWER_MS }), `${bytes.length} random bytes`)
  }],
  [3, 'TLS ClientHello', async (_rng, ctx, tally) => {
    // A TLS client waits for the ServerHello without closing: the server must close (at the latest when idle).
    judgeRaw(tally, 'TLS ClientHello', await exchange(ctx.port, { chunks: [CLIENT_HELLO], waitMs: IDLE_CLOSE_MS + ANSWER_MS }), 'TLS ClientHello on the HTTP port')
  }],
  [4, 'pipelined flood', async (rng, ctx, tally) => {
    const n = rng.int(2, 50)
    const one = rng.chance(0.5) ? request('GET /health HTTP/1.1') : request(`GET /api/v1/topics/${ctx.topic} HTTP/1.1`)
    // Answered one after another, a topic's after its own Kafka round trip (up to 150 ms or so each under the
    // fuzz's own load): a stall is a pause of ANSWER_MS, not n answers taking longer than that in all.
    const result = await exchange(ctx.port, { chunks: [Buffer.concat(Array.from({ length: n }, () => one))], responses: n, idleMs: ANSWER_MS, waitMs: PROBE_MAX_MS })
    const answered = countResponses(result.data)
    const after = result.closed ? 'closed' : result.ms < PROBE_MAX_MS ? `then nothing for ${ANSWER_MS} ms` : `still answering after ${PROBE_MAX_MS} ms`
    if (answered < n) tally.fail('pipelined requests not all answered', `${n} pipelined → ${answered} answers, ${after}`)
    judgeRaw(tally, 'pipelined flood', { ...result, closed: result.closed || answered < n }, `${n} pipelined requests`)
  }],
  [3, 'HTTP/1.0', async (_rng, ctx, tally) => {
    const result = await exchange(ctx.port, { chunks: [Buffer.from('GET /health HTTP/1.0\r\n\r\n')], responses: 1, waitMs: 2000 })
    if (countResponses(result.data) === 0) tally.fail('HTTP/1.0 not answered', `GET /health HTTP/1.0 → ${result.closed ? 'closed' : 'no answer'} after ${Math.round(result.ms)} ms`)
    judgeRaw(tally, 'HTTP/1.0', { ...result, closed: true }, 'GET /health HTTP/1.0')
  }],
  [3, 'slow client', async (rng, ctx, tally) => {
    const bytes = request(`GET /api/v1/topics/${ctx.topic} HTTP/1.1`, ['accept: application/json'])
    const chunks = Array.from(bytes, (b) => Buffer.from([b]))
    const result = await exchange(ctx.port, { chunks, gapMs: rng.int(5, 25), responses: 1, waitMs: chunks.length * 40 + ANSWER_MS })
    judgeRaw(tally, 'slow client', result, 'GET topic one byte at a time')
    if (statuses(result.data)[0] !== 200) tally.fail('slow client not served', `one byte at a time → ${clipData(result.data)}${result.closed ? ' (closed)' : ''}`)
  }],
  [2, 'unfinished headers', async (_rng, ctx, tally) => {
    // Slowloris: the head never ends; the server must close the connection when it idles.
    judgeRaw(tally, 'unfinished headers', await exchange(ctx.port, { chunks: [Buffer.from('GET /health HTTP/1.1\r\nhost: x\r\nx-a: ')], waitMs: IDLE_CLOSE_MS + ANSWER_MS }), 'headers never finished')
  }],
  [3, 'connection churn', async (rng, ctx, tally) => {
    const n = rng.int(20, 100)
    await Promise.all(Array.from({ length: n }, async () => await exchange(ctx.port, { chunks: [], abort: true, waitMs: ANSWER_MS })))
    tally.requests++
    tally.count(tally.categories, 'raw:connection churn')
  }]
]

const LONG = new Set(['TLS ClientHello', 'unfinished headers'])

/** Runs one probe: the one named, or one picked by weight (only short ones when `longAllowed` is false). */
export async function runProbe (rng: Prng, ctx: ProbeContext, tally: Tally, longAllowed: boolean, name?: string): Promise<void> {
  const candidates = probes.filter(([, probeName]) => name !== undefined ? probeName === name : longAllowed || !LONG.has(probeName))
  await rng.weighted(candidates.map(([weight, , probe]) => [weight, probe] as const))(rng, ctx, tally)
}

/** The longest a probe may take (for stopping in time). */
export const PROBE_MAX_MS = IDLE_CLOSE_MS + ANSWER_MS

/**
 * Many connections each declaring a body just under KASTLEX_MAX_BODY_BYTES and sending half of it, held
 * for a moment: memory per body must be bounded across connections (SPEC §10.6a), seen in the RSS peak.
 */
export async function bodyFlood (ctx: ProbeContext, tally: Tally, connections: number, declared: number): Promise<void> {
  const head = request(`POST /api/v2/messages/${ctx.topic}/0 HTTP/1.1`, [`content-length: ${declared}`])
  const half = Buffer.alloc(Math.floor(declared / 2), 0x62)
  const results = await Promise.all(Array.from({ length: connections }, async () =>
    await exchange(ctx.port, { chunks: [head, half], gapMs: 0, waitMs: 2000 })))
  for (const result of results) {
    tally.requests++
    tally.count(tally.categories, 'raw:body flood')
    const answered = statuses(result.data)
    for (const status of answered) tally.count(tally.statuses, `raw ${status}`)
    if (answered.some((s) => s >= 500 && s !== 503)) tally.fail('raw: 5xx other than 503', `body flood → ${clipData(result.data)}`)
  }
}
