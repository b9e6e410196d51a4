// SPEC §1 graceful stop, measured as a client sees it: after SIGTERM every request that reached the
// gateway is answered (204, or 503 stopping and not produced), answers close their connections, every
// record in Kafka was acknowledged to some client, and the process exits 0 by its deadline, even when
// its Kafka clients hang on close.
import test from 'ava'
import Kafka from '@platformatic/rdkafka'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { freePort, startGateway } from '../helpers/gateway.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'

/** The gateway's stop deadline (src/gateway.ts: 10 s for requests + 5 s for the Kafka clients + 1 s), + slack. */
const EXIT_DEADLINE_MS = 17_000

interface Answer { readonly status: number, readonly headers: Readonly<Record<string, string>>, readonly body: string }

/** One keep-alive connection that sends a request when asked and reads its answer (or learns there is none). */
class KeepAliveClient {
  private readonly socket: Socket
  private buffer = Buffer.alloc(0)
  private waiting: ((answer: Answer | undefined) => void) | undefined
  readonly connected: Promise<void>
  closed = false

  constructor (port: number) {
    this.socket = connect(port, '127.0.0.1')
    this.connected = new Promise((resolve) => { this.socket.once('connect', resolve) })
    this.socket.on('error', () => {})
    this.socket.on('data', (chunk: Buffer) => { this.buffer = Buffer.concat([this.buffer, chunk]); this.parse() })
    this.socket.on('close', () => { this.closed = true; this.waiting?.(undefined); this.waiting = undefined })
  }

  /** The answer, or undefined when the connection closed without one. */
  async request (path: string, body?: string): Promise<Answer | undefined> {
    if (this.closed) return undefined
    const answered = new Promise<Answer | undefined>((resolve) => { this.waiting = resolve })
    this.socket.write(body === undefined
      ? `GET ${path} HTTP/1.1\r\nhost: test\r\n\r\n`
      : `POST ${path} HTTP/1.1\r\nhost: test\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
    return await answered
  }

  destroy (): void { this.socket.destroy() }

  onClose (listener: () => void): void { this.socket.once('close', listener) }

  private parse (): void {
    const end = this.buffer.indexOf('\r\n\r\n')
    if (end < 0 || this.waiting === undefined) return
    const [statusLine = '', ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    if (this.buffer.length < end + 4 + length) return
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString()
    this.buffer = this.buffer.subarray(end + 4 + length)
    const resolve = this.waiting
    this.waiting = undefined
    resolve({ status: Number(statusLine.split(' ')[1]), headers, body })
  }
}

// The binding aborts the process when a disconnected client is garbage collected: keep every one reachable.
const consumers: Kafka.KafkaConsumer[] = []

/** Every record of partition 0 as value → offset. */
async function readPartition (topic: string): Promise<Map<string, number>> {
  const consumer = new Kafka.KafkaConsumer({ 'bootstrap.servers': KAFKA, 'group.id': `graceful-stop-${topic}`, 'enable.auto.commit': false, log_level: 0 } as Kafka.ConsumerGlobalConfig, {})
  consumers.push(consumer)
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 10_000 }, (err) => { if (err) reject(err); else resolve() }))
  try {
    const { highOffset } = await new Promise<Kafka.WatermarkOffsets>((resolve, reject) =>
      consumer.queryWatermarkOffsets(topic, 0, 10_000, (err, offsets) => { if (err) reject(err); else resolve(offsets) }))
    consumer.assign([{ topic, partition: 0, offset: 0 }])
    const records = new Map<string, number>()
    const deadline = Date.now() + 30_000
    while (records.size < highOffset && Date.now() < deadline) {
      const batch = await new Promise<Kafka.Message[]>((resolve, reject) => consumer.consume(1000, (err, messages) => { if (err) reject(err); else resolve(messages) }))
      for (const message of batch) records.set(message.value?.toString() ?? '', message.offset)
    }
    return records
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
}

for (const workers of ['0', '1']) {
  test(`SIGTERM under keep-alive load (workers ${workers}): every record in Kafka was answered 204, nobody is left without an answer, exit 0`, async (t) => {
    const topic = await createTopic(t)
    const gateway = await startGateway({ KASTLEX_WORKERS: workers })
    const port = Number(new URL(gateway.url).port)
    const exited = new Promise<{ code: number | null, at: number }>((resolve) => gateway.process.once('exit', (code) => resolve({ code, at: Date.now() })))
    const acknowledged = new Map<string, number>()
    const stopping: string[] = []
    const other: string[] = []
    let unanswered = 0
    let lastAnswerClosed = 0
    const clients = Array.from({ length: 32 }, () => new KeepAliveClient(port))
    await Promise.all(clients.map(async (c) => await c.connected))
    const running = clients.map(async (client, c) => {
      for (let i = 0; ; i++) {
        const value = `c${c}-r${i}`
        const answer = await client.request(`/api/v1/messages/${topic}/0`, value)
        if (answer === undefined) { unanswered++; return }
        if (answer.status === 204) acknowledged.set(value, Number(answer.headers['x-message-offset']))
        else if (answer.status === 503 && answer.body === '{"error":"stopping"}') stopping.push(value)
        else other.push(`${answer.status} ${answer.body}`)
        if (answer.headers.connection === 'close') { lastAnswerClosed++; client.destroy(); return }
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 2000)) // load for a while: the experiment, not a synchronisation
    const signalled = Date.now()
    gateway.process.kill('SIGTERM')
    await Promise.all(running)
    const { code, at } = await exited
    const inKafka = await readPartition(topic)
    const unacknowledged = [...inKafka.keys()].filter((value) => !acknowledged.has(value))
    t.log(`${acknowledged.size} answered 204, ${stopping.length} answered 503 stopping, ${unanswered} without answer; ` +
      `${inKafka.size} records in Kafka, ${unacknowledged.length} of them unacknowledged; exit ${String(code)} after ${at - signalled} ms`)
    t.is(code, 0)
    t.true(at - signalled < EXIT_DEADLINE_MS, `exited ${at - signalled} ms after SIGTERM`)
    t.deepEqual(other, [])
    t.is(unanswered, 0, 'no request met a closed connection without an answer')
    t.is(lastAnswerClosed, clients.length, 'every connection was closed by an answer carrying connection: close')
    t.true(acknowledged.size > 0)
    t.deepEqual(unacknowledged, [], 'records in Kafka no client was told about')
    const misplaced = [...acknowledged].filter(([value, offset]) => inKafka.get(value) !== offset)
    t.deepEqual(misplaced, [], '204s whose offset does not hold their record')
    t.deepEqual(stopping.filter((value) => inKafka.has(value)), [], '503 stopping, yet produced')
  })
}

test('during the drain: a request on an idle keep-alive connection → 503 stopping; the long poll in flight is answered; idle connections are closed', async (t) => {
  const topic = await createTopic(t)
  const gateway = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_LOG_LEVEL: 'trace' })
  const port = Number(new URL(gateway.url).port)
  const exited = new Promise<number | null>((resolve) => gateway.process.once('exit', (code) => resolve(code)))
  const [poller, late, idle] = [new KeepAliveClient(port), new KeepAliveClient(port), new KeepAliveClient(port)]
  t.is((await late.request(`/api/v1/messages/${topic}/0`, 'before 1'))?.status, 204)
  t.is((await idle.request(`/api/v1/messages/${topic}/0`, 'before 2'))?.status, 204)
  const idleClosed = new Promise<void>((resolve) => idle.onClose(resolve))
  const longPoll = poller.request(`/api/v1/messages/${topic}/0/2?max_wait_time=3000`)
  await gateway.waitForOutput(/"msg":"request received"[^\n]*"method":"GET"/)
  gateway.process.kill('SIGTERM')
  await gateway.waitForOutput(/"msg":"stopping"/)
  const refused = await late.request(`/api/v1/messages/${topic}/0`, 'after SIGTERM')
  t.is(refused?.status, 503)
  t.is(refused?.body, '{"error":"stopping"}')
  t.is(refused?.headers.connection, 'close')
  const polled = await longPoll
  t.is(polled?.status, 200)
  t.is(polled?.headers.connection, 'close')
  await idleClosed
  t.is(await exited, 0)
  t.false((await readPartition(topic)).has('after SIGTERM'))
})

test('SIGTERM while a large answer is still being written to a slow reader: the reader gets all of it', async (t) => {
  const topic = await createTopic(t)
  const gateway = await startGateway({ KASTLEX_WORKERS: '0' })
  const port = Number(new URL(gateway.url).port)
  const exited = new Promise<number | null>((resolve) => gateway.process.once('exit', (code) => resolve(code)))
  const values = Array.from({ length: 10 }, (_, i) => `${i}:${'x'.repeat(900_000)}`)
  for (const value of values) {
    t.is((await fetch(`${gateway.url}/api/v2/messages/${topic}/0`, { method: 'POST', body: value })).status, 204)
  }
  // A reader that asks for ~9 MB of JSON and does not read for a while: most of it waits in the gateway.
  const reader = connect(port, '127.0.0.1')
  reader.write(`GET /api/v2/messages/${topic}/0/0?max_bytes=10000000 HTTP/1.1\r\nhost: test\r\n\r\n`)
  await new Promise((resolve) => reader.once('readable', resolve))
  gateway.process.kill('SIGTERM')
  await gateway.waitForOutput(/"msg":"stopping"/)
  await new Promise((resolve) => setTimeout(resolve, 1_000)) // the reader's pause: the experiment, not a synchronisation
  const chunks: Buffer[] = []
  reader.on('data', (chunk: Buffer) => chunks.push(chunk))
  await new Promise((resolve) => reader.once('close', resolve))
  const answer = Buffer.concat(chunks)
  const headEnd = answer.indexOf('\r\n\r\n')
  const length = Number(/content-length: (\d+)/i.exec(answer.subarray(0, headEnd).toString())?.[1])
  const body = answer.subarray(headEnd + 4)
  t.true(length > 9_000_000, `content-length ${length}`)
  t.is(body.length, length, 'the whole body arrived before the connection closed')
  const records = JSON.parse(body.toString()) as Array<{ value: string }>
  t.deepEqual(records.map((record) => record.value), values)
  t.is(await exited, 0)
})

test('SIGTERM while the Kafka clients hang on close (a "broker" that accepts and never answers): exit 0 by the deadline', async (t) => {
  const held: Socket[] = []
  const silentBroker: Server = createServer((socket) => { held.push(socket); socket.on('error', () => {}) })
  const brokerPort = await freePort()
  await new Promise<void>((resolve) => silentBroker.listen(brokerPort, '127.0.0.1', resolve))
  t.teardown(() => { for (const socket of held) socket.destroy(); silentBroker.close() })
  const gateway = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_KAFKA_CLUSTER: `127.0.0.1:${brokerPort}` })
  t.true(await eventually(async () => held.length, (n) => n > 0, 10_000) > 0, 'the clients connected to the silent broker')
  const exited = new Promise<number | null>((resolve) => gateway.process.once('exit', (code) => resolve(code)))
  const signalled = Date.now()
  gateway.process.kill('SIGTERM')
  const code = await exited
  const elapsed = Date.now() - signalled
  t.log(`exit ${String(code)} after ${elapsed} ms`)
  t.regex(gateway.output(), /"msg":"not closed cleanly".*"kafka":"still closing after \d+ ms"/, 'the Kafka clients really hung on close')
  t.regex(gateway.output(), /"msg":"stopped"/)
  t.is(code, 0)
  t.true(elapsed < EXIT_DEADLINE_MS, `exited ${elapsed} ms after SIGTERM`)
})
