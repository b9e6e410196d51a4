// The front end speaks HTTP/1.0 as well as 1.1, takes request heads however they are split over
// reads up to the documented 64 KiB of fields, and keeps a connection open after a HEAD answer (issue 12,
// SPEC §4.7).
import test from 'ava'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { RawConnection } from '../helpers/raw-http.js'

const gateway = gatewayPerFile(test)
const HEALTH = '{"status":"ok"}'

test('HTTP/1.0 without keep-alive: answered with connection: close, then the gateway closes', async (t) => {
  const connection = await RawConnection.open(gateway().url)
  await connection.send('GET /health HTTP/1.0\r\n\r\n')
  const res = await connection.response()
  t.is(res.status, 200)
  t.is(res.headers.get('connection'), 'close')
  t.is(res.body.toString(), HEALTH)
  await connection.closed
})

test('HTTP/1.0 with connection: keep-alive: answered with connection: keep-alive, and the connection serves the next request', async (t) => {
  const connection = await RawConnection.open(gateway().url)
  for (let i = 0; i < 3; i++) {
    await connection.send('GET /health HTTP/1.0\r\nHost: x\r\nConnection: Keep-Alive\r\n\r\n')
    const res = await connection.response()
    t.is(res.status, 200)
    t.is(res.headers.get('connection'), 'keep-alive')
    t.is(res.body.toString(), HEALTH)
  }
  await connection.send('GET /health HTTP/1.0\r\n\r\n')
  t.is((await connection.response()).headers.get('connection'), 'close', 'a request without keep-alive ends it')
  await connection.closed
})

test('HTTP/1.0 produce and fetch over a raw socket', async (t) => {
  const topic = await createTopic(t)
  const produce = await RawConnection.open(gateway().url)
  await produce.send(`POST /api/v2/messages/${topic}/0 HTTP/1.0\r\ncontent-type: application/binary\r\ncontent-length: 5\r\n\r\nhello`)
  const produced = await produce.response()
  t.is(produced.status, 204, produced.body.toString())
  t.is(produced.headers.get('x-message-offset'), '0')
  await produce.closed
  const fetch10 = await RawConnection.open(gateway().url)
  await fetch10.send(`GET /api/v2/messages/${topic}/0/0 HTTP/1.0\r\naccept: application/binary\r\n\r\n`)
  const fetched = await fetch10.response()
  t.is(fetched.status, 200)
  t.is(fetched.body.toString(), 'hello')
})

test('curl --http1.0: produce and fetch', async (t) => {
  const topic = await createTopic(t)
  const curl = async (...args: string[]): Promise<string> => {
    try {
      return (await promisify(execFile)('curl', ['--http1.0', '-sS', '--max-time', '10', ...args])).stdout
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('curl is not installed: apt-get install -y curl')
      throw err
    }
  }
  t.is(await curl('-o', '/dev/null', '-w', '%{http_code} %{http_version}', '-X', 'POST', '-H', 'content-type: application/binary',
    '--data-binary', 'from curl', `${gateway().url}/api/v2/messages/${topic}/0`), '204 1.1')
  const [message] = JSON.parse(await curl(`${gateway().url}/api/v2/messages/${topic}/0/0`)) as Array<{ value: string }>
  t.is(message?.value, 'from curl')
})

test('a request head split anywhere over several reads is waited for, up to 64 KiB of fields', async (t) => {
  const head = (value: string): string => `GET /health HTTP/1.1\r\nhost: x\r\nauthorization-hint: ${value}\r\nx-request-id: split\r\n\r\n`
  for (const size of [100, 5_000, 60_000, 64 * 1024 - 100]) {
    const request = head('a'.repeat(size))
    const connection = await RawConnection.open(gateway().url)
    // Cut inside the method, the target, the version, a field name, a long value and the final CRLF.
    const cuts = [2, 9, 18, 30, 50, 50 + Math.floor(size / 2), request.length - 1]
    await connection.send(...cuts.map((cut, i) => request.slice(i === 0 ? 0 : cuts[i - 1], cut)), request.slice(cuts.at(-1)))
    const res = await connection.response()
    t.is(res.status, 200, `${size} bytes: ${res.statusLine}`)
    t.is(res.headers.get('x-request-id'), 'split')
    connection.destroy()
  }
})

test('a head beyond 64 KiB of fields is refused with a JSON 431, however it arrives', async (t) => {
  // The gateway answers when the head reaches it: in one read, or split but within uWS's buffer (the
  // fields plus 16 KiB); a split head beyond that buffer is answered by uWS (the same JSON; it closes).
  for (const size of [70_000, 90_000]) {
    for (const split of [false, true]) {
      const request = `GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(size)}\r\n\r\n`
      const connection = await RawConnection.open(gateway().url)
      await connection.send(...(split ? [request.slice(0, 40), request.slice(40, 30_000), request.slice(30_000)] : [request])).catch(() => {})
      const res = await connection.response()
      t.is(res.status, 431, `${size} bytes${split ? ', split' : ''}`)
      t.deepEqual(JSON.parse(res.body.toString()), { error: 'request header fields too large' })
      connection.destroy()
    }
  }
})

test('a HEAD answer leaves its keep-alive connection open: the next request on it is answered', async (t) => {
  const connection = await RawConnection.open(gateway().url)
  await connection.send('HEAD /health HTTP/1.1\r\nhost: x\r\n\r\n')
  const head = await connection.response(true)
  t.is(head.status, 200)
  t.is(head.headers.get('content-length'), String(HEALTH.length))
  await connection.send('GET /health HTTP/1.1\r\nhost: x\r\n\r\n')
  const next = await connection.response()
  t.is(next.status, 200)
  t.is(next.body.toString(), HEALTH)
  connection.destroy()
})

test('a header value keeps the UTF-8 bytes at its ends: only spaces and tabs are trimmed', async (t) => {
  const connection = await RawConnection.open(gateway().url)
  const ask = async (requestId: Buffer): Promise<string | undefined> => {
    await connection.send(Buffer.concat([Buffer.from('GET /health HTTP/1.1\r\nhost: x\r\nx-request-id: '), requestId, Buffer.from('\r\n\r\n')]))
    return (await connection.response()).headers.get('x-request-id')
  }
  t.is(await ask(Buffer.from(' \treq-1\t ')), 'req-1', 'spaces and tabs around a value are trimmed')
  // A request id that is not printable ASCII is replaced by a generated one (SPEC §2.2): with its ends
  // cut off (the build before this one), `req-2é` and `éreq-3` were echoed as `req-2` and `req-3`.
  for (const [id, cut] of [[Buffer.from('req-2é'), 'req-2'], [Buffer.from('éreq-3'), 'req-3']] as const) {
    const echoed = await ask(id)
    t.not(echoed, cut)
    t.regex(echoed ?? '', /^[A-Za-z0-9_-]{20}$/, 'a generated id')
  }
})
