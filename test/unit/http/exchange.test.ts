// The response side of one request (src/http/exchange.ts) against a fake uWS response whose socket takes
// a fixed number of bytes per write: when a reply counts as finished (what a graceful stop waits for),
// that a streamed body arrives whole, and that nothing is written twice or after the client left.
import test from 'ava'
import type { HttpResponse } from '../../../src/http/uws.js'
import { Exchange } from '../../../src/http/exchange.js'

/** A uWS response whose socket accepts `perWrite` bytes at a time (Infinity: everything at once). */
class FakeResponse {
  written: Buffer[] = []
  status = ''
  ended = false
  private offset = 0
  private aborted: (() => void) | undefined
  private writable: ((offset: number) => boolean) | undefined

  constructor (private readonly perWrite = Infinity) {}

  onAborted (handler: () => void): this { this.aborted = handler; return this }
  cork (fn: () => void): this { fn(); return this }
  writeStatus (status: string): this { this.status = status; return this }
  writeHeader (): this { return this }
  end (body?: string | Uint8Array): this { this.write(body ?? ''); this.ended = true; return this }
  endWithoutBody (): this { this.ended = true; return this }
  getWriteOffset (): number { return this.offset }
  tryEnd (data: string | Uint8Array, total: number): [boolean, boolean] {
    const chunk = Buffer.from(data)
    const taken = Math.min(chunk.byteLength, this.perWrite)
    this.write(chunk.subarray(0, taken))
    this.ended = this.offset === total
    return [taken === chunk.byteLength, this.ended]
  }

  onWritable (handler: (offset: number) => boolean): this { this.writable = handler; return this }

  /** The socket drained: uWS calls the onWritable handler with the bytes written so far. */
  drain (): boolean { return this.writable?.(this.offset) ?? true }
  abort (): void { this.aborted?.() }

  private write (data: string | Uint8Array): void {
    const bytes = Buffer.from(data)
    this.written.push(bytes)
    this.offset += bytes.byteLength
  }
}

function exchange (res: FakeResponse): { exchange: Exchange, finishes: number[] } {
  const finishes: number[] = []
  return { exchange: new Exchange(res as unknown as HttpResponse, 'id', false, (status) => finishes.push(status)), finishes }
}

test('a small reply is finished as soon as it is written', (t) => {
  const res = new FakeResponse()
  const { exchange: ex, finishes } = exchange(res)
  ex.send({ status: 200, body: '{"a":1}' })
  t.deepEqual(finishes, [200])
  t.is(Buffer.concat(res.written).toString(), '{"a":1}')
  t.false(ex.open)
})

test('a large body is finished only once its last byte is written, and arrives whole', (t) => {
  const res = new FakeResponse(30_000)
  const { exchange: ex, finishes } = exchange(res)
  const body = Buffer.alloc(200_000, 7)
  body.writeUInt32BE(123456789, 199_990)
  ex.send({ status: 200, body, contentType: 'application/octet-stream' })
  t.deepEqual(finishes, [], 'not finished while most of the body waits for the socket')
  let drains = 0
  while (!res.ended) {
    t.deepEqual(finishes, [])
    res.drain()
    drains++
  }
  t.is(drains, 6)
  t.deepEqual(finishes, [200])
  t.true(Buffer.concat(res.written).equals(body))
})

test('a large text body (multi-byte characters) is streamed whole too', (t) => {
  const res = new FakeResponse(10_000)
  const { exchange: ex, finishes } = exchange(res)
  const body = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => `été ${i} ✓`))
  ex.send({ status: 200, body })
  t.deepEqual(finishes, [])
  while (!res.ended) res.drain()
  t.deepEqual(finishes, [200])
  t.is(Buffer.concat(res.written).toString(), body)
})

test('a client that leaves during a streamed body finishes it once, with the status it was sent', (t) => {
  const res = new FakeResponse(30_000)
  const { exchange: ex, finishes } = exchange(res)
  ex.send({ status: 200, body: Buffer.alloc(100_000) })
  res.abort()
  t.deepEqual(finishes, [200])
  const before = res.written.length
  t.true(res.drain(), 'the writable handler gives up')
  t.is(res.written.length, before, 'nothing written after the abort')
  t.deepEqual(finishes, [200])
})

test('a client that leaves before the reply: 499, and the late reply is not written', (t) => {
  const res = new FakeResponse()
  const { exchange: ex, finishes } = exchange(res)
  res.abort()
  ex.send({ status: 204 })
  t.deepEqual(finishes, [499])
  t.deepEqual(res.written, [])
})

test('only the first reply is written', (t) => {
  const res = new FakeResponse()
  const { exchange: ex, finishes } = exchange(res)
  ex.send({ status: 204 })
  ex.fail(new Error('late'))
  t.deepEqual(finishes, [204])
  t.is(res.status.split('\r\n')[0], '204 No Content')
})

test('the head goes to uWS in one writeStatus: the status line, then each header line, the content type last', (t) => {
  const res = new FakeResponse()
  const ex = new Exchange(res as unknown as HttpResponse, 'req-1', false, () => {}, [['access-control-allow-origin', '*']])
  ex.send({ status: 200, body: '{}', headers: [['x-kafka-partition', '3']] })
  t.deepEqual(res.status.split('\r\n'), [
    '200 OK',
    'x-request-id: req-1',
    'cache-control: max-age=0, private, must-revalidate',
    'access-control-allow-origin: *',
    'x-kafka-partition: 3',
    'content-type: application/json; charset=utf-8'
  ])
})
