import autocannon from 'autocannon'
import { HOST, REQUEST_TIMEOUT_MS, errorMessage } from './http.js'
import { emptyMeasurement, type Measurement } from './stats.js'

export interface Load {
  readonly port: number
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: Buffer | string
  readonly connections: number
  readonly durationSec: number
}

/** autocannon over keep-alive connections; every 2xx counts as one record. */
export async function runLoad (load: Load): Promise<Measurement> {
  const m = emptyMeasurement()
  const instance = autocannon({
    url: `http://${HOST}:${load.port}${load.path}`,
    method: load.method,
    headers: load.headers,
    body: load.body,
    connections: load.connections,
    duration: load.durationSec,
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
