// SPEC §10.6a: an answer given while the client is still sending its body (413 over the limit, 403, …)
// reaches ordinary clients — Node's fetch, curl, Python's requests — because the gateway reads and
// drops the rest before closing, bounded by twice the limit and 5 s. Nothing of such a body is written.
import test from 'ava'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { collect, open } from '../helpers/raw-http.js'
import { eventually } from '../helpers/poll.js'

const run = promisify(execFile)
/** The default KASTLEX_MAX_BODY_BYTES. */
const LIMIT = 8_000_000
const OVER = LIMIT + 1
/** Well over the limit, under twice it: more than the socket buffers on both sides hold, so the client is still sending when the answer comes. */
const FAR_OVER = LIMIT * 1.9
const gateway = gatewayPerFile(test)
const TOO_LARGE = { error: 'request body too large' }

const dir = mkdtempSync(join(tmpdir(), 'kastlex-over-limit-'))
const overFile = join(dir, 'over.bin')
writeFileSync(overFile, Buffer.alloc(OVER, 'x'))
const farOverFile = join(dir, 'far-over.bin')
writeFileSync(farOverFile, Buffer.alloc(FAR_OVER, 'x'))

const nextOffset = async (topic: string): Promise<number> =>
  (await (await fetch(`${gateway().url}/api/v1/offsets/${topic}/0`)).json() as { offset: number }).offset

/** A body streamed in 1 MB pieces (chunked: no content-length), `total` bytes in all. */
function stream (total: number): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream({
    pull (controller) {
      const size = Math.min(1_000_000, total - sent)
      if (size === 0) { controller.close(); return }
      controller.enqueue(new Uint8Array(size).fill(0x61))
      sent += size
    }
  })
}

const python = async (url: string, body: string): Promise<{ status: number, json: unknown }> => {
  const { stdout } = await run('python3', ['-c', `import json, requests, sys\n${body}\nr = requests.post(sys.argv[1], data=data)\nprint(json.dumps({"status": r.status_code, "json": r.json()}))`, url])
  return JSON.parse(stdout) as { status: number, json: unknown }
}

const curl = async (args: string[]): Promise<{ status: number, json: unknown }> => {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args], { maxBuffer: 1 << 20 })
  const lines = stdout.trimEnd().split('\n')
  return { status: Number(lines.pop()), json: JSON.parse(lines.join('\n')) }
}

test('Node fetch: 8,000,001 bytes and 15.2 MB → the 413 JSON, not "fetch failed"; chunked past the limit too', async (t) => {
  const topic = await createTopic(t)
  const url = `${gateway().url}/api/v2/messages/${topic}/0`
  for (const size of [OVER, FAR_OVER]) {
    const declared = await fetch(url, { method: 'POST', body: Buffer.alloc(size) })
    t.is(declared.status, 413)
    t.deepEqual(await declared.json(), TOO_LARGE)
    t.is(declared.headers.get('connection'), 'close')
  }
  const chunked = await fetch(url, { method: 'POST', body: stream(LIMIT + 1_000_000), duplex: 'half' } as RequestInit)
  t.is(chunked.status, 413)
  t.deepEqual(await chunked.json(), TOO_LARGE)
  t.is(await nextOffset(topic), 0)
})

test('curl: 8,000,001 bytes (curl adds Expect: 100-continue), chunked, and a 403 while uploading → the JSON answer', async (t) => {
  const topic = await createTopic(t)
  const url = `${gateway().url}/api/v2/messages/${topic}/0`
  t.deepEqual(await curl(['--data-binary', `@${overFile}`, url]), { status: 413, json: TOO_LARGE })
  t.deepEqual(await curl(['--data-binary', `@${farOverFile}`, url]), { status: 413, json: TOO_LARGE })
  t.deepEqual(await curl(['-H', 'transfer-encoding: chunked', '--data-binary', `@${overFile}`, url]), { status: 413, json: TOO_LARGE })
  t.deepEqual(await curl(['-H', 'expect:', '--data-binary', `@${overFile}`, url]), { status: 413, json: TOO_LARGE })
  // The token storage topic is refused on every message route (SPEC §10.6a), before its body is read.
  t.deepEqual(await curl(['--data-binary', `@${farOverFile}`, `${gateway().url}/api/v2/messages/_kastlex_tokens/0`]), { status: 403, json: { error: 'Unauthorized' } })
  t.is(await nextOffset(topic), 0)
})

test('Python requests: 8,000,001 bytes, 15.2 MB, and a chunked body (a generator) past the limit → the 413 JSON', async (t) => {
  const topic = await createTopic(t)
  const url = `${gateway().url}/api/v2/messages/${topic}/0`
  t.deepEqual(await python(url, `data = b"x" * ${OVER}`), { status: 413, json: TOO_LARGE })
  t.deepEqual(await python(url, `data = b"x" * ${FAR_OVER}`), { status: 413, json: TOO_LARGE })
  t.deepEqual(await python(url, `data = (b"x" * 1000000 for _ in range(${LIMIT / 1_000_000 + 1}))`), { status: 413, json: TOO_LARGE })
  t.is(await nextOffset(topic), 0)
})

test('bounded: a body still coming after twice the limit, or 5 s after the answer, has its connection closed; nothing held in the budget', async (t) => {
  const topic = await createTopic(t)
  const head = `POST /api/v2/messages/${topic}/0 HTTP/1.1\r\nhost: test\r\ncontent-length: ${10 * LIMIT}\r\n\r\n`
  // Sends as fast as the gateway reads: it stops reading (closes) once 2 × the limit came.
  const flood = open(gateway().url)
  flood.write(head)
  let written = 0
  const piece = Buffer.alloc(1 << 20, 'y')
  const pump = (): void => { while (!flood.destroyed && written < 10 * LIMIT && flood.write(piece)) written += piece.length }
  flood.on('drain', () => { written += piece.length; pump() })
  pump()
  const flooded = await collect(flood, 20_000)
  t.true(flooded.closed, 'closed')
  t.deepEqual(flooded.statuses, [413])
  t.true(written < 4 * LIMIT, `${written} bytes written before the close`)
  // Sends a little, then stalls: the answer comes at once, the close 5 s later.
  const started = performance.now()
  const stall = open(gateway().url)
  stall.write(head)
  stall.write(Buffer.alloc(100_000, 'z'))
  const stalled = await collect(stall, 20_000)
  const ms = performance.now() - started
  t.deepEqual(stalled.statuses, [413])
  t.true(stalled.text.endsWith('{"error":"request body too large"}\r\n'), stalled.text)
  t.true(stalled.closed && ms > 4500 && ms < 9000, `closed after ${Math.round(ms)} ms`)
  const inFlight = async (): Promise<number> => Number(/^kastlex_http_request_body_bytes_in_flight (\S+)$/m.exec(await (await fetch(`${gateway().url}/metrics`)).text())?.[1])
  t.is(await eventually(inFlight, (n) => n === 0), 0)
  t.is(await nextOffset(topic), 0)
})

test('a body no route reads (no route, or a GET) is dropped too before the answer closes the connection: fetch gets the 404', async (t) => {
  for (const path of ['/api/v2/no/such/route', '/health/x']) {
    const res = await fetch(`${gateway().url}${path}`, { method: 'POST', body: Buffer.alloc(FAR_OVER) })
    t.is(res.status, 404)
    t.deepEqual(await res.json(), { error: 'not found' })
  }
})

test('HEAD with a body, answered early: the head only, then the close once the body came', async (t) => {
  const socket = open(gateway().url)
  socket.write('HEAD /no/such/route HTTP/1.1\r\nhost: test\r\ncontent-length: 100000\r\n\r\n')
  // The body only once the answer has begun: it is then certainly an early one.
  socket.once('data', () => socket.write(Buffer.alloc(100_000, 'h')))
  const answer = await collect(socket, 3000)
  t.deepEqual(answer.statuses, [404])
  t.true(answer.text.endsWith('\r\n\r\n'), answer.text)
  t.regex(answer.text, /\r\ncontent-length: 23\r\n/)
  t.true(answer.closed)
})
