// HTTP/1.1 pipelining (README, The HTTP front end): requests sent before the previous answer arrived are
// answered, each once and in order. Our uWS build keeps a request that arrives while an answer is pending
// unparsed, and parses it once that answer is written (scripts/uws-source.mjs, PIPELINING_EDITS).
import test from 'ava'
import autocannon from 'autocannon'
import { connect } from 'node:net'
import { startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'
import { Prng } from '../fuzz/prng.js'

interface Answer { status: number, headers: Map<string, string>, body: string }

/**
 * Writes `requests` in one write on a new connection, the last one asking to close it; resolves with the
 * answers received until the gateway closed it.
 */
function pipelined (gateway: Gateway, requests: readonly string[], readAfterMs = 0): Promise<Answer[]> {
  const { hostname, port } = new URL(gateway.url)
  const last = requests.length - 1
  const payload = requests.map((request, i) => i === last ? request.replace('\r\n', '\r\nconnection: close\r\n') : request).join('')
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(payload)
      // A reader that is slow to start: the answers meet backpressure.
      if (readAfterMs > 0) {
        socket.pause()
        setTimeout(() => socket.resume(), readAfterMs)
      }
    })
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => { received += chunk })
    socket.once('error', reject)
    socket.once('close', () => resolve(parseAnswers(received)))
    socket.setTimeout(10_000, () => socket.destroy(new Error(`connection not closed; received: ${JSON.stringify(received)}`)))
  })
}

/** Splits what a connection received into answers (every answer here has a content-length). */
function parseAnswers (received: string): Answer[] {
  const answers: Answer[] = []
  let rest = received
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n')
    if (headEnd < 0) throw new Error(`an incomplete answer: ${JSON.stringify(rest)}`)
    const [statusLine = '', ...fields] = rest.slice(0, headEnd).split('\r\n')
    const headers = new Map(fields.map((field) => {
      const colon = field.indexOf(':')
      return [field.slice(0, colon).toLowerCase(), field.slice(colon + 1).trim()] as const
    }))
    const length = Number(headers.get('content-length') ?? 0)
    const bodyStart = headEnd + 4
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(bodyStart, bodyStart + length) })
    rest = rest.slice(bodyStart + length)
  }
  return answers
}

const post = (path: string, body: string, headers = ''): string =>
  `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`

/** A produce over fetch; the offset Kafka assigned. */
async function produce (gateway: Gateway, topic: string, body: string): Promise<number> {
  const res = await fetch(`${gateway.url}/api/v1/messages/${topic}/0`, { method: 'POST', body })
  if (res.status !== 204) throw new Error(`produce: ${res.status} ${await res.text()}`)
  return Number(res.headers.get('x-message-offset'))
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i)

for (const workers of ['0', '1']) {
  test(`20 produces (then 20 batches) pipelined in one write: 20 answers in order, consecutive offsets (workers ${workers})`, async (t) => {
    const gateway = await startGateway({ KASTLEX_WORKERS: workers })
    t.teardown(gateway.stop)
    const topic = await createTopic(t)
    const before = await produce(gateway, topic, 'warm-up')
    const produced = await pipelined(gateway, range(0, 20).map((i) => post(`/api/v1/messages/${topic}/0`, `pipe-${i}`)))
    t.deepEqual(produced.map((answer) => answer.status), range(0, 20).map(() => 204))
    t.deepEqual(produced.map((answer) => Number(answer.headers.get('x-message-offset'))), range(before + 1, 20), 'written in the order sent')

    const batches = await pipelined(gateway, range(0, 20).map((i) =>
      post(`/api/v2/batch/${topic}/0`, `[{"value":"batch-${i}"},{"value":"batch-${i}b"}]`, 'content-type: application/json\r\n')))
    t.deepEqual(batches.map((answer) => answer.status), range(0, 20).map(() => 200))
    const offsets = batches.flatMap((answer) => (JSON.parse(answer.body) as { results: Array<{ offset: number }> }).results.map((result) => result.offset))
    t.deepEqual(offsets, range(before + 21, 40))
    t.is(await produce(gateway, topic, 'sentinel'), before + 61, 'nothing else written')
    const first = await fetch(`${gateway.url}/api/v2/messages/${topic}/0/${before + 1}`)
    t.is(((await first.json()) as Array<{ value: string }>)[0]?.value, 'pipe-0')
  })
}

test('2 GETs with asynchronous answers pipelined in one write: both answered', async (t) => {
  const gateway = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(gateway.stop)
  const topic = await createTopic(t)
  await produce(gateway, topic, 'one')
  const get = `GET /api/v1/offsets/${topic}/0 HTTP/1.1\r\nhost: localhost\r\n\r\n`
  const answers = await pipelined(gateway, [get, get])
  t.deepEqual(answers.map((answer) => answer.status), [200, 200])
  t.is(answers[0]?.body, answers[1]?.body)
  const health = await pipelined(gateway, range(0, 3).map(() => 'GET /health HTTP/1.1\r\nhost: localhost\r\n\r\n'))
  t.deepEqual(health.map((answer) => answer.status), [200, 200, 200])
})

for (const workers of ['0', '2']) {
  test(`24 rounds of 2 to 50 pipelined GETs answered at once, in a microtask or after Kafka, 4 connections at a time: every round answered in order (workers ${workers})`, async (t) => {
    const gateway = await startGateway({ KASTLEX_WORKERS: workers })
    t.teardown(gateway.stop)
    const topic = await createTopic(t)
    const get = (path: string): string => `GET ${path} HTTP/1.1\r\nhost: localhost\r\n\r\n`
    // /health is answered within its handler; a topic after a Kafka round trip (its config); a missing
    // topic, once looked up, from the cache of misses in a microtask.
    const kinds = [['health', get('/health')], ['topic', get(`/api/v1/topics/${topic}`)], ['missing', get(`/api/v1/topics/${topic}-missing`)]] as const
    const kindOf = (answer: Answer): string => answer.status === 404 ? 'missing' : answer.body.includes('"partitions"') ? 'topic' : 'health'
    const rng = new Prng(Number(workers) + 1)
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(range(0, 4).map(async () => {
        const round = range(0, rng.int(2, 50)).map(() => rng.pick(kinds))
        const answers = await pipelined(gateway, round.map(([, request]) => request))
        t.deepEqual(answers.map(kindOf), round.map(([kind]) => kind))
      }))
    }
  })
}

test('3 GETs with answers of 4 MB pipelined to a reader that waits 1 s: all answered in full', async (t) => {
  const gateway = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(gateway.stop)
  const topic = await createTopic(t)
  for (let i = 0; i < 8; i++) await produce(gateway, topic, String(i).repeat(500_000))
  const get = `GET /api/v2/messages/${topic}/0/0?max_bytes=5000000&max_wait_time=0 HTTP/1.1\r\nhost: localhost\r\n\r\n`
  const answers = await pipelined(gateway, [get, get, get], 1000)
  t.deepEqual(answers.map((answer) => answer.status), [200, 200, 200])
  for (const answer of answers) t.deepEqual((JSON.parse(answer.body) as Array<{ offset: number }>).map((record) => record.offset), range(0, 8))
})

test('a request pipelined behind an answer that closes the connection is not executed', async (t) => {
  const gateway = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(gateway.stop)
  const topic = await createTopic(t)
  const before = await produce(gateway, topic, 'warm-up')
  const path = `/api/v1/messages/${topic}/0`
  const answers = await pipelined(gateway, [post(path, 'first', 'connection: close\r\n'), post(path, 'second')])
  t.deepEqual(answers.map((answer) => answer.status), [204])
  t.is(await produce(gateway, topic, 'sentinel'), before + 2, 'only the first one written')
})

test('a revocation pipelined behind another request is written and answered (token storage)', async (t) => {
  const topic = await createTopic(t)
  const gateway = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_ENABLE_TOKEN_STORAGE: 'true', KASTLEX_TOKEN_STORAGE_TOPIC: `${topic}-tokens` })
  t.teardown(gateway.stop)
  const login = await fetch(`${gateway.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin' }) })
  t.is(login.status, 200)
  const { token } = await login.json() as { token: string }
  const brokers = async (): Promise<number> => (await fetch(`${gateway.url}/api/v1/brokers`, { headers: { authorization: `Bearer ${token}` } })).status
  t.is(await brokers(), 200)
  const request = (method: string, path: string): string => `${method} ${path} HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${token}\r\n\r\n`
  const answers = await pipelined(gateway, [request('GET', '/api/v1/brokers'), request('DELETE', '/admin/tokens/admin'), request('GET', '/api/v1/brokers')])
  t.deepEqual(answers.map((answer) => answer.status), [200, 204, 401], 'the revocation applies to the request after it')
  t.is(await brokers(), 401)
})

test('autocannon -p 10 against produce: every request answered, a record written per answer', async (t) => {
  const gateway = await startGateway({ KASTLEX_WORKERS: '0' })
  t.teardown(gateway.stop)
  const topic = await createTopic(t)
  const path = `/api/v1/messages/${topic}/0`
  const before = await produce(gateway, topic, 'warm-up')
  const connections = 4
  const pipelining = 10
  const amount = connections * 300
  const result = await autocannon({ url: gateway.url + path, method: 'POST', body: 'autocannon', connections, pipelining, amount })
  const written = await produce(gateway, topic, 'sentinel') - before - 1
  const statuses = (status: number): number =>
    gateway.output().split('\n').filter((line) => line.includes('"msg":"request"') && line.includes(`"path":"${path}","status":${status}`)).length
  // The gateway's own count: its access line is written when it answers (the warm-up and the sentinel too).
  const answered = await eventually(async () => statuses(204) - 2, (count) => count + statuses(499) >= written, 5_000)
  const left = statuses(499)
  const { errors, timeouts, non2xx, requests, duration } = result
  t.log(JSON.stringify({ '2xx': result['2xx'], non2xx, errors, timeouts, sent: requests.sent, written, answered, left, perSecond: Math.round(result['2xx'] / duration) }))
  t.is(errors, 0)
  t.is(timeouts, 0)
  t.is(non2xx, 0)
  t.is(requests.sent, amount)
  // autocannon closes a connection as soon as it has sent its share, dropping the answers still due on it
  // (pipelining - 1): the gateway may have answered them already, or have one of them running.
  t.is(result['2xx'], amount - connections * (pipelining - 1), 'every request answered until autocannon closed the connection')
  t.true(answered >= result['2xx'] && answered <= amount)
  // A record for each answer, and for a request whose write had started when its client left (logged
  // 499); the requests still waiting behind it are never executed.
  t.is(written, answered + left)
})
