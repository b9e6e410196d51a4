// The consume stream (SPEC §10.5) against the real broker, over both transports: the start offsets, records
// produced meanwhile arriving in order as the same message objects GET /api/v2/messages answers,
// `last-event-id`, and the refusals that are ordinary HTTP answers (no 426: a plain GET is Server-Sent Events).
import test, { type ExecutionContext } from 'ava'
import { EventStreamClient, type StreamedMessage } from '../helpers/event-stream.js'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'
import { StreamClient, type Refusal } from '../helpers/produce-stream.js'
import { writeTransactions } from '../helpers/transactions.js'

const tokenTopic = '_kastlex_tokens'
const gateway = gatewayPerFile(test)
const url = (path: string): string => gateway().url + path

type Transport = 'sse' | 'websocket'
const TRANSPORTS: readonly Transport[] = ['sse', 'websocket']

/** A stream client of either transport, seen the same way: messages so far, and whether it ended. */
interface Consumer {
  readonly messages: () => StreamedMessage[]
  readonly until: (done: () => boolean, timeoutMs?: number) => Promise<void>
  readonly close: () => void
}

async function consume (transport: Transport, path: string, headers: Record<string, string> = {}): Promise<Consumer> {
  if (transport === 'sse') {
    const client = await EventStreamClient.open(url(path), { accept: 'text/event-stream', ...headers })
    return { messages: () => client.messages, until: async (done, timeoutMs) => await client.until(done, timeoutMs), close: () => client.close() }
  }
  const client = await StreamClient.open<StreamedMessage>(url(path), headers)
  return { messages: () => client.answers, until: async (done, timeoutMs) => await client.until(done, timeoutMs), close: () => client.close() }
}

async function refusal (transport: Transport, path: string, headers: Record<string, string> = {}): Promise<Refusal> {
  const open = transport === 'sse' ? EventStreamClient.open(url(path), { accept: 'text/event-stream', ...headers }) : StreamClient.open(url(path), headers)
  try {
    const client = await open
    client.close()
  } catch (err) {
    const refused = (err as { refusal?: Refusal }).refusal
    if (refused !== undefined) return refused
    throw err
  }
  throw new Error(`${path} was not refused`)
}

/** Produces values (in order, partition 0) through the batch route; resolves once Kafka has them. */
async function produce (topic: string, values: readonly string[]): Promise<void> {
  const res = await fetch(url(`/api/v2/batch/${topic}/0`), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(values.map((value, i) => ({ value, key: `k${i}`, headers: { n: String(i) } })))
  })
  if (res.status !== 200) throw new Error(`produce: ${res.status} ${await res.text()}`)
}

/** What GET /api/v2/messages answers for the partition from `offset` on. */
async function fetched (topic: string, offset: number): Promise<StreamedMessage[]> {
  const res = await fetch(url(`/api/v2/messages/${topic}/0/${offset}?max_wait_time=0&max_bytes=1000000`))
  return await res.json() as StreamedMessage[]
}

const values = (tag: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${tag}-${i}`)

async function receivesInOrder (t: ExecutionContext, consumer: Consumer, topic: string, from: number, count: number): Promise<void> {
  await consumer.until(() => consumer.messages().length >= count, 20_000)
  const messages = consumer.messages()
  t.deepEqual(messages.map((m) => m.offset), Array.from({ length: count }, (_, i) => from + i), 'every offset once, in order')
  t.deepEqual(messages, await fetched(topic, from), 'the message objects of GET /api/v2/messages')
}

const STARTS: ReadonlyArray<readonly [string, number]> = [['earliest', 0], ['1', 1], ['latest', 3], ['last', 2], ['-2', 1]]

for (const transport of TRANSPORTS) {
  for (const [offset, from] of STARTS) {
    test(`${transport}: offset=${offset} starts at ${from}; records produced meanwhile follow in order`, async (t) => {
      const topic = await createTopic(t)
      await produce(topic, values('before', 3))
      const consumer = await consume(transport, `/api/v2/stream/${topic}/0?offset=${offset}`)
      t.teardown(() => consumer.close())
      await produce(topic, values('after', 4))
      await produce(topic, values('later', 3))
      await receivesInOrder(t, consumer, topic, from, 10 - from)
    })
  }

  test(`${transport}: no offset is latest; last on an empty partition starts at its end`, async (t) => {
    const topic = await createTopic(t)
    const [latest, last] = await Promise.all([
      consume(transport, `/api/v2/stream/${topic}/0`),
      consume(transport, `/api/v2/stream/${topic}/0?offset=last`)
    ])
    t.teardown(() => { latest.close(); last.close() })
    await produce(topic, values('first', 2))
    await receivesInOrder(t, latest, topic, 0, 2)
    await receivesInOrder(t, last, topic, 0, 2)
  })

  test(`${transport}: refusals are ordinary HTTP answers`, async (t) => {
    const topic = await createTopic(t)
    await produce(topic, values('x', 2))
    const expect = async (path: string, status: number, body: Record<string, unknown>, headers?: Record<string, string>): Promise<void> => {
      const refused = await refusal(transport, path, headers)
      t.is(refused.status, status, path)
      t.deepEqual(JSON.parse(refused.body), body, path)
    }
    await expect(`/api/v2/stream/${topic}/0`, 401, { error: 'Unauthenticated' }, { authorization: 'Bearer not-a-token' })
    await expect(`/api/v2/stream/${topic}/0?access_token=not-a-token`, 401, { error: 'Unauthenticated' })
    await expect(`/api/v2/stream/${tokenTopic}/0`, 403, { error: 'Unauthorized' })
    await expect(`/api/v2/stream/${topic}/1`, 404, { error: 'unknown_topic_or_partition' })
    await expect(`/api/v2/stream/no-such-topic-${topic}/0`, 404, { error: 'unknown_topic_or_partition' })
    await expect(`/api/v2/stream/bad%20name/0`, 404, { error: 'unknown_topic_or_partition' })
    await expect(`/api/v2/stream/${topic}/x`, 400, { error: 'invalid partition' })
    await expect(`/api/v2/stream/${topic}/0?offset=abc`, 400, { error: 'invalid offset' })
    await expect(`/api/v2/stream/${topic}/0?offset=3`, 416, { error: 'offset_out_of_range', earliest: 0, latest: 2 })
    await expect(`/api/v2/stream/${topic}/0?offset=-3`, 416, { error: 'offset_out_of_range', earliest: 0, latest: 2 })
    if (transport === 'sse') await expect(`/api/v2/stream/${topic}/0`, 400, { error: 'invalid last-event-id' }, { 'last-event-id': 'x' })
  })
}

test('sse: last-event-id resumes after that offset, whatever the query says', async (t) => {
  const topic = await createTopic(t)
  await produce(topic, values('a', 5))
  const consumer = await consume('sse', `/api/v2/stream/${topic}/0?offset=earliest`, { 'last-event-id': '2' })
  t.teardown(() => consumer.close())
  await receivesInOrder(t, consumer, topic, 3, 2)
})

test('sse: the head, and each record as id / event: message / data', async (t) => {
  const topic = await createTopic(t)
  await produce(topic, ['one'])
  const client = await EventStreamClient.open(url(`/api/v2/stream/${topic}/0?offset=earliest`))
  t.teardown(() => client.close())
  t.is(client.header('content-type'), 'text/event-stream')
  t.is(client.header('cache-control'), 'no-cache')
  t.truthy(client.header('x-request-id'))
  await client.until((c) => c.events.length > 0, 10_000)
  t.like(client.events[0], { event: 'message', id: '0' })
  t.like(client.messages[0], { value: 'one', key: 'k0', offset: 0, headers: { n: '0' } })
  const head = await fetch(url(`/api/v2/stream/${topic}/0`), { method: 'HEAD' })
  t.deepEqual([head.status, head.headers.get('content-type'), head.headers.get('cache-control')], [200, 'text/event-stream', 'no-cache'], 'HEAD: the same head, no stream')
})

test('sse negotiation: no Accept and */* are yes, text/event-stream;q=0 or only JSON is 406', async (t) => {
  const topic = await createTopic(t)
  for (const accept of [undefined, '*/*', 'text/*', 'application/json, text/event-stream;q=0.1']) {
    const client = await EventStreamClient.open(url(`/api/v2/stream/${topic}/0`), accept === undefined ? {} : { accept })
    t.is(client.header('content-type'), 'text/event-stream', `Accept: ${String(accept)}`)
    client.close()
  }
  for (const accept of ['application/json', 'text/event-stream;q=0', 'text/html, */*;q=0']) {
    const res = await fetch(url(`/api/v2/stream/${topic}/0`), { headers: { accept } })
    t.is(res.status, 406, `Accept: ${accept}`)
    t.deepEqual(await res.json(), { error: 'not acceptable' })
  }
})

test('websocket: a handshake is not negotiated (any Accept), client frames are ignored', async (t) => {
  const topic = await createTopic(t)
  const client = await StreamClient.open<StreamedMessage>(url(`/api/v2/stream/${topic}/0?offset=earliest`), { accept: 'application/json' })
  t.teardown(() => client.close())
  client.send('hello')
  client.send(Buffer.from('binary'))
  await produce(topic, ['v'])
  await client.answered(1, 10_000)
  t.like(client.answers[0], { value: 'v', offset: 0 })
  t.is(client.closed, undefined)
})

test('read_committed: aborted records and transaction markers are skipped, and the stream goes on past the last marker', async (t) => {
  const topic = await createTopic(t)
  await writeTransactions(t, topic) // aborted 0, 1; c0 3, c1 4; aborted 6; c2 8; markers 2, 5, 7, 9
  // Markers are written after commitTransaction returns: the last stable offset reaches 10 a little later.
  await eventually(async () => await (await fetch(url(`/api/v1/offsets/${topic}/0`))).json() as { offset: number }, (r) => r.offset === 10, 10_000)
  const client = await EventStreamClient.open(url(`/api/v2/stream/${topic}/0?offset=earliest`))
  await client.until((c) => c.messages.length >= 3, 20_000)
  t.deepEqual(client.messages.map((m) => [m.offset, m.value]), [[3, 'c0'], [4, 'c1'], [8, 'c2']])
  const requestId = client.header('x-request-id') as string
  client.close()
  const closed = new RegExp(`"msg":"stream closed".*"request_id":"${requestId}"`)
  await gateway().waitForOutput(closed)
  const line = JSON.parse(gateway().output().split('\n').find((l) => closed.test(l)) as string) as { next_offset: number, records: number }
  t.like(line, { next_offset: 10, records: 3 }, 'the next fetch is past the last marker, not at it')
})
