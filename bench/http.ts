import http from 'node:http'

/** The only host the benchmark ever talks to. */
export const HOST = '127.0.0.1'

/** Per-request timeout of every scenario (autocannon's default as well). */
export const REQUEST_TIMEOUT_MS = 10_000

export interface HttpRequest {
  path: string
  method?: 'GET' | 'POST'
  headers?: http.OutgoingHttpHeaders
  body?: Buffer
  agent?: http.Agent
  timeoutMs?: number
}

export interface HttpResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export function request (port: number, req: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? REQUEST_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    const headers = req.body ? { ...req.headers, 'content-length': req.body.length } : req.headers
    const outgoing = http.request({ host: HOST, port, path: req.path, method: req.method ?? 'GET', headers, agent: req.agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    outgoing.on('error', reject)
    outgoing.end(req.body)
  })
}

export function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
