// Batch produce against the real broker (SPEC §10.4, §10.6a), inline (0 workers) and with a pool of 2:
// records readable at the offsets answered, request order kept per partition, all-or-nothing refusals.
import test from 'ava'
import { encodeFramedRecords } from '../../src/batch/binary-framing.js'
import { permissionsEnvironment, startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const MAX_RECORDS = 50
const TOKEN_TOPIC = '_kastlex_tokens'
const gateways = new Map<string, Gateway>()

test.before(async () => {
  // May fetch everything, produce to one topic only.
  const onlyThisTopic = await permissionsEnvironment('anonymous:\n  fetch: all\n  show_offsets: all\n  produce: [only-this-topic]\n')
  const [inline, pooled, restricted] = await Promise.all([
    startGateway({ KASTLEX_WORKERS: '0', KASTLEX_BATCH_MAX_RECORDS: String(MAX_RECORDS) }),
    startGateway({ KASTLEX_WORKERS: '2', KASTLEX_BATCH_MAX_RECORDS: String(MAX_RECORDS) }),
    startGateway({ KASTLEX_WORKERS: '0', ...onlyThisTopic })
  ])
  gateways.set('0 workers', inline as Gateway).set('2 workers', pooled as Gateway).set('restricted', restricted as Gateway)
})
test.after.always(async () => { await Promise.all([...gateways.values()].map(async (gateway) => await gateway.stop())) })

const MODES = ['0 workers', '2 workers'] as const

interface Result { partition?: number, offset?: number, error?: string, status?: number }

async function batch (mode: string, path: string, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch((gateways.get(mode) as Gateway).url + path, { method: 'POST', body, headers: { 'content-type': contentType, ...headers } })
}

async function results (res: Response): Promise<Result[]> {
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${res.status} ${text}`)
  return (JSON.parse(text) as { results: Result[] }).results
}

/** The record at an offset, as v2 JSON. */
async function recordAt (mode: string, topic: string, partition: number, offset: number): Promise<Record<string, unknown>> {
  const res = await fetch(`${(gateways.get(mode) as Gateway).url}/api/v2/messages/${topic}/${partition}/${offset}`)
  const [message] = await res.json() as Array<Record<string, unknown>>
  return message as Record<string, unknown>
}

/** Every partition's latest offset: 0 everywhere = nothing was produced. */
async function latestOffsets (mode: string, topic: string, partitions: number): Promise<number[]> {
  return await Promise.all(Array.from({ length: partitions }, async (_, p) => {
    const res = await fetch(`${(gateways.get(mode) as Gateway).url}/api/v1/offsets/${topic}/${p}`)
    return (await res.json() as { offset: number }).offset
  }))
}

for (const mode of MODES) {
  test(`${mode}: binary framing: records readable at the answered offsets with keys, values and x-message-headers`, async (t) => {
    const topic = await createTopic(t, 6)
    const records = [
      { key: Buffer.from('foobar'), value: Buffer.from([0, 1, 0xff]) },
      { key: null, value: Buffer.from('no key') },
      { key: Buffer.from('abc'), value: null },
      { key: Buffer.from('foobar'), value: Buffer.alloc(1024, 'x') }
    ]
    const res = await batch(mode, `/api/v2/batch/${topic}`, 'application/vnd.kastlex.batch', encodeFramedRecords(records), { 'x-message-headers': '{"h":"v","n":1}' })
    t.is(res.headers.get('content-type'), 'application/json; charset=utf-8')
    const answered = await results(res)
    t.is(answered.length, 4)
    // murmur2 placement as SPEC §4.7 (with 6 partitions: foobar → 0, abc → 3).
    t.is(answered[0]?.partition, 0)
    t.is(answered[2]?.partition, 3)
    t.is(answered[3]?.partition, 0)
    t.true((answered[3]?.offset as number) > (answered[0]?.offset as number), 'same partition: request order')
    for (const [index, result] of answered.entries()) {
      const message = await recordAt(mode, topic, result.partition as number, result.offset as number)
      const record = records[index] as (typeof records)[number]
      t.is(message.offset, result.offset)
      t.deepEqual(message.headers, { h: 'v', n: '1' })
      t.is(message.key, record.key === null ? null : record.key.toString())
      if (record.value === null) t.is(message.value, null)
      else if (index === 0) t.like(message, { value: record.value.toString('base64'), value_encoding: 'base64' })
      else t.is(message.value, record.value.toString())
    }
  })

  test(`${mode}: JSON array: text and base64, record partitions, headers per record`, async (t) => {
    const topic = await createTopic(t, 2)
    const body = JSON.stringify([
      { key: 'k', value: 'first', partition: 1, headers: { a: 'x', b: 2 } },
      { key: '/w==', key_encoding: 'base64', value: '//4=', value_encoding: 'base64', partition: 0 },
      { value: null, partition: 1 }
    ])
    const answered = await results(await batch(mode, `/api/v2/batch/${topic}`, 'application/json; charset=utf-8', body))
    t.deepEqual(answered, [{ partition: 1, offset: 0 }, { partition: 0, offset: 0 }, { partition: 1, offset: 1 }])
    t.like(await recordAt(mode, topic, 1, 0), { key: 'k', value: 'first', headers: { a: 'x', b: '2' } })
    t.like(await recordAt(mode, topic, 0, 0), { key: '/w==', key_encoding: 'base64', value: '//4=', value_encoding: 'base64', headers: {} })
    t.like(await recordAt(mode, topic, 1, 1), { key: null, value: null })
  })

  test(`${mode}: NDJSON with blank lines, to the path's partition, in request order`, async (t) => {
    const topic = await createTopic(t, 2)
    const lines = Array.from({ length: MAX_RECORDS }, (_, i) => JSON.stringify({ key: `k${i % 7}`, value: `v${i}` }))
    const body = `\n${lines.join('\n\n  \r\n')}\n`
    const answered = await results(await batch(mode, `/api/v2/batch/${topic}/1`, 'application/x-ndjson', body))
    t.deepEqual(answered, lines.map((_, i) => ({ partition: 1, offset: i })))
    const fetched = await fetch(`${(gateways.get(mode) as Gateway).url}/api/v2/messages/${topic}/1/0?max_bytes=1000000`)
    const messages = await fetched.json() as Array<{ value: string, offset: number }>
    t.deepEqual(messages.map((m) => m.value), lines.map((_, i) => `v${i}`))
    t.deepEqual(await latestOffsets(mode, topic, 2), [0, MAX_RECORDS])
  })

  test(`${mode}: records of one partition keep request order across concurrent batches`, async (t) => {
    const topic = await createTopic(t, 3)
    const batches = await Promise.all(Array.from({ length: 4 }, async (_, b) => {
      const records = Array.from({ length: 40 }, (_, i) => ({ key: Buffer.from(`key-${i % 5}`), value: Buffer.from(`${b}:${i}`) }))
      return { records, answered: await results(await batch(mode, `/api/v2/batch/${topic}`, 'application/vnd.kastlex.batch', encodeFramedRecords(records))) }
    }))
    for (const { records, answered } of batches) {
      t.is(answered.length, records.length)
      const lastOffset = new Map<number, number>()
      for (const [i, result] of answered.entries()) {
        const previous = lastOffset.get(result.partition as number)
        t.true(result.offset as number > (previous ?? -1),
          `record ${i} answered ${JSON.stringify(result)}, the previous one of its partition offset ${previous ?? 'none'}; all answered: ${JSON.stringify(answered)}`)
        lastOffset.set(result.partition as number, result.offset as number)
      }
      const sample = answered[17] as Result
      t.is((await recordAt(mode, topic, sample.partition as number, sample.offset as number)).value, (records[17]?.value as Buffer).toString())
    }
  })

  test(`${mode}: 16 concurrent clients, batches of 1–50 records at random partitions: every answer names exactly its own record`, async (t) => {
    const PARTITIONS = 4
    const topic = await createTopic(t, PARTITIONS)
    // Value `c<client> b<batch> r<record>`: an answer naming any other record (another batch's, another client's,
    // a neighbour in the same batch) is caught below, where every partition is read back whole.
    const answers = await Promise.all(Array.from({ length: 16 }, async (_, c) => {
      const mine: Array<{ value: string, result: Result }> = []
      for (let b = 0; b < 4; b++) {
        const records = Array.from({ length: 1 + Math.floor(Math.random() * MAX_RECORDS) }, (_, r) => ({
          key: Math.random() < 0.3 ? null : Buffer.from(`k${Math.floor(Math.random() * 1000)}`),
          value: Buffer.from(`c${c} b${b} r${r}`)
        }))
        const answered = await results(await batch(mode, `/api/v2/batch/${topic}`, 'application/vnd.kastlex.batch', encodeFramedRecords(records)))
        t.is(answered.length, records.length)
        answered.forEach((result, r) => mine.push({ value: `c${c} b${b} r${r}`, result }))
      }
      return mine
    }))
    const log = new Map<string, string>()
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const [end] = await latestOffsets(mode, topic, partition + 1).then((offsets) => offsets.slice(partition))
      for (let offset = 0; offset < (end as number);) {
        const res = await fetch(`${(gateways.get(mode) as Gateway).url}/api/v2/messages/${topic}/${partition}/${offset}?max_bytes=1000000`)
        const messages = await res.json() as Array<{ offset: number, value: string }>
        for (const message of messages) log.set(`${partition}:${message.offset}`, message.value)
        offset = (messages.at(-1)?.offset ?? offset) + 1
      }
    }
    const all = answers.flat()
    t.is(log.size, all.length, 'the log holds exactly the records answered')
    for (const { value, result } of all) t.is(log.get(`${result.partition as number}:${result.offset as number}`), value)
  })

  test(`${mode}: refusals produce nothing: 400 invalid record, 400 framing, 404 partition, 413 too many, 415`, async (t) => {
    const topic = await createTopic(t, 2)
    const refusals: ReadonlyArray<readonly [string, string, string | Buffer, number, string]> = [
      [`/api/v2/batch/${topic}`, 'application/json', '[{"value":"ok"},{"value":5}]', 400, 'invalid record 1: value is not a string or null'],
      [`/api/v2/batch/${topic}`, 'application/x-ndjson', '{"value":"ok"}\n{"value":"ok","offset":1}', 400, 'invalid record 1: unknown member "offset"'],
      [`/api/v2/batch/${topic}`, 'application/json', '[]', 400, 'invalid body: empty'],
      [`/api/v2/batch/${topic}`, 'application/x-ndjson', '\n \n', 400, 'invalid body: empty'],
      [`/api/v2/batch/${topic}`, 'application/vnd.kastlex.batch', Buffer.concat([encodeFramedRecords([{ key: null, value: Buffer.from('ok') }]), Buffer.from([0, 0, 0, 9, 1])]), 400, 'invalid body: record 1 cut short in its key (9 bytes announced, 1 left)'],
      [`/api/v2/batch/${topic}`, 'application/vnd.kastlex.batch', Buffer.from([0xff, 0xff, 0xff, 0xfe]), 400, 'invalid body: record 0 has key length -2'],
      [`/api/v2/batch/${topic}/0`, 'application/json', '[{"value":"ok"},{"partition":1}]', 400, "invalid record 1: partition is not the path's 0"],
      [`/api/v2/batch/${topic}`, 'application/json', '[{"value":"ok"},{"partition":2}]', 404, 'unknown_topic_or_partition'],
      [`/api/v2/batch/${topic}/2`, 'application/json', '[{"value":"ok"}]', 404, 'unknown_topic_or_partition'],
      [`/api/v2/batch/${topic}/-1`, 'application/json', '[{"value":"ok"}]', 404, 'unknown_topic_or_partition'],
      [`/api/v2/batch/${topic}`, 'application/json', JSON.stringify(Array.from({ length: MAX_RECORDS + 1 }, () => ({ value: 'ok' }))), 413, 'too many records'],
      [`/api/v2/batch/${topic}`, 'text/plain', '[{"value":"ok"}]', 415, 'unsupported media type'],
      [`/api/v2/batch/${topic}/x`, 'application/json', '[{"value":"ok"}]', 400, 'invalid partition'],
      [`/api/v2/batch/${topic}`, 'application/vnd.kastlex.batch', encodeFramedRecords([{ key: null, value: Buffer.from('ok') }]), 400, 'invalid x-message-headers: not a JSON object']
    ]
    for (const [path, contentType, body, status, error] of refusals) {
      const headers: Record<string, string> = error.startsWith('invalid x-message-headers') ? { 'x-message-headers': '[1]' } : {}
      const res = await batch(mode, path, contentType, body, headers)
      t.is(res.status, status, `${contentType} ${String(body).slice(0, 40)}`)
      t.deepEqual(await res.json(), { error }, `${contentType} ${String(body).slice(0, 40)}`)
    }
    t.deepEqual(await latestOffsets(mode, topic, 2), [0, 0], 'nothing produced')
  })

  test(`${mode}: a record the broker refuses gets its error and status in the results (200 for the batch)`, async (t) => {
    const topic = await createTopic(t, 1, { 'max.message.bytes': '2048' })
    const records = [{ key: null, value: Buffer.from('small') }, { key: null, value: Buffer.alloc(8192, 'x') }, { key: null, value: Buffer.from('after') }]
    const answered = await results(await batch(mode, `/api/v2/batch/${topic}/0`, 'application/vnd.kastlex.batch', encodeFramedRecords(records)))
    t.deepEqual(answered[1], { error: 'message_too_large', status: 413 })
    // Records that librdkafka put into the same Kafka batch as the refused one share its fate (README, Known limits).
    for (const index of [0, 2]) {
      const result = answered[index] as Result
      if (result.error !== undefined) t.deepEqual(result, { error: 'message_too_large', status: 413 })
      else t.is((await recordAt(mode, topic, 0, result.offset as number)).value, (records[index]?.value as Buffer).toString())
    }
  })

  test(`${mode}: unknown topic → 404 (after the body checks), a name that cannot exist → 404`, async (t) => {
    const missing = `no-such-topic-${Date.now()}`
    for (const path of [`/api/v2/batch/${missing}`, `/api/v2/batch/${missing}/0`, '/api/v2/batch/a%20b']) {
      const res = await batch(mode, path, 'application/json', '[{"value":"x"}]')
      t.is(res.status, 404, path)
      t.deepEqual(await res.json(), { error: 'unknown_topic_or_partition' }, path)
    }
    t.is((await batch(mode, `/api/v2/batch/${missing}`, 'application/json', '[{"nope":1}]')).status, 400, 'the body is judged first (SPEC §2.4)')
  })
}

test('403 without the produce permission on the topic, and on the token storage topic whatever the permissions', async (t) => {
  const topic = await createTopic(t, 1)
  for (const path of [`/api/v2/batch/${topic}`, `/api/v2/batch/${topic}/0`]) {
    const res = await batch('restricted', path, 'application/json', '[{"value":"x"}]')
    t.is(res.status, 403, path)
    t.deepEqual(await res.json(), { error: 'Unauthorized' })
  }
  t.deepEqual(await latestOffsets('restricted', topic, 1), [0], 'nothing produced')
  for (const mode of MODES) {
    const res = await batch(mode, `/api/v2/batch/${TOKEN_TOPIC}`, 'application/json', '[{"value":"x"}]')
    t.is(res.status, 403, `${mode}: token topic`)
  }
})
