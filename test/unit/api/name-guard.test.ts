// SPEC §10.6a: every route of the real route table that takes a topic or a group id refuses a name that
// cannot exist without any Kafka call, and the token storage topic on every topic-data route. The table
// is enumerated, so a route added later is covered (or fails here) without anyone remembering to.
import test from 'ava'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MetadataCache } from '../../../src/cluster/metadata-cache.js'
import { takesParam } from '../../../src/api/name-guard.js'
import { apiRoutes, type Services } from '../../../src/api/routes.js'
import { loadConfig } from '../../../src/config.js'
import { HttpError, kafkaError } from '../../../src/http/errors.js'
import { Query, RequestHeaders } from '../../../src/http/request.js'
import type { RequestContext, Route } from '../../../src/http/router.js'
import { StreamSlots } from '../../../src/http/stream-slots.js'
import type { KafkaClient } from '../../../src/pool/kafka-client.js'
import type { KafkaOp } from '../../../src/pool/messages.js'

const dir = mkdtempSync(join(tmpdir(), 'kastlex-name-guard-'))
const file = (name: string, content: string): string => {
  writeFileSync(join(dir, name), content)
  return join(dir, name)
}
const config = loadConfig({
  KASTLEX_JWK_FILE: file('jwk', 'unused'),
  KASTLEX_PERMISSIONS_FILE_PATH: file('permissions.yml', '{}'),
  KASTLEX_PASSWD_FILE_PATH: file('passwd.yml', '{}'),
  KASTLEX_TOKEN_STORAGE_TOPIC: 'tokens_here'
})

/** A KafkaClient that records every op; metadata knows no topics, anything else fails as Kafka would. */
class RecordingKafka implements KafkaClient {
  readonly ops: KafkaOp[] = []
  async run (op: KafkaOp): Promise<never> {
    this.ops.push(op)
    if (op.op === 'metadata') return { brokers: [], topics: [] } as never
    throw kafkaError('broker_not_available')
  }

  async runOnEach (op: KafkaOp): Promise<never> { return await this.run(op) }
  stats (): never { throw new Error('not used') }
  async close (): Promise<void> {}
}

function routeTable (): { routes: Route[], kafka: RecordingKafka } {
  const kafka = new RecordingKafka()
  // Only what the routes with names touch is real; the rest is never reached from them.
  const unused = {} as never
  const services: Services = {
    kafka,
    metadata: new MetadataCache(kafka),
    metrics: { produced: () => {}, fetched: () => {} } as never,
    offsets: { highWatermark: () => undefined } as never,
    excludedGroup: () => false,
    access: unused,
    issuer: unused,
    limiter: unused,
    tokens: undefined,
    log: unused,
    streams: new StreamSlots(10)
  }
  return { routes: apiRoutes(config, services), kafka }
}

const VALID: Readonly<Record<string, string>> = { topic: 'no-such-topic', partition: '0', offset: '0', group_id: 'no-such-group', username: 'u', broker: '0' }

function context (route: Route, params: Record<string, string>): RequestContext {
  const names = route.template.split('/').filter((s) => s.startsWith(':')).map((s) => s.slice(1))
  const headers = new RequestHeaders()
  // A batch body gets as far as the topic lookup (no media type would be 415 before it).
  headers.add('content-type', 'application/x-ndjson')
  return {
    method: route.method,
    path: route.template,
    params: Object.fromEntries(names.map((name) => [name, params[name] ?? VALID[name] ?? 'x'])),
    query: new Query(''),
    headers,
    representation: { kind: 'json' },
    requestId: 'test',
    user: 'anonymous',
    peer: () => '127.0.0.1',
    requester: { open: true },
    body: async () => Buffer.alloc(0),
    // A produce stream's handshake gets as far as the topic lookup (a plain GET would be 426 before it).
    websocket: true,
    reauthorize: () => {}
  }
}

/** The HttpError the route answers (or undefined when it answered without one). */
async function outcome (route: Route, params: Record<string, string>): Promise<HttpError | undefined> {
  try {
    await route.handle(context(route, params))
    return undefined
  } catch (err) {
    if (err instanceof HttpError) return err
    throw err
  }
}

const INVALID_TOPICS = ['x'.repeat(1000), 'x'.repeat(250), 'a b', 'a/b', 'é', '.', '..', 'a\u0000b', 'topic?', '']
const INVALID_GROUPS = ['g'.repeat(256), 'é'.repeat(128), 'a\u0000b', '']

const topicRoutes = routeTable().routes.filter((route) => takesParam(route.template, 'topic'))
const groupRoutes = routeTable().routes.filter((route) => takesParam(route.template, 'group_id'))

test('the route table has the routes with names this test is about', (t) => {
  t.true(topicRoutes.length >= 10, topicRoutes.map((route) => route.template).join(' '))
  t.is(groupRoutes.length, 2)
})

test('every route with :topic answers 404 for a name that cannot exist, without any Kafka call', async (t) => {
  for (const route of topicRoutes) {
    const expected = route.template === '/api/v1/topics/:topic'
      ? 'Unknown topic'
      : route.template === '/api/v1/urp/:topic' ? 'unknown topic' : 'unknown_topic_or_partition'
    for (const topic of INVALID_TOPICS) {
      const { routes, kafka } = routeTable()
      const same = routes.find((r) => r.method === route.method && r.template === route.template) as Route
      const error = await outcome(same, { topic })
      const label = `${route.method} ${route.template} ${JSON.stringify(topic.slice(0, 20))}`
      t.like(error, { status: 404, error: expected }, label)
      t.deepEqual(kafka.ops, [], label)
    }
  }
})

test('the fake sees Kafka calls: a valid name that does not exist is looked up', async (t) => {
  for (const route of [...topicRoutes, ...groupRoutes]) {
    const { routes, kafka } = routeTable()
    const same = routes.find((r) => r.method === route.method && r.template === route.template) as Route
    await outcome(same, {})
    t.true(kafka.ops.length > 0, `${route.method} ${route.template}`)
  }
})

test('every route with :group_id answers 404 unknown group for an id over 255 bytes or with NUL, without any Kafka call', async (t) => {
  for (const route of groupRoutes) {
    for (const group of INVALID_GROUPS) {
      const { routes, kafka } = routeTable()
      const same = routes.find((r) => r.method === route.method && r.template === route.template) as Route
      const label = `${route.template} ${JSON.stringify(group.slice(0, 20))}`
      t.like(await outcome(same, { group_id: group }), { status: 404, error: 'unknown group' }, label)
      t.deepEqual(kafka.ops, [], label)
    }
  }
  const { routes, kafka } = routeTable()
  await outcome(routes.find((r) => r.template === '/api/v2/consumers/:group_id') as Route, { group_id: 'g'.repeat(255) })
  t.like(kafka.ops, [{ op: 'describeGroup' }], '255 bytes is a possible group id')
})

test('the token storage topic is refused (403) on every route with topic data, whatever the permissions; topic views are not', async (t) => {
  const dataActions = new Set(['produce', 'fetch', 'show_offsets'])
  const refusing = topicRoutes.filter((route) => dataActions.has(route.action ?? ''))
  t.true(refusing.some((route) => route.method === 'POST'), 'produce routes are among them')
  t.true(refusing.some((route) => route.template.startsWith('/api/v1/offsets')), 'offsets is among them')
  t.true(refusing.some((route) => route.template === '/api/v2/batch/:topic') && refusing.some((route) => route.template === '/api/v2/batch/:topic/:partition'), 'batch routes are among them')
  for (const route of topicRoutes) {
    const { routes, kafka } = routeTable()
    const same = routes.find((r) => r.method === route.method && r.template === route.template) as Route
    const error = await outcome(same, { topic: config.auth.tokenTopic })
    const label = `${route.method} ${route.template}`
    if (dataActions.has(route.action ?? '')) {
      t.like(error, { status: 403, error: 'Unauthorized' }, label)
      t.deepEqual(kafka.ops, [], label)
    } else {
      t.not(error?.status, 403, label)
    }
  }
})
