// ProduceSession with a fake socket and a fake Kafka client whose ops complete when the test says: frame
// order of the answers, the frames of one turn joined in one op, the flow-control pauses, and the endings
// (text frame, stop, expiry).
import test from 'ava'
import { ProduceSession } from '../../../src/api/produce-session.js'
import { encodeFramedRecords } from '../../../src/batch/binary-framing.js'
import { HttpError } from '../../../src/http/errors.js'
import { SEND_BUFFER_LIMIT, type StreamSocket } from '../../../src/http/stream-session.js'
import type { KafkaClient } from '../../../src/pool/kafka-client.js'
import type { KafkaOp } from '../../../src/pool/messages.js'

interface Pending { op: KafkaOp, resolve: (value: unknown) => void, reject: (err: Error) => void }

class FakeSocket implements StreamSocket {
  sent: string[] = []
  bufferedAmount = 0
  reading = true
  closedWith: [number, string] | undefined
  send (text: string): void { this.sent.push(text) }
  ping (): void {}
  pause (): void { this.reading = false }
  resume (): void { this.reading = true }
  end (code: number, reason: string): void { this.closedWith = [code, reason] }
  get seqs (): number[] { return this.sent.map((text) => (JSON.parse(text) as { seq: number }).seq) }
}

function setUp (maxInFlight = 100): { session: ProduceSession, socket: FakeSocket, pending: Pending[], released: () => boolean } {
  const pending: Pending[] = []
  const kafka = { run: async (op: KafkaOp) => await new Promise((resolve, reject) => pending.push({ op, resolve, reject })) } as unknown as KafkaClient
  const metadata = { topic: async () => ({ name: 't', partitions: [{}, {}] }) } as never
  let released = false
  const session = new ProduceSession(
    { kafka, metadata, metrics: { produced: () => {} } as never, log: { info: () => {} } as never, maxRecords: 50, maxInFlight },
    { topic: 't', partition: -1, requestId: 'r', reauthorize: () => {}, release: () => { released = true } }
  )
  const socket = new FakeSocket()
  session.opened(socket)
  return { session, socket, pending, released: () => released }
}

const frame = (records: number): ArrayBuffer => {
  const bytes = encodeFramedRecords(Array.from({ length: records }, () => ({ key: null, value: Buffer.from('v') })))
  return new Uint8Array(bytes).buffer
}
/** A produceBatch result for parts of these record counts, offsets counting from 0 across them. */
const ok = (...parts: number[]): { bodies: string[], produced: number, producedBytes: number } => {
  let offset = 0
  const bodies = parts.map((records) => `{"results":[${Array.from({ length: records }, () => `{"partition":0,"offset":${offset++}}`).join(',')}]}`)
  return { bodies, produced: offset, producedBytes: offset }
}
/** Lets the session's awaits (metadata, then the op) run. */
const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve)) }

test('answers leave in frame order whatever order the ops complete in; a bad frame is answered in its place', async (t) => {
  const { session, socket, pending } = setUp()
  session.message(frame(2), true)
  session.message(new ArrayBuffer(0), true)
  await settle()
  session.message(frame(1), true)
  await settle()
  t.is(pending.length, 2, 'one op per turn with valid frames, none for the empty one')
  t.like(pending[0]?.op, { op: 'produceBatch', topic: 't', partition: -1, partitionCount: 2, format: 'binary', maxRecords: 50, parts: [2] })
  pending[1]?.resolve(ok(1))
  await settle()
  t.deepEqual(socket.sent, [], 'frame 2 waits for frame 0')
  pending[0]?.resolve(ok(2))
  await settle()
  t.deepEqual(socket.seqs, [0, 1, 2])
  t.deepEqual(JSON.parse(socket.sent[0] as string), { seq: 0, results: [{ partition: 0, offset: 0 }, { partition: 0, offset: 1 }] })
  t.deepEqual(JSON.parse(socket.sent[1] as string), { seq: 1, error: 'invalid body: empty', status: 400 })
})

test('the frames of one turn are one op: their bodies joined, answered per frame; a new op past maxRecords', async (t) => {
  const { session, socket, pending } = setUp()
  const sizes = [3, 1, 40, 7, 30]
  for (const records of sizes) session.message(frame(records), true)
  session.message(new ArrayBuffer(0), true)
  await settle()
  t.deepEqual(pending.map(({ op }) => op.op === 'produceBatch' && op.parts), [[3, 1, 40], [7, 30]], '50 records at most per op')
  const first = pending[0]?.op
  t.deepEqual(first?.op === 'produceBatch' && first.body, Buffer.concat([3, 1, 40].map((records) => Buffer.from(frame(records)))))
  pending[1]?.resolve(ok(7, 30))
  pending[0]?.resolve(ok(3, 1, 40))
  await settle()
  t.deepEqual(socket.seqs, [0, 1, 2, 3, 4, 5])
  const answers = socket.sent.map((text) => JSON.parse(text) as { results?: Array<{ offset: number }> })
  t.deepEqual(answers.slice(0, 5).map((answer) => answer.results?.map((result) => result.offset)), [
    [0, 1, 2], [3], Array.from({ length: 40 }, (_, i) => 4 + i), Array.from({ length: 7 }, (_, i) => i), Array.from({ length: 30 }, (_, i) => 7 + i)
  ])
  t.like(answers[5], { seq: 5, status: 400 })
})

test('a failed op is answered with its error and status, on every frame it carried', async (t) => {
  const { session, socket, pending } = setUp()
  session.message(frame(1), true)
  session.message(frame(2), true)
  await settle()
  pending[0]?.reject(new HttpError(404, 'unknown_topic_or_partition'))
  await settle()
  t.deepEqual(socket.sent.map((text) => JSON.parse(text) as unknown), [0, 1].map((seq) => ({ seq, error: 'unknown_topic_or_partition', status: 404 })))
})

test('reading pauses at maxInFlight unanswered records and resumes once answers bring it below', async (t) => {
  const { session, socket, pending } = setUp(10)
  session.message(frame(6), true)
  t.true(socket.reading)
  await settle()
  session.message(frame(4), true)
  t.false(socket.reading, '10 records unanswered')
  await settle()
  pending[0]?.resolve(ok(6))
  await settle()
  t.true(socket.reading, '4 left')
})

test('reading pauses while the answers pile up unsent, and resumes when the socket drained', async (t) => {
  const { session, socket, pending } = setUp()
  session.message(frame(1), true)
  await settle()
  socket.bufferedAmount = SEND_BUFFER_LIMIT + 1
  pending[0]?.resolve(ok(1))
  await settle()
  t.false(socket.reading)
  session.drained()
  t.false(socket.reading, 'still over the limit')
  socket.bufferedAmount = 0
  session.drained()
  t.true(socket.reading)
})

test('a text frame: the frames before it answered, later ones refused, then close 1003', async (t) => {
  const { session, socket, pending, released } = setUp()
  session.message(frame(1), true)
  session.message(new ArrayBuffer(4), false)
  session.message(frame(1), true)
  await settle()
  t.false(socket.reading)
  t.is(socket.closedWith, undefined, 'waits for frame 0')
  pending[0]?.resolve(ok(1))
  await settle()
  t.deepEqual(socket.seqs, [0, 1])
  t.like(JSON.parse(socket.sent[1] as string), { seq: 1, status: 400 })
  t.deepEqual(socket.closedWith, [1003, 'text frames are not accepted'])
  t.is(pending.length, 1, 'nothing produced after the text frame')
  session.closed(1003)
  t.true(released())
})

test('stop: frames still arriving are produced, all answered, then 1001; expire answers what is left 503 timeout', async (t) => {
  const { session, socket, pending } = setUp()
  session.message(frame(1), true)
  await settle()
  session.stop()
  t.false(socket.reading)
  session.message(frame(1), true)
  await settle()
  t.is(pending.length, 2)
  pending[0]?.resolve(ok(1))
  await settle()
  t.is(socket.closedWith, undefined)
  session.expire()
  t.deepEqual(socket.seqs, [0, 1])
  t.deepEqual(JSON.parse(socket.sent[1] as string), { seq: 1, error: 'timeout', status: 503 })
  t.deepEqual(socket.closedWith, [1001, 'server stopping'])
})
