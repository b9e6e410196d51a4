// EventStreamResponse over a fake uWS response: writes, drained once uWS's buffer emptied, the end, and a
// response whose socket never empties between two stall checks closed.
import test from 'ava'
import { EventStreamResponse } from '../../../src/http/event-stream.js'
import type { EventSession } from '../../../src/http/stream-session.js'
import type { HttpResponse } from '../../../src/http/uws.js'

class FakeResponse {
  written = ''
  buffered = 0
  ended = false
  closed = false
  writable: (() => boolean) | undefined
  onWritable (handler: () => boolean): this { this.writable = handler; return this }
  cork (fn: () => void): this { fn(); return this }
  write (text: string): boolean { this.written += text; return true }
  getBufferedAmount (): number { return this.buffered }
  end (): this { this.ended = true; return this }
  close (): this { this.closed = true; return this }
}

function setUp (stallMs?: number): { res: FakeResponse, response: EventStreamResponse, events: string[] } {
  const events: string[] = []
  const session: EventSession = { opened: () => {}, drained: () => events.push('drained'), closed: () => events.push('closed'), stop: () => {}, expire: () => {} }
  const res = new FakeResponse()
  const response = new EventStreamResponse(res as unknown as HttpResponse, session, () => events.push('released'), stallMs)
  return { res, response, events }
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

test('writes go to the response; drained when uWS says its buffer emptied; the end is told once; nothing is written after it', (t) => {
  const { res, response, events } = setUp()
  response.write(': keepalive\n\n')
  response.write('')
  res.buffered = 10
  t.is(response.bufferedAmount, 10)
  res.writable?.()
  t.deepEqual(events, ['drained'])
  response.end()
  response.end()
  response.write('late')
  t.is(res.written, ': keepalive\n\n')
  t.true(res.ended)
  t.deepEqual(events, ['drained', 'released', 'closed'])
  t.is(response.bufferedAmount, 0)
})

test('a socket that took nothing between two stall checks is closed; one that emptied in between is not', async (t) => {
  const stalled = setUp(20)
  stalled.res.buffered = 100
  const draining = setUp(20)
  draining.res.buffered = 100
  const timer = setInterval(() => draining.res.writable?.(), 5)
  t.teardown(() => clearInterval(timer))
  await sleep(120)
  t.true(stalled.res.closed)
  t.deepEqual(stalled.events, ['released', 'closed'])
  t.false(draining.res.closed)
  clearInterval(timer)
  draining.response.end()
})
