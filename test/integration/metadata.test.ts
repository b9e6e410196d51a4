// Topics, brokers, under-replicated partitions and offsets (SPEC §4.4–§4.6, §4.9).
import test from 'ava'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'

const gateway = gatewayPerFile(test)
const get = async (path: string): Promise<Response> => await fetch(gateway().url + path)

test('topics: a new topic is listed (sorted) and shown with its partitions', async (t) => {
  const topic = await createTopic(t, 3)
  const shown = await get(`/api/v1/topics/${topic}`)
  t.is(shown.status, 200, 'a topic created after the last refresh is found by a live lookup')
  const body = await shown.json() as { topic: string, partitions: unknown[] }
  t.is(body.topic, topic)
  t.deepEqual(body.partitions, [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })))
  t.true('config' in body)

  const list = await (await get('/api/v1/topics')).json() as string[]
  t.true(list.includes('kastlex'))
  t.deepEqual(list, [...list].sort())

  const missing = await get(`/api/v1/topics/${topic}-missing`)
  t.is(missing.status, 404)
  t.deepEqual(await missing.json(), { error: 'Unknown topic' })
})

test('brokers: list and show', async (t) => {
  const [host, port] = KAFKA.split(':')
  const expected = { id: 1, node_id: 1, host, port: Number(port), rack: '', endpoints: [`PLAINTEXT://${KAFKA}`] }
  t.deepEqual(await (await get('/api/v1/brokers')).json(), [expected])
  t.deepEqual(await (await get('/api/v1/brokers/1')).json(), expected)
  const missing = await get('/api/v1/brokers/7')
  t.is(missing.status, 404)
  t.deepEqual(await missing.json(), { error: 'unknown broker id' })
})

test('urp: none on a healthy single broker → 204; unknown topic → 404', async (t) => {
  const topic = await createTopic(t)
  t.is((await get('/api/v1/urp')).status, 204)
  t.is((await get(`/api/v1/urp/${topic}`)).status, 204)
  const missing = await get(`/api/v1/urp/${topic}-missing`)
  t.is(missing.status, 404)
  t.deepEqual(await missing.json(), { error: 'unknown topic' })
})

test('offsets: latest, earliest, last, negative, timestamp and 416', async (t) => {
  const topic = await createTopic(t)
  const offset = async (at?: string): Promise<unknown> => {
    const res = await get(`/api/v1/offsets/${topic}/0${at === undefined ? '' : `?at=${at}`}`)
    return { status: res.status, body: await res.json() }
  }
  t.deepEqual(await offset('last'), { status: 200, body: { offset: -1 } }, 'last on an empty partition')
  const before = Date.now()
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${gateway().url}/api/v2/messages/${topic}/0`, { method: 'POST', body: `v${i}` })
    t.is(res.status, 204)
  }
  t.deepEqual(await offset(), { status: 200, body: { offset: 3 } })
  t.deepEqual(await offset('latest'), { status: 200, body: { offset: 3 } })
  t.deepEqual(await offset('earliest'), { status: 200, body: { offset: 0 } })
  t.deepEqual(await offset('last'), { status: 200, body: { offset: 2 } })
  t.deepEqual(await offset('-1'), { status: 200, body: { offset: 2 } })
  t.deepEqual(await offset('-3'), { status: 200, body: { offset: 0 } })
  t.deepEqual(await offset('-4'), { status: 416, body: { error: 'offset_out_of_range', earliest: 0, latest: 3 } })
  t.deepEqual(await offset(String(before - 60_000)), { status: 200, body: { offset: 0 } }, 'first offset at or after the timestamp')
  t.deepEqual(await offset(String(Date.now() + 3_600_000)), { status: 200, body: { offset: -1 } }, 'none that late')
})

test('/health and /ready: ready once Kafka answers metadata', async (t) => {
  t.deepEqual(await (await get('/health')).json(), { status: 'ok' })
  const ready = await get('/ready')
  t.is(ready.status, 200)
  t.deepEqual(await ready.json(), { status: 'ready', checks: { kafka: 'ok', token_store: 'disabled' } })
})
