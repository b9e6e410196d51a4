// SPEC §10.6a through a real gateway: names that cannot exist are answered 404 and never reach
// librdkafka (a 1,000-character topic used to end the process), and the token storage topic is refused
// on the topic-data routes even where the permissions file grants everything (`produce: all`, `fetch: all`).
import test from 'ava'
import { randomBytes } from 'node:crypto'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'

const tokenTopic = `tokens-${randomBytes(4).toString('hex')}`
const gateway = gatewayPerFile(test, { KASTLEX_ENABLE_TOKEN_STORAGE: 'true', KASTLEX_TOKEN_STORAGE_TOPIC: tokenTopic })

const request = async (path: string, init?: RequestInit): Promise<{ status: number, body: unknown }> => {
  const response = await fetch(gateway().url + path, init)
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
}

test('a topic name that cannot exist → 404 on every route that takes one; the gateway lives on', async (t) => {
  for (const topic of ['x'.repeat(1000), 'x'.repeat(250), 'a%20b', '%C3%A9', 'a%00b', 'a%2Fb']) {
    const label = topic.slice(0, 20)
    t.deepEqual(await request(`/api/v1/topics/${topic}`), { status: 404, body: { error: 'Unknown topic' } }, label)
    t.deepEqual(await request(`/api/v1/urp/${topic}`), { status: 404, body: { error: 'unknown topic' } }, label)
    const unknown = { status: 404, body: { error: 'unknown_topic_or_partition' } }
    t.deepEqual(await request(`/api/v1/offsets/${topic}/0`), unknown, label)
    t.deepEqual(await request(`/api/v1/messages/${topic}/0`), unknown, label)
    t.deepEqual(await request(`/api/v2/messages/${topic}/0/5`), unknown, label)
    t.deepEqual(await request(`/api/v1/messages/${topic}`, { method: 'POST', body: 'x' }), unknown, label)
    t.deepEqual(await request(`/api/v2/messages/${topic}/0`, { method: 'POST', body: 'x' }), unknown, label)
  }
  t.is(gateway().process.exitCode, null)
  t.is((await request('/health')).status, 200)
})

test('a group id over 255 bytes or with NUL → 404 unknown group (was 503 librdkafka_error_186)', async (t) => {
  for (const group of ['g'.repeat(256), '%C3%A9'.repeat(128), 'a%00b', 'x'.repeat(1000)]) {
    for (const version of [1, 2]) {
      t.deepEqual(await request(`/api/v${version}/consumers/${group}`), { status: 404, body: { error: 'unknown group' } }, `${version} ${group.slice(0, 20)}`)
    }
  }
  t.deepEqual(await request(`/api/v2/consumers/${'g'.repeat(255)}`), { status: 404, body: { error: 'unknown group' } }, '255 bytes: asked, and not there')
  t.is(gateway().process.exitCode, null)
})

test('the token storage topic: 403 on produce, fetch and offsets whatever the permissions; its view stays', async (t) => {
  await eventually(async () => (await request(`/api/v1/topics/${tokenTopic}`)).status, (status) => status === 200, 20_000)
  const refused = { status: 403, body: { error: 'Unauthorized' } }
  t.deepEqual(await request(`/api/v1/messages/${tokenTopic}/0?key=user:admin`, { method: 'POST' }), refused, 'the tombstone that logged admin out')
  t.deepEqual(await request(`/api/v2/messages/${tokenTopic}?key=user:admin`, { method: 'POST', body: '{"exp":0,"token_hash":"00"}' }), refused)
  t.deepEqual(await request(`/api/v1/messages/${tokenTopic}/0/0`), refused)
  t.deepEqual(await request(`/api/v2/messages/${tokenTopic}/0`), refused)
  t.deepEqual(await request(`/api/v1/offsets/${tokenTopic}/0`), refused)
  t.deepEqual(await request(`/api/v1/offsets/${tokenTopic}/0?at=earliest`), refused)
})

test('a new topic is found at once; a partition beyond its count is 404, also when asked again', async (t) => {
  const topic = await createTopic(t, 1)
  t.is((await request(`/api/v1/topics/${topic}`)).status, 200)
  for (let i = 0; i < 3; i++) {
    t.deepEqual(await request(`/api/v1/messages/${topic}/99999`), { status: 404, body: { error: 'unknown_topic_or_partition' } })
  }
})
