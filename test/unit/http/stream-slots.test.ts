import test from 'ava'
import { HttpError } from '../../../src/http/errors.js'
import { StreamSlots } from '../../../src/http/stream-slots.js'

test('slots up to the bound whatever the transport, then 503 too many streams; a release frees one, once', (t) => {
  const slots = new StreamSlots(2)
  const first = slots.take('websocket')
  slots.take('sse')
  t.is(slots.open, 2)
  t.like(t.throws(() => slots.take('websocket'), { instanceOf: HttpError }), { status: 503, error: 'too many streams' })
  first()
  first()
  t.is(slots.open, 1, 'a second release of the same slot changes nothing')
  t.is(slots.active('websocket'), 0)
  t.is(slots.active('sse'), 1)
  slots.take('websocket')
  t.is(slots.open, 2)
  t.is(slots.active('websocket'), 1)
})
