// SPEC §10.6a HTTP framing, through raw sockets against a real gateway: a request whose body could be
// delimited two ways is refused with 400 and the connection closed, on every route, and nothing of it
// (nor of bytes smuggled behind it) reaches Kafka.
import test from 'ava'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { collect, exchange, open, RawConnection, type RawAnswer } from '../helpers/raw-http.js'

const gateway = gatewayPerFile(test)

const request = (line: string, headers: readonly string[], body = ''): string =>
  `${line}\r\nhost: test\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`

const nextOffset = async (topic: string): Promise<number> =>
  (await (await fetch(`${gateway().url}/api/v1/offsets/${topic}/0`)).json() as { offset: number }).offset

const CHUNKED_HELLO = '5\r\nhello\r\n0\r\n\r\n'

/** Refused: [headers, body, the `error` member]. */
const REFUSED: ReadonlyArray<readonly [string[], string, string]> = [
  [['content-length: 1', 'content-length: 5'], 'hello', 'invalid content-length'],
  [['content-length: 5', 'content-length: 1'], 'hello', 'invalid content-length'],
  [['transfer-encoding: xchunked'], CHUNKED_HELLO, 'invalid transfer-encoding'],
  [['transfer-encoding: chunked, gzip'], CHUNKED_HELLO, 'invalid transfer-encoding'],
  [['transfer-encoding: identity, chunked'], CHUNKED_HELLO, 'invalid transfer-encoding'],
  [['transfer-encoding: gzip, chunked'], CHUNKED_HELLO, 'invalid transfer-encoding'],
  [['transfer-encoding: gzip'], CHUNKED_HELLO, 'invalid transfer-encoding'],
  [['transfer-encoding: chunked', 'transfer-encoding: chunked'], CHUNKED_HELLO, 'invalid transfer-encoding'],
  [['transfer-encoding: chunked', 'transfer-encoding: gzip'], CHUNKED_HELLO, 'invalid transfer-encoding']
]

test('differing content-length values, or any transfer-encoding but chunked → 400 and closed, on every route, nothing written', async (t) => {
  const topic = await createTopic(t)
  for (const [headers, body, error] of REFUSED) {
    for (const line of [`POST /api/v2/messages/${topic}/0 HTTP/1.1`, 'GET /health HTTP/1.1', 'GET /no/such/route HTTP/1.1']) {
      const answer = await exchange(gateway().url, request(line, headers, body))
      const what = `${line} ${headers.join('; ')}`
      t.deepEqual(answer.statuses, [400], what)
      t.true(answer.text.endsWith(`{"error":"${error}"}`), `${what}: ${answer.text}`)
      t.regex(answer.text, /\r\nconnection: close\r\n/i, what)
      t.true(answer.closed, `${what}: closed`)
    }
  }
  t.is(await nextOffset(topic), 0)
})

/** Closed by uWS 20.30 itself, unanswered (it may call the handler first, then drops its answer). */
const CLOSED_BY_UWS: ReadonlyArray<readonly string[]> = [
  ['transfer-encoding: chunked', 'content-length: 3'], ['content-length: 15', 'transfer-encoding: chunked'],
  ['content-length: 5, 5'], ['content-length: 1e3'], ['content-length: -1'], ['content-length: 0x5'], ['content-length: 18446744073709551621']
]

test('content-length with transfer-encoding, or not one decimal: closed (by uWS, unanswered), nothing written', async (t) => {
  const topic = await createTopic(t)
  for (const headers of CLOSED_BY_UWS) {
    const body = headers.some((h) => h.startsWith('transfer-encoding')) ? CHUNKED_HELLO : 'hello'
    const answer = await exchange(gateway().url, request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, headers, body))
    // A uWS build that passed them on would get framing.ts's 400.
    t.true(answer.closed, headers.join('; '))
    t.true(answer.statuses.every((s) => s === 400), answer.text)
  }
  t.is(await nextOffset(topic), 0)
})

test('a request smuggled behind a refused one is never run', async (t) => {
  const topic = await createTopic(t)
  const smuggled = request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['content-length: 8'], 'smuggled')
  for (const headers of [['content-length: 0', `content-length: ${smuggled.length}`], ['content-length: 1e3']]) {
    const answer = await exchange(gateway().url, request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, headers) + smuggled)
    t.true(answer.closed)
    t.true(answer.statuses.length <= 1 && answer.statuses.every((s) => s === 400), answer.text)
  }
  // On /health too (no body route): uWS reads the first content-length, so the rest is a request to it.
  const behindHealth = await exchange(gateway().url, request('GET /health HTTP/1.1', ['content-length: 0', `content-length: ${smuggled.length}`]) + smuggled)
  t.false(behindHealth.statuses.includes(204), behindHealth.text)
  t.is(await nextOffset(topic), 0)
})

test('accepted framing: chunked in any case, repeated identical content-length; the record is written', async (t) => {
  const topic = await createTopic(t)
  const accepted = [['transfer-encoding: Chunked'], ['transfer-encoding: chunked'], ['content-length: 5', 'content-length: 5']]
  for (const headers of accepted) {
    const body = headers[0]?.startsWith('transfer') === true ? CHUNKED_HELLO : 'hello'
    const answer = await exchange(gateway().url, request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, [...headers, 'connection: close'], body))
    t.deepEqual(answer.statuses, [204], `${headers.join('; ')}: ${answer.text}`)
  }
  t.is(await nextOffset(topic), accepted.length)
})

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n'

/** Sends the head, waits (up to 5 s) for what comes first, then sends `hello` and collects the rest. */
async function expectingContinue (path: string, headers: readonly string[]): Promise<{ interim: string, rest: RawAnswer }> {
  const socket = open(gateway().url)
  socket.write(request(`POST ${path} HTTP/1.1`, [...headers, 'content-length: 5', 'connection: close']))
  const interim = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('(nothing within 5 s)'), 5000)
    socket.once('data', (chunk: Buffer) => { clearTimeout(timer); resolve(chunk.toString('latin1')) })
  })
  socket.write('hello')
  return { interim, rest: await collect(socket, 10_000) }
}

test('Expect: 100-continue (any case): 100 only once the route asks for the body, then 204 and the record written', async (t) => {
  const topic = await createTopic(t)
  const login = await fetch(`${gateway().url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"admin","password":"admin"}' })
  const { token } = await login.json() as { token: string }
  for (const headers of [['Expect: 100-Continue'], ['expect: 100-continue', `authorization: Bearer ${token}`]]) {
    const { interim, rest } = await expectingContinue(`/api/v2/messages/${topic}/0`, headers)
    t.is(interim, CONTINUE, headers.join('; '))
    t.deepEqual(rest.statuses, [204], rest.text)
    t.false(rest.text.includes('100 Continue'), 'one 100 only')
  }
  // A client that sends the body without waiting: the 100 (if any) comes before the final answer, once.
  const eager = await exchange(gateway().url, request(`POST /api/v2/messages/${topic}/0 HTTP/1.1`, ['expect: 100-continue', 'content-length: 5', 'connection: close'], 'hello'), 10_000)
  t.deepEqual(eager.statuses, [204], eager.text)
  t.regex(eager.text, /^(HTTP\/1\.1 100 Continue\r\n\r\n)?HTTP\/1\.1 204 /)
  t.is(await nextOffset(topic), 3)
})

test('Expect: 100-continue refused by authentication, permission or content-length: the answer and no 100, without the body', async (t) => {
  const topic = await createTopic(t)
  const refusals: Array<readonly [string[], string, number]> = [
    [[`content-length: ${8_000_001}`], `/api/v2/messages/${topic}/0`, 413],
    [['content-length: 5'], '/api/v2/messages/_kastlex_tokens/0', 403],
    [['content-length: 5', 'authorization: Bearer forged.token.here'], `/api/v2/messages/${topic}/0`, 401],
    [['content-length: 5'], `/api/v2/messages/${topic}/x`, 400]
  ]
  for (const [headers, path, status] of refusals) {
    const connection = await RawConnection.open(gateway().url)
    await connection.send(request(`POST ${path} HTTP/1.1`, ['expect: 100-continue', ...headers]))
    // The first answer on the connection is the final one: no `100 Continue` before it.
    const answer = await connection.response()
    connection.destroy()
    t.is(answer.status, status, `${path} ${headers.join('; ')}: ${answer.statusLine}`)
  }
  // A route that takes no body never asks for one.
  const health = await exchange(gateway().url, request('GET /health HTTP/1.1', ['expect: 100-continue', 'connection: close']))
  t.deepEqual(health.statuses, [200], health.text)
  t.false(health.text.includes('100 Continue'), health.text)
  t.is(await nextOffset(topic), 0)
})

/** curl with `Expect: 100-continue` and a 5-byte body: the status, the bytes it uploaded and its -v trace. */
const curlExpecting = async (path: string): Promise<{ status: string, uploaded: number, trace: string }> => {
  const { stdout, stderr } = await promisify(execFile)('curl', ['-sS', '-v', '-o', '/dev/null', '-w', '%{http_code} %{size_upload}', '-H', 'Expect: 100-continue', '--data-binary', 'hello', `${gateway().url}${path}`])
  const [status = '', uploaded = ''] = stdout.split(' ')
  return { status, uploaded: Number(uploaded), trace: stderr }
}

test('curl with Expect: 100-continue: 100 then 204 and the record written; a 403 before any 100, the body never uploaded', async (t) => {
  const topic = await createTopic(t)
  const good = await curlExpecting(`/api/v2/messages/${topic}/0`)
  t.is(good.status, '204', good.trace)
  t.is(good.uploaded, 5)
  t.true(good.trace.includes('< HTTP/1.1 100 Continue'), good.trace)
  // curl waits 1 s for a 100, then sends the body anyway: nothing uploaded means the 403 came first.
  const refused = await curlExpecting('/api/v2/messages/_kastlex_tokens/0')
  t.is(refused.status, '403', refused.trace)
  t.is(refused.uploaded, 0, refused.trace)
  t.false(refused.trace.includes('100 Continue'), refused.trace)
  t.is(await nextOffset(topic), 1)
})
