import autocannon from 'autocannon'
import { HOST, REQUEST_TIMEOUT_MS, errorMessage } from './http.js'
import { emptyMeasurement, type Measurement } from './stats.js'

export const PRODUCE_CONNECTIONS = 64

/**
 * autocannon with keep-alive connections POSTing the same binary body to the
 * topic (the gateway picks the partition). Every 2xx is one acknowledged record.
 */
export async function runProduce (port: number, topic: string, body: Buffer, durationSec: number): Promise<Measurement> {
  const m = emptyMeasurement()
  const instance = autocannon({
    url: `http://${HOST}:${port}/api/v2/messages/${encodeURIComponent(topic)}`,
    method: 'POST',
    headers: { 'content-type': 'application/binary' },
    body,
    connections: PRODUCE_CONNECTIONS,
    duration: durationSec,
    timeout: REQUEST_TIMEOUT_MS / 1000
  })
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTimeMs: number) => {
    m.latenciesMs.push(responseTimeMs)
    if (status >= 300) m.firstError ??= `HTTP ${status}`
  })
  instance.on('reqError', (err: unknown) => { m.firstError ??= errorMessage(err) })
  const result = await instance
  m.durationSec = result.duration
  m.ok = m.records = result['2xx']
  m.non2xx = result.non2xx
  m.requests = m.ok + m.non2xx
  m.errors = result.errors
  m.timeouts = result.timeouts
  return m
}
