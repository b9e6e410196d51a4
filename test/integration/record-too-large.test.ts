// SPEC §2.6 / §10.6a: a record the broker refuses as too large is the client's mistake (413), and the
// (idempotent) producer goes on serving afterwards.
import test from 'ava'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

/** The topic's limit, far below the gateway's body limit: the broker is the one to refuse. */
const MAX_MESSAGE_BYTES = 2000
// Batches stay under the topic's limit, so small records batched with a refused one are not refused too (README, Known limits).
const gateway = gatewayPerFile(test, { KASTLEX_PRODUCER_MAX_BATCH_SIZE: String(MAX_MESSAGE_BYTES - 500) })
const url = (path: string): string => gateway().url + path

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

test('small records produced together with a too-large one are written; only the too-large one → 413', async (t) => {
  const topic = await createTopic(t, 1, { 'max.message.bytes': String(MAX_MESSAGE_BYTES) })
  for (let round = 0; round < 3; round++) {
    const [tooLarge, ...small] = await Promise.all([
      produce(topic, Buffer.alloc(MAX_MESSAGE_BYTES + 500, 'x')),
      ...Array.from({ length: 20 }, async (_, i) => await produce(topic, Buffer.from(`small ${round}-${i}`)))
    ])
    t.is(tooLarge?.status, 413)
    t.deepEqual(small.map((r) => r.status), small.map(() => 204), `round ${round}`)
  }
})
