// ConsumeSession with a fake socket and a fake Kafka client whose fetches complete when the test says: the
// long poll from the next offset, the pause while more than SEND_BUFFER_LIMIT waits unsent, and the endings
// (a fetch failure, the graceful stop, the client gone) on both transports.
import test from 'ava'
import { ConsumeSession, POLL_WAIT_MS } from '../../../src/api/consume-session.js'
import { HttpError } from '../../../src/http/errors.js'
import { SEND_BUFFER_LIMIT, type EventSink, type StreamSocket } from '../../../src/http/stream-session.js'
import type { KafkaClient } from '../../../src/pool/kafka-client.js'
import type { FetchOp, FetchResult, StreamTransport } from '../../../src/pool/messages.js'

interface Pending { op: FetchOp, resolve: (value: FetchResult) => void, reject: (err: Error) => void }

class FakeSocket implements StreamSocket {
  sent: string[] = []
  bufferedAmount = 0
  closedWith: [number, string] | undefined
  send (text: string): void { this.sent.push(text) }
  ping (): void {}
  pause (): void {}
  resume (): void {}
  end (code: number, reason: string): void { this.closedWith = [code, reason] }
}

class FakeSink implements EventSink {
  written = ''
  bufferedAmount = 0
  ended = false
  write (text: string): void { this.written += text }
  end (): void { this.ended = true }
}

/** A fetch answer of `records` (the body is what the worker would encode; here a marker per record). */
const answer = (next: number, records: string[]): FetchResult =>
  ({ encoded: { headers: [], body: records.join('\n') }, records: records.length, bytes: records.length, next })

function setUp (transport: StreamTransport, first: FetchResult): { session: ConsumeSession, pending: Pending[], released: () => number } {
  const pending: Pending[] = []
  const kafka = { run: async (op: FetchOp) => await new Promise((resolve, reject) => pending.push({ op, resolve, reject })) } as unknown as KafkaClient
  let released = 0
  const session = new ConsumeSession(
    { kafka, metrics: { fetched: () => {} } as never, log: { info: () => {} } as never, fetchMaxBytesLimit: 4 << 20 },
    { topic: 't', partition: 3, requestId: 'r', reauthorize: () => {}, release: () => { released++ } },
    transport,
    first
  )
  return { session, pending, released: () => released }
}

/** Lets the session's awaits run. */
const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve)) }

test('websocket: the first records, one frame each, then long polls from the offset after each answer', async (t) => {
  const { session, pending } = setUp('websocket', answer(12, ['{"offset":10}', '{"offset":11}']))
  const socket = new FakeSocket()
  session.opened(socket)
  t.deepEqual(socket.sent, ['{"offset":10}', '{"offset":11}'])
  await settle()
  t.is(pending.length, 1)
  t.like(pending[0]?.op, { op: 'fetch', topic: 't', partition: 3, offset: { kind: 'exact', value: 12 }, maxWaitMs: POLL_WAIT_MS, minBytes: 1, maxBytes: SEND_BUFFER_LIMIT, format: { kind: 'stream', transport: 'websocket' } })
  pending[0]?.resolve(answer(14, []))
  await settle()
  t.deepEqual(socket.sent.length, 2, 'an empty answer sends nothing')
  t.like(pending[1]?.op, { offset: { kind: 'exact', value: 14 } }, 'past what the answer skipped')
  session.closed(1000)
})

test('no fetch while more than half of SEND_BUFFER_LIMIT waits unsent; then only the room left is asked for', async (t) => {
  const { session, pending } = setUp('websocket', answer(0, []))
  const socket = new FakeSocket()
  session.opened(socket)
  await settle()
  socket.bufferedAmount = SEND_BUFFER_LIMIT
  pending[0]?.resolve(answer(1, ['{"offset":0}']))
  await settle()
  t.is(pending.length, 1, 'paused')
  socket.bufferedAmount = SEND_BUFFER_LIMIT / 2 + 1
  session.drained()
  await settle()
  t.is(pending.length, 1, 'still less than half the bound free')
  socket.bufferedAmount = 1000
  session.drained()
  await settle()
  t.is(pending.length, 2)
  t.like(pending[1]?.op, { offset: { kind: 'exact', value: 1 }, maxBytes: SEND_BUFFER_LIMIT - 1000 })
  session.closed(1000)
})

test('websocket endings: a failed fetch is a frame {"error"} and close 1011; the stop closes 1001; the slot is given back once', async (t) => {
  const failing = setUp('websocket', answer(0, []))
  const socket = new FakeSocket()
  failing.session.opened(socket)
  await settle()
  failing.pending[0]?.reject(new HttpError(503, 'timeout'))
  await settle()
  t.deepEqual(socket.sent, ['{"error":"timeout"}'])
  t.deepEqual(socket.closedWith, [1011, 'timeout'])
  failing.session.closed(1011)
  failing.session.closed(1011)
  t.is(failing.released(), 1)

  const stopping = setUp('websocket', answer(0, []))
  const other = new FakeSocket()
  stopping.session.opened(other)
  await settle()
  stopping.session.stop()
  t.deepEqual(other.closedWith, [1001, 'server stopping'])
  stopping.pending[0]?.resolve(answer(1, ['{"offset":0}']))
  await settle()
  t.deepEqual(other.sent, [], 'nothing sent once ending')
  t.is(stopping.pending.length, 1, 'no fetch after the stop')
})

test('sse: a keepalive opens a stream with no record yet; records as the fetch encoded them; a failure is an error event, then the end', async (t) => {
  const { session, pending, released } = setUp('sse', answer(5, []))
  const sink = new FakeSink()
  session.opened(sink)
  t.is(sink.written, ': keepalive\n\n')
  await settle()
  pending[0]?.resolve(answer(6, ['id: 5\nevent: message\ndata: {}\n\n']))
  await settle()
  t.is(sink.written, ': keepalive\n\nid: 5\nevent: message\ndata: {}\n\n')
  pending[1]?.reject(new HttpError(416, 'offset_out_of_range'))
  await settle()
  t.true(sink.written.endsWith('event: error\ndata: {"error":"offset_out_of_range"}\n\n'))
  t.true(sink.ended)
  session.closed()
  t.is(released(), 1)
})

test('a client gone before the stream opened: the slot is given back, nothing is fetched', async (t) => {
  const { session, pending, released } = setUp('sse', answer(5, ['x']))
  session.closed()
  session.opened(new FakeSink())
  await settle()
  t.is(pending.length, 0)
  t.is(released(), 1)
})
