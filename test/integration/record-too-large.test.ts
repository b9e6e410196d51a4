// SPEC §2.6 / §10.6a: a record the broker refuses as too large is the client's mistake (413), and the
// (idempotent) producer goes on serving afterwards.
import test from 'ava'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const gateway = gatewayPerFile(test)
const url = (path: string): string => gateway().url + path
/** The topic's limit, far below the gateway's body limit: the broker is the one to refuse. */
const MAX_MESSAGE_BYTES = 2000

const produce = async (topic: string, body: Buffer): Promise<Response> =>
  await fetch(url(`/api/v1/messages/${topic}/0`), { method: 'POST', body })

test('a record over the topic\'s max.message.bytes → 413 message_too_large; the next produce → 204', async (t) => {
  const topic = await createTopic(t, 1, { 'max.message.bytes': String(MAX_MESSAGE_BYTES) })
  const tooLarge = await produce(topic, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 'x'))
  t.is(tooLarge.status, 413)
  t.deepEqual(await tooLarge.json(), { error: 'message_too_large' })
  for (let i = 0; i < 3; i++) {
    const ok = await produce(topic, Buffer.from(`small ${i}`))
    t.is(ok.status, 204, `produce ${i} after the refusal`)
  }
  const again = await produce(topic, Buffer.alloc(MAX_MESSAGE_BYTES * 2, 'y'))
  t.is(again.status, 413)
  t.is((await produce(topic, Buffer.from('last'))).status, 204)
})
