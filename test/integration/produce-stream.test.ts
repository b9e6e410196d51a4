// The produce stream (SPEC §10.4a) against the real broker, inline (0 workers) and with a pool of 1: the
// handshake's HTTP refusals, frames answered in frame order with offsets a fetch then reads (frames of one read
// joined in ops of at most KASTLEX_BATCH_MAX_RECORDS records), per-frame
// refusals of bad framing with the stream going on, text frames closed 1003, frames too large closed 1009.
import test from 'ava'
import { encodeFramedRecords, type FramedRecord } from '../../src/batch/binary-framing.js'
import { permissionsEnvironment, startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { closeLine, refusalOf, StreamClient, type Answer } from '../helpers/produce-stream.js'

const MAX_RECORDS = 20
const MAX_BODY_BYTES = 64 * 1024
const gateways = new Map<string, Gateway>()

test.before(async () => {
  const onlyThisTopic = await permissionsEnvironment('anonymous:\n  fetch: all\n  produce: [only-this-topic]\n')
  const limits = { KASTLEX_BATCH_MAX_RECORDS: String(MAX_RECORDS), KASTLEX_MAX_BODY_BYTES: String(MAX_BODY_BYTES) }
  const [inline, pooled, restricted, fewSlots] = await Promise.all([
    startGateway({ KASTLEX_WORKERS: '0', ...limits }),
    startGateway({ KASTLEX_WORKERS: '1', ...limits }),
    startGateway({ KASTLEX_WORKERS: '0', ...onlyThisTopic }),
    startGateway({ KASTLEX_WORKERS: '0', KASTLEX_STREAM_MAX_CLIENTS: '3' })
  ])
  gateways.set('0 workers', inline as Gateway).set('1 worker', pooled as Gateway).set('restricted', restricted as Gateway).set('3 slots', fewSlots as Gateway)
})
test.after.always(async () => { await Promise.all([...gateways.values()].map(async (gateway) => await gateway.stop())) })

const MODES = ['0 workers', '1 worker'] as const
const url = (mode: string, path: string): string => (gateways.get(mode) as Gateway).url + path

/** The record at an offset, as v2 JSON. */
async function recordAt (mode: string, topic: string, partition: number, offset: number): Promise<Record<string, unknown>> {
  const res = await fetch(url(mode, `/api/v2/messages/${topic}/${partition}/${offset}`))
  const [message] = await res.json() as Array<Record<string, unknown>>
  return message as Record<string, unknown>
}

const text = (bytes: Buffer | null): string | null => bytes === null ? null : bytes.toString()

test('handshake refusals are ordinary HTTP answers: 426, 401, 403, 404, 400, token topic 403; KASTLEX_STREAM_MAX_CLIENTS → 503', async (t) => {
  const topic = await createTopic(t, 2)
  const plain = await fetch(url('0 workers', `/api/v2/produce/${topic}`))
  t.is(plain.status, 426)
  t.is(plain.headers.get('upgrade'), 'websocket')
  t.deepEqual(await plain.json(), { error: 'upgrade required' })
  const refused = async (path: string, headers: Record<string, string> = {}, mode = '0 workers'): Promise<unknown> => {
    const refusal = await refusalOf(url(mode, path), headers)
    return refusal === undefined ? 'accepted' : [refusal.status, JSON.parse(refusal.body)]
  }
  t.deepEqual(await refused(`/api/v2/produce/${topic}`, { authorization: 'Bearer not.a.token' }), [401, { error: 'Unauthenticated' }])
  t.deepEqual(await refused(`/api/v2/produce/${topic}?access_token=not.a.token`), [401, { error: 'Unauthenticated' }])
  t.deepEqual(await refused(`/api/v2/produce/${topic}`, {}, 'restricted'), [403, { error: 'Unauthorized' }])
  t.deepEqual(await refused('/api/v2/produce/_kastlex_tokens'), [403, { error: 'Unauthorized' }])
  t.deepEqual(await refused('/api/v2/produce/no-such-topic-for-the-stream'), [404, { error: 'unknown_topic_or_partition' }])
  t.deepEqual(await refused('/api/v2/produce/bad%20name'), [404, { error: 'unknown_topic_or_partition' }])
  t.deepEqual(await refused(`/api/v2/produce/${topic}/2`), [404, { error: 'unknown_topic_or_partition' }])
  t.deepEqual(await refused(`/api/v2/produce/${topic}/x`), [400, { error: 'invalid partition' }])
  t.deepEqual(await refused(`/api/v2/produce/${topic}/1`), 'accepted')
  const open = await Promise.all([1, 2, 3].map(async () => await StreamClient.open(url('3 slots', `/api/v2/produce/${topic}`))))
  t.deepEqual(await refused(`/api/v2/produce/${topic}`, {}, '3 slots'), [503, { error: 'too many streams' }])
  const metrics = await (await fetch(url('3 slots', '/metrics'))).text()
  t.regex(metrics, /^kastlex_streams_active\{transport="websocket"\} 3$/m)
  t.regex(metrics, /^kastlex_streams_active\{transport="sse"\} 0$/m)
  const first = open[0] as StreamClient
  first.close()
  await first.closeCode()
  // The slot is back once the close is through.
  let again: unknown
  for (let i = 0; i < 50 && again !== 'accepted'; i++) again = await refused(`/api/v2/produce/${topic}`, {}, '3 slots')
  t.is(again, 'accepted')
  for (const client of open) client.close()
})

for (const mode of MODES) {
  test(`${mode}: frames of several records sent in one write answered in frame order, offsets as a fetch reads them, per-partition order; joined in few ops`, async (t) => {
    const topic = await createTopic(t, 3)
    const client = await StreamClient.open(url(mode, `/api/v2/produce/${topic}`))
    t.teardown(() => client.close())
    const frames: FramedRecord[][] = Array.from({ length: 30 }, (_, f) => Array.from({ length: 1 + (f % 5) }, (_, r) => ({
      key: r === 0 && f % 2 === 0 ? null : Buffer.from(`key-${f % 4}`),
      value: Buffer.from(`frame ${f} record ${r} ` + 'x'.repeat(f * 10))
    })))
    client.sendAtOnce(frames.map(encodeFramedRecords))
    const answers = await client.answered(frames.length)
    t.deepEqual(answers.map((a) => a.seq), frames.map((_, f) => f), 'one answer per frame, in frame order')
    const lastOffset = new Map<number, number>()
    for (const [f, frame] of frames.entries()) {
      const results = (answers[f] as Answer).results ?? []
      t.is(results.length, frame.length)
      for (const [r, result] of results.entries()) {
        const record = frame[r] as FramedRecord
        const partition = result.partition as number
        const offset = result.offset as number
        t.true(offset > (lastOffset.get(partition) ?? -1), 'a partition\'s offsets grow in frame and record order')
        lastOffset.set(partition, offset)
        const message = await recordAt(mode, topic, partition, offset)
        t.is(message.offset, offset)
        t.is(message.key, text(record.key))
        t.is(message.value, text(record.value))
      }
    }
    t.is(client.closed, undefined)
    const total = frames.reduce((n, frame) => n + frame.length, 0)
    const metrics = await (await fetch(url(mode, '/metrics'))).text()
    t.true(metrics.includes(`kastlex_produced_records_total{topic="${topic}"} ${total}\n`), 'counted like batch records')
    client.close()
    const closed = await closeLine(gateways.get(mode) as Gateway, topic)
    t.is(closed.frames, frames.length)
    // 90 records in frames of 1–5 joined up to MAX_RECORDS (20) each: at least 5 ops, at most 7 (each op but the
    // last holds over 15), or a few more where a read ended between frames.
    const ops = closed.produce_ops as number
    t.true(ops >= Math.ceil(total / MAX_RECORDS) && ops <= 12, `frames of one read joined: ${ops} ops for ${frames.length} frames`)
  })

  test(`${mode}: concurrent streams, each writing bursts of frames at once: every answer names exactly its own records`, async (t) => {
    const topic = await createTopic(t, 3)
    const CLIENTS = 8
    const BURSTS = 3
    const clients = await Promise.all(Array.from({ length: CLIENTS }, async () => await StreamClient.open(url(mode, `/api/v2/produce/${topic}`))))
    t.teardown(() => { for (const client of clients) client.close() })
    // Value `c<client> f<frame> r<record>`: an answer pointing at any other record (another frame's, another
    // stream's) is caught when the offset is read back. Frames of 1–7 records; a burst passes MAX_RECORDS (20).
    const sent = clients.map(() => [] as string[][])
    await Promise.all(clients.map(async (client, c) => {
      for (let burst = 0; burst < BURSTS; burst++) {
        const frames = Array.from({ length: 10 }, (_, i) => {
          const f = burst * 10 + i
          return Array.from({ length: 1 + ((c + f) % 7) }, (_, r) => `c${c} f${f} r${r}`)
        })
        sent[c]?.push(...frames)
        client.sendAtOnce(frames.map((values) => encodeFramedRecords(values.map((value) => ({ key: null, value: Buffer.from(value) })))))
        await client.answered((burst + 1) * 10)
      }
    }))
    for (const [c, client] of clients.entries()) {
      const frames = sent[c] as string[][]
      t.deepEqual(client.answers.map((a) => a.seq), frames.map((_, f) => f), `stream ${c}: closed ${JSON.stringify(client.closed)}, error ${client.error}`)
      for (const [f, values] of frames.entries()) {
        const results = (client.answers[f] as Answer).results ?? []
        t.is(results.length, values.length, `stream ${c} frame ${f}: one result per record`)
        const read = await Promise.all(results.map(async (result) => (await recordAt(mode, topic, result.partition as number, result.offset as number)).value))
        t.deepEqual(read, values, `stream ${c} frame ${f}: the answered offsets hold its records`)
      }
    }
  })

  test(`${mode}: a path partition takes every record; bad frames answered 400/413 with nothing produced, the stream goes on`, async (t) => {
    const topic = await createTopic(t, 2)
    const client = await StreamClient.open(url(mode, `/api/v2/produce/${topic}/1`))
    t.teardown(() => client.close())
    const good = encodeFramedRecords([{ key: Buffer.from('a'), value: Buffer.from('one') }])
    const tooMany = encodeFramedRecords(Array.from({ length: MAX_RECORDS + 1 }, () => ({ key: null, value: Buffer.from('v') })))
    const announcingMore = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0x10, 0]), Buffer.from('short')])
    client.send(good)
    client.send(Buffer.alloc(0))
    client.send(announcingMore)
    client.send(Buffer.from([1, 2, 3]))
    client.send(tooMany)
    client.send(good)
    const answers = await client.answered(6)
    t.deepEqual(answers.map((a) => a.seq), [0, 1, 2, 3, 4, 5])
    t.deepEqual(answers[1], { seq: 1, error: 'invalid body: empty', status: 400 })
    t.deepEqual(answers[2], { seq: 2, error: 'invalid body: record 0 cut short in its value (4096 bytes announced, 5 left)', status: 400 })
    t.like(answers[3], { seq: 3, status: 400 })
    t.deepEqual(answers[4], { seq: 4, error: 'too many records', status: 413 })
    const [first, last] = [answers[0]?.results?.[0], answers[5]?.results?.[0]]
    t.is(first?.partition, 1)
    t.is(last?.partition, 1)
    t.is(last?.offset, (first?.offset as number) + 1, 'nothing of the refused frames was produced')
  })

  test(`${mode}: a text frame closes the stream 1003 once the frames before it are answered`, async (t) => {
    const topic = await createTopic(t)
    const client = await StreamClient.open(url(mode, `/api/v2/produce/${topic}`))
    client.send(encodeFramedRecords([{ key: null, value: Buffer.from('before') }]))
    client.send('{"not":"binary"}')
    const closed = await client.closeCode()
    t.is(closed.code, 1003)
    t.deepEqual(client.answers.map((a) => a.seq), [0])
    t.is(client.answers[0]?.results?.[0]?.offset, 0)
  })

  test(`${mode}: a frame over KASTLEX_MAX_BODY_BYTES closes the stream 1009`, async (t) => {
    const topic = await createTopic(t)
    const client = await StreamClient.open(url(mode, `/api/v2/produce/${topic}`))
    client.send(encodeFramedRecords([{ key: null, value: Buffer.alloc(MAX_BODY_BYTES, 'x') }]))
    t.is((await client.closeCode()).code, 1009)
  })
}
