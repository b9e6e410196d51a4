import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { RequestTimeout, errorMessage, request, type HttpResponse } from './http.js'
import { emptyMeasurement, type Measurement } from './stats.js'

export type FetchFormat = 'json' | 'binary'

const PREFILL_CONCURRENCY = 16
const PREFILL_TIMEOUT_MS = 180_000
const ERROR_BACKOFF_MS = 50

const messagesPath = (topic: string, ...rest: number[]): string =>
  ['/api/v2/messages', encodeURIComponent(topic), ...rest].join('/')

/** Produces `count` copies of `body` through the gateway, round-robin over explicit partitions. */
export async function prefill (port: number, topic: string, partitions: number, count: number, body: Buffer): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: PREFILL_CONCURRENCY })
  const deadline = Date.now() + PREFILL_TIMEOUT_MS
  let next = 0
  const loop = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      if (Date.now() > deadline) throw new Error(`pre-filling ${topic} took longer than ${PREFILL_TIMEOUT_MS / 1000} s`)
      const res = await request(port, {
        method: 'POST',
        path: messagesPath(topic, i % partitions),
        headers: { 'content-type': 'application/binary' },
        body,
        agent
      })
      if (res.status < 200 || res.status >= 300) throw new Error(`pre-fill produce to ${topic}/${i % partitions} answered ${describe(res)}`)
    }
  }
  try {
    await Promise.all(Array.from({ length: PREFILL_CONCURRENCY }, loop))
  } finally {
    agent.destroy()
  }
}

/**
 * One sequential reader per partition, each on its own keep-alive socket:
 * start at offset 0, continue after the last returned offset, and wrap to 0
 * whenever a request yields no record (end of partition, or an error).
 * A 2xx answer that cannot be read (bad JSON, no offset) counts as an error.
 */
export async function runFetch (port: number, topic: string, partitions: number, format: FetchFormat, durationSec: number): Promise<Measurement> {
  const m = emptyMeasurement()
  const start = performance.now()
  const deadline = start + durationSec * 1000
  await Promise.all(Array.from({ length: partitions }, (_, partition) => readPartition(port, topic, partition, format, deadline, m)))
  m.durationSec = Math.round(performance.now() - start) / 1000
  return m
}

async function readPartition (port: number, topic: string, partition: number, format: FetchFormat, deadline: number, m: Measurement): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const accept = format === 'json' ? 'application/json' : 'application/binary'
  let offset = 0
  try {
    while (performance.now() < deadline) {
      const sent = performance.now()
      try {
        const res = await request(port, { path: `${messagesPath(topic, partition, offset)}?max_wait_time=0`, headers: { accept }, agent })
        m.latenciesMs.push(performance.now() - sent)
        m.requests++
        if (res.status < 200 || res.status >= 300) {
          m.non2xx++
          m.firstError ??= describe(res)
          offset = 0
          continue
        }
        const read = format === 'json' ? readJson(res) : readBinary(res)
        m.ok++
        m.records += read.records
        offset = read.records > 0 ? read.lastOffset + 1 : 0
      } catch (err) {
        m.errors++
        if (err instanceof RequestTimeout) m.timeouts++
        m.firstError ??= errorMessage(err)
        offset = 0
        await sleep(ERROR_BACKOFF_MS)
      }
    }
  } finally {
    agent.destroy()
  }
}

interface Read { records: number, lastOffset: number }

function readJson (res: HttpResponse): Read {
  const records: unknown = JSON.parse(res.body.toString('utf8'))
  if (!Array.isArray(records)) throw new Error(`expected a JSON array, got ${res.body.subarray(0, 200).toString('utf8')}`)
  const last: unknown = records.at(-1)
  const lastOffset = typeof last === 'object' && last !== null && 'offset' in last ? Number(last.offset) : NaN
  if (records.length > 0 && !Number.isSafeInteger(lastOffset)) throw new Error(`record without integer offset: ${JSON.stringify(last).slice(0, 200)}`)
  return { records: records.length, lastOffset }
}

function readBinary (res: HttpResponse): Read {
  const header = res.headers['x-message-offset']
  return header === undefined ? { records: 0, lastOffset: NaN } : { records: 1, lastOffset: Number(header) }
}

function describe (res: HttpResponse): string {
  return `HTTP ${res.status} ${res.body.subarray(0, 200).toString('utf8')}`.trim()
}
