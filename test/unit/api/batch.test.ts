// The batch route's part on the event loop (SPEC §10.4): checks, then one op carrying the body untouched;
// the batch travels with its request, so that the Kafka client starts no write for a client already gone.
import test from 'ava'
import { batchRoutes } from '../../../src/api/batch.js'
import { MetadataCache } from '../../../src/cluster/metadata-cache.js'
import { IdempotencyStore } from '../../../src/http/idempotency.js'
import { Query, RequestHeaders } from '../../../src/http/request.js'
import type { Requester, RequestContext, Route } from '../../../src/http/router.js'
import type { KafkaClient } from '../../../src/pool/kafka-client.js'
import type { KafkaOp } from '../../../src/pool/messages.js'

/** Knows topic `t` with 3 partitions; answers a batch with an empty result. */
class RecordingKafka implements KafkaClient {
  readonly ops: KafkaOp[] = []
  readonly requesters: Array<Requester | undefined> = []
  async run (op: KafkaOp, requester?: Requester): Promise<never> {
    this.ops.push(op)
    this.requesters.push(requester)
    if (op.op === 'metadata') {
      return { brokers: [], topics: [{ name: 't', partitions: [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })) }] } as never
    }
    return { bodies: ['{"results":[]}'], produced: 0, producedBytes: 0 } as never
  }

  async runOnEach (op: KafkaOp): Promise<never> { return await this.run(op) }
  stats (): never { throw new Error('not used') }
  async close (): Promise<void> {}
}

function setUp (): { route: (template: string) => Route, kafka: RecordingKafka } {
  const kafka = new RecordingKafka()
  const routes = batchRoutes({ kafka, metadata: new MetadataCache(kafka), maxBodyBytes: 1000, maxRecords: 7, metrics: { produced: () => {} } as never, idempotency: new IdempotencyStore({ ttlMs: 1000, maxKeys: 10 }) })
  return { kafka, route: (template) => routes.find((r) => r.template === template) as Route }
}

function context (params: Record<string, string>, body: Buffer, contentType: string | undefined): RequestContext {
  const headers = new RequestHeaders()
  if (contentType !== undefined) headers.add('content-type', contentType)
  return {
    method: 'POST', path: '/api/v2/batch', params, query: new Query(''), headers, representation: { kind: 'json' }, requestId: 'test', user: 'anonymous', peer: () => '127.0.0.1',
    requester: { open: true },
    body: async () => body,
    websocket: false,
    reauthorize: () => {}
  }
}

test('the body goes to Kafka untouched in one produceBatch op, with the topic\'s partition count', async (t) => {
  const { route, kafka } = setUp()
  const body = Buffer.from('{"value":"a"}\n{"value":"b"}')
  const reply = await route('/api/v2/batch/:topic/:partition').handle(context({ topic: 't', partition: '2' }, body, 'application/x-ndjson'))
  t.deepEqual(reply, { status: 200, body: '{"results":[]}' })
  const batches = kafka.ops.filter((op) => op.op === 'produceBatch')
  t.like(batches, [{ op: 'produceBatch', topic: 't', partition: 2, partitionCount: 3, format: 'ndjson', maxRecords: 7, headers: [] }])
  t.is((batches[0] as { body: Buffer }).body, body, 'the same buffer: no copy, no decoding here')
})

test('the batch is handed to Kafka with its request, which the client checks for a connection gone', async (t) => {
  const { route, kafka } = setUp()
  const ctx = context({ topic: 't' }, Buffer.from('[{}]'), 'application/json')
  await route('/api/v2/batch/:topic').handle(ctx)
  const index = kafka.ops.findIndex((op) => op.op === 'produceBatch')
  t.true(index >= 0)
  t.is(kafka.requesters[index], ctx.requester)
})

test('unsupported media type → 415 without any Kafka call; x-message-headers is checked for binary batches', async (t) => {
  for (const contentType of [undefined, 'text/plain', 'application/octet-stream']) {
    const { route, kafka } = setUp()
    const error = await t.throwsAsync(async () => await route('/api/v2/batch/:topic').handle(context({ topic: 't' }, Buffer.from('[{}]'), contentType)))
    t.like(error, { status: 415, error: 'unsupported media type' }, String(contentType))
    t.deepEqual(kafka.ops, [])
  }
  const { route } = setUp()
  const ctx = context({ topic: 't' }, Buffer.alloc(8, 0xff), 'application/vnd.kastlex.batch')
  ctx.headers.add('x-message-headers', 'nope')
  t.like(await t.throwsAsync(async () => await route('/api/v2/batch/:topic').handle(ctx)), { status: 400 })
})
