// Produce and fetch through a pooled gateway against the real broker (SPEC §4.7, §4.8, §5).
import test from 'ava'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'
import { writeTransactions } from '../helpers/transactions.js'

const gateway = gatewayPerFile(test)
const url = (path: string): string => gateway().url + path

async function produce (path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch(url(path), { method: 'POST', body, headers: { 'content-type': 'application/binary', ...headers } })
}

test('a record produced is fetched at the offset the 204 reported, as v2 JSON', async (t) => {
  const topic = await createTopic(t)
  const res = await produce(`/api/v2/messages/${topic}?key=k1`, 'hello', { 'x-message-headers': '{"b":"2","a":1.50}' })
  t.is(res.status, 204)
  t.is(res.headers.get('content-type'), null)
  t.is(res.headers.get('x-kafka-partition'), '0')
  t.is(res.headers.get('x-message-offset'), '0')
  t.truthy(res.headers.get('x-request-id'))
  t.is(await res.text(), '')

  const fetched = await fetch(url(`/api/v2/messages/${topic}/0/0`))
  t.is(fetched.status, 200)
  t.is(fetched.headers.get('x-high-wm-offset'), '1')
  t.is(fetched.headers.get('cache-control'), 'max-age=0, private, must-revalidate')
  const [message] = await fetched.json() as Array<Record<string, unknown>>
  t.like(message, { value: 'hello', key: 'k1', offset: 0, ts_type: 'create', headers: { a: '1.5', b: '2' } })
  t.true(typeof message?.ts === 'number' && Math.abs((message.ts as number) - Date.now()) < 60_000)
})

test('v1 JSON envelope and the default offset `last`', async (t) => {
  const topic = await createTopic(t)
  for (const value of ['one', 'two']) t.is((await produce(`/api/v1/messages/${topic}/0`, value)).status, 204)
  const res = await fetch(url(`/api/v1/messages/${topic}/0`))
  t.is(res.status, 200)
  t.deepEqual(await res.json(), {
    size: null,
    highWmOffset: 2,
    error_code: 'no_error',
    messages: [{ value: 'two', key: null, offset: 1, ts_type: 'create', ts: (await lastTs(topic)), headers: {} }]
  })
})

async function lastTs (topic: string): Promise<number> {
  const [message] = await (await fetch(url(`/api/v2/messages/${topic}/0/-1`))).json() as Array<{ ts: number }>
  return message?.ts as number
}

test('binary representation: raw value, key and headers in x-message-*', async (t) => {
  const topic = await createTopic(t)
  const value = Buffer.from([0, 1, 2, 0xff, 0xfe])
  t.is((await produce(`/api/v2/messages/${topic}/0?key=%FFa%20b`, value, { 'x-message-headers': '{"h":"\\u00e9"}' })).status, 204)
  for (const accept of ['application/binary', 'application/octet-stream']) {
    const res = await fetch(url(`/api/v1/messages/${topic}/0/0`), { headers: { accept } })
    t.is(res.status, 200)
    t.is(res.headers.get('content-type'), `${accept}; charset=utf-8`)
    t.deepEqual(Buffer.from(await res.arrayBuffer()), value)
    t.is(res.headers.get('x-message-offset'), '0')
    t.is(res.headers.get('x-message-key'), '%FFa%20b')
    t.is(res.headers.get('x-message-headers'), '{"h":"\\u00e9"}')
    t.is(res.headers.get('x-message-ts-type'), ':create')
    t.regex(res.headers.get('x-message-ts') ?? '', /^[0-9]+$/)
    t.is(res.headers.get('x-high-wm-offset'), '1')
  }
})

test('non-UTF-8 key and value come back as base64 in JSON; an empty body is a null value', async (t) => {
  const topic = await createTopic(t)
  t.is((await produce(`/api/v2/messages/${topic}/0?key=%C3%28`, Buffer.from([0xc3, 0x28]))).status, 204)
  t.is((await produce(`/api/v2/messages/${topic}/0`, '')).status, 204)
  const messages = await (await fetch(url(`/api/v2/messages/${topic}/0/0`))).json() as Array<Record<string, unknown>>
  t.like(messages[0], { key: 'wyg=', key_encoding: 'base64', value: 'wyg=', value_encoding: 'base64' })
  t.like(messages[1], { key: null, value: null, offset: 1 })
  t.false('value_encoding' in (messages[1] as object))

  const binary = await fetch(url(`/api/v2/messages/${topic}/0/1`), { headers: { accept: 'application/binary' } })
  t.is(binary.status, 200)
  t.is((await binary.arrayBuffer()).byteLength, 0)
  t.is(binary.headers.get('x-message-key'), null)
})

test('keyed records are placed by murmur2 like the Java client', async (t) => {
  const topic = await createTopic(t, 6)
  const expected: Record<string, string> = { foobar: '0', abc: '3', 'a-little-bit-longer-string': '5' }
  for (const [key, partition] of Object.entries(expected)) {
    const res = await produce(`/api/v2/messages/${topic}?key=${key}`, 'x')
    t.is(res.status, 204)
    t.is(res.headers.get('x-kafka-partition'), partition, key)
  }
})

test('offset forms: exact, negative, earliest, latest, and 416 outside the log', async (t) => {
  const topic = await createTopic(t)
  for (let i = 0; i < 5; i++) await produce(`/api/v2/messages/${topic}/0`, `v${i}`)
  const values = async (path: string): Promise<string[]> => {
    const res = await fetch(url(path))
    const body = await res.json() as Array<{ value: string }>
    t.is(res.status, 200, `${path}: ${JSON.stringify(body)}`)
    return body.map((m) => m.value)
  }

  t.deepEqual(await values(`/api/v2/messages/${topic}/0/3`), ['v3', 'v4'])
  t.deepEqual(await values(`/api/v2/messages/${topic}/0?offset=3`), ['v3', 'v4'])
  t.deepEqual(await values(`/api/v2/messages/${topic}/0/-2`), ['v3', 'v4'])
  t.deepEqual(await values(`/api/v2/messages/${topic}/0/-1`), ['v4'])
  t.deepEqual(await values(`/api/v2/messages/${topic}/0/last`), ['v4'])
  t.deepEqual(await values(`/api/v2/messages/${topic}/0/earliest`), ['v0', 'v1', 'v2', 'v3', 'v4'])
  t.deepEqual(await values(`/api/v2/messages/${topic}/0/latest?max_wait_time=0`), [])
  t.deepEqual(await values(`/api/v2/messages/${topic}/0/5?max_wait_time=50`), [])

  for (const offset of ['6', '-6']) {
    const res = await fetch(url(`/api/v2/messages/${topic}/0/${offset}`))
    t.is(res.status, 416, offset)
    t.deepEqual(await res.json(), { error: 'offset_out_of_range', earliest: 0, latest: 5 })
  }
})

test('`last` on an empty partition is an empty result, also in binary', async (t) => {
  const topic = await createTopic(t)
  const json = await fetch(url(`/api/v2/messages/${topic}/0`))
  t.is(json.status, 200)
  t.deepEqual(await json.json(), [])
  const binary = await fetch(url(`/api/v2/messages/${topic}/0/last`), { headers: { accept: 'application/binary' } })
  t.is(binary.status, 200)
  t.is((await binary.arrayBuffer()).byteLength, 0)
  t.is(binary.headers.get('x-message-offset'), null)
})

test('long poll: `latest` waits for a record produced meanwhile; max_bytes bounds the answer', async (t) => {
  const topic = await createTopic(t)
  const waiting = fetch(url(`/api/v2/messages/${topic}/0/latest?max_wait_time=10000`))
  // The fetch resolves `latest` = 0 before this produce lands, or after it (then reads at 1): either way
  // it must answer with what arrives, not wait 10 s. Produce until it answers.
  let produced = 0
  let answered = false
  void waiting.then(() => { answered = true })
  const started = Date.now()
  while (!answered && Date.now() - started < 8000) {
    await produce(`/api/v2/messages/${topic}/0`, `r${produced++}`)
    await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, 200))])
  }
  const res = await waiting
  t.true(Date.now() - started < 8000)
  t.is(res.status, 200)
  t.true((await res.json() as unknown[]).length >= 1)

  for (let i = 0; i < 5; i++) await produce(`/api/v2/messages/${topic}/0`, 'x'.repeat(1000))
  const bounded = await (await fetch(url(`/api/v2/messages/${topic}/0/earliest?max_bytes=2500`))).json() as unknown[]
  t.true(bounded.length >= 1 && bounded.length < produced + 5, `got ${bounded.length}`)
  const one = await (await fetch(url(`/api/v2/messages/${topic}/0/earliest?max_bytes=1`))).json() as unknown[]
  t.is(one.length, 1, 'at least one record, as Kafka does')
})

test('min_bytes waits for enough data until max_wait_time', async (t) => {
  const topic = await createTopic(t)
  await produce(`/api/v2/messages/${topic}/0`, 'small')
  const started = Date.now()
  const res = await fetch(url(`/api/v2/messages/${topic}/0/0?min_bytes=100000&max_wait_time=300`))
  const elapsed = Date.now() - started
  t.is(res.status, 200)
  t.is((await res.json() as unknown[]).length, 1)
  t.true(elapsed >= 280, `answered after ${elapsed} ms`)
})

test('min_bytes above max_bytes counts as max_bytes: answered as soon as max_bytes are there', async (t) => {
  const topic = await createTopic(t)
  await produce(`/api/v2/messages/${topic}/0`, 'x'.repeat(100))
  const started = Date.now()
  const res = await fetch(url(`/api/v2/messages/${topic}/0/0?min_bytes=100000&max_bytes=50&max_wait_time=10000`))
  t.is(res.status, 200)
  t.is((await res.json() as unknown[]).length, 1)
  t.true(Date.now() - started < 5000, `answered after ${Date.now() - started} ms, not after max_wait_time`)
})

test('many long polls of one partition at the end of the log do not hold up a read of its records', async (t) => {
  const topic = await createTopic(t)
  for (let i = 0; i < 3; i++) await produce(`/api/v2/messages/${topic}/0`, `n${i}`)
  const polls = Array.from({ length: 8 }, async () => await fetch(url(`/api/v2/messages/${topic}/0/3?min_bytes=2147483647&max_wait_time=8000`)))
  const started = Date.now()
  const messages = await (await fetch(url(`/api/v2/messages/${topic}/0/0?max_wait_time=0`))).json() as Array<{ value: string }>
  t.deepEqual(messages.map((m) => m.value), ['n0', 'n1', 'n2'])
  // Held up behind the polls, it would answer after their 8 s; the margin is for a loaded machine (3.7 s seen).
  t.true(Date.now() - started < 6000, `answered after ${Date.now() - started} ms`)
  for (const poll of await Promise.all(polls)) t.is(poll.status, 200)
})

test('50 concurrent produces are each readable at the offset reported, with their own key, headers and partition', async (t) => {
  const topic = await createTopic(t, 3)
  const results = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
    // a third go to a partition of the path; every other one carries headers of its own
    const path = i % 3 === 0 ? `/api/v2/messages/${topic}/${i % 2}` : `/api/v2/messages/${topic}`
    const res = await produce(`${path}?key=key-${i}`, `value-${i}`, i % 2 === 0 ? { 'x-message-headers': JSON.stringify({ i: `h-${i}` }) } : {})
    t.is(res.status, 204)
    if (i % 3 === 0) t.is(res.headers.get('x-kafka-partition'), String(i % 2))
    return { i, partition: res.headers.get('x-kafka-partition'), offset: res.headers.get('x-message-offset') }
  }))
  const seen = new Set<string>()
  for (const { i, partition, offset } of results) {
    t.false(seen.has(`${partition}/${offset}`), 'offsets are unique')
    seen.add(`${partition}/${offset}`)
    const [message] = await (await fetch(url(`/api/v2/messages/${topic}/${partition}/${offset}`))).json() as Array<{ value: string, key: string, headers: Record<string, string> }>
    t.deepEqual({ value: message?.value, key: message?.key, headers: message?.headers }, { value: `value-${i}`, key: `key-${i}`, headers: i % 2 === 0 ? { i: `h-${i}` } : {} })
  }
})

test('a sequential reader walks a partition without gaps', async (t) => {
  const topic = await createTopic(t)
  for (let i = 0; i < 30; i++) await produce(`/api/v2/messages/${topic}/0`, `n${i}`)
  const read: string[] = []
  let offset = 0
  while (read.length < 30) {
    const messages = await (await fetch(url(`/api/v2/messages/${topic}/0/${offset}?max_bytes=100`))).json() as Array<{ value: string, offset: number }>
    t.true(messages.length > 0)
    for (const m of messages) read.push(m.value)
    offset = (messages.at(-1)?.offset ?? offset) + 1
  }
  t.deepEqual(read, Array.from({ length: 30 }, (_, i) => `n${i}`))
})

test('a reader whose answer was lost asks for the same offset again and gets the same records, then goes on', async (t) => {
  const topic = await createTopic(t)
  for (let i = 0; i < 6; i++) await produce(`/api/v2/messages/${topic}/0`, `n${i}`)
  const binary = async (offset: number): Promise<[string | null, string]> => {
    const res = await fetch(url(`/api/v2/messages/${topic}/0/${offset}`), { headers: { accept: 'application/binary' } })
    return [res.headers.get('x-message-offset'), await res.text()]
  }
  const json = async (offset: number): Promise<string[]> =>
    ((await (await fetch(url(`/api/v2/messages/${topic}/0/${offset}?max_bytes=2`))).json()) as Array<{ value: string }>).map((m) => m.value)
  t.deepEqual(await binary(0), ['0', 'n0'])
  t.deepEqual(await binary(1), ['1', 'n1'])
  t.deepEqual(await binary(1), ['1', 'n1'], 'the same offset again')
  t.deepEqual(await binary(2), ['2', 'n2'])
  t.deepEqual(await json(3), ['n3'])
  t.deepEqual(await json(3), ['n3'], 'the same JSON answer again')
  t.deepEqual(await json(4), ['n4'])
  t.deepEqual(await json(5), ['n5'])
})

test('random access re-positions the partition: every answer starts at the offset asked, without gaps', async (t) => {
  const topic = await createTopic(t)
  for (let i = 0; i < 40; i++) await produce(`/api/v2/messages/${topic}/0`, `n${i}`)
  const offsets = [35, 3, 17, 17, 0, 39, 12, 25, 4, 30, 8, 21, 1, 38, 10]
  for (const offset of offsets) {
    const messages = await (await fetch(url(`/api/v2/messages/${topic}/0/${offset}?max_bytes=60`))).json() as Array<{ value: string, offset: number }>
    t.true(messages.length >= 1, `offset ${offset}`)
    t.deepEqual(messages.map((m) => m.offset), messages.map((_, i) => offset + i), `offset ${offset}`)
    t.deepEqual(messages.map((m) => m.value), messages.map((_, i) => `n${offset + i}`), `offset ${offset}`)
  }
})

test('a reader that reached the end and starts again at 0 gets records at once, not the old end', async (t) => {
  const topic = await createTopic(t)
  for (let i = 0; i < 20; i++) await produce(`/api/v2/messages/${topic}/0`, `n${i}`)
  const read = async (offset: number): Promise<Array<{ value: string, offset: number }>> =>
    await (await fetch(url(`/api/v2/messages/${topic}/0/${offset}?max_wait_time=0&max_bytes=100`))).json() as Array<{ value: string, offset: number }>
  for (let round = 0; round < 5; round++) {
    let offset = 0
    for (;;) {
      const messages = await read(offset)
      if (messages.length === 0) break
      offset = (messages.at(-1) as { offset: number }).offset + 1
    }
    t.is(offset, 20, `round ${round}: read to the end`)
    t.deepEqual((await read(0)).slice(0, 1).map((m) => m.value), ['n0'], `round ${round}: offset 0 again`)
  }
})

test('records written after a read are answered to the next read of the same offset, with the new high watermark', async (t) => {
  const topic = await createTopic(t)
  const read = async (): Promise<{ offsets: number[], highWatermark: string | null }> => {
    const res = await fetch(url(`/api/v2/messages/${topic}/0/0?max_wait_time=0&max_bytes=100000`))
    return { offsets: (await res.json() as Array<{ offset: number }>).map((m) => m.offset), highWatermark: res.headers.get('x-high-wm-offset') }
  }
  for (let written = 1; written <= 4; written++) {
    t.is((await produce(`/api/v2/messages/${topic}/0`, `n${written}`)).status, 204)
    t.deepEqual(await read(), { offsets: Array.from({ length: written }, (_, i) => i), highWatermark: String(written) }, `after ${written} written`)
  }
})

test('read_committed: records of an aborted transaction and transaction markers are never answered', async (t) => {
  const topic = await createTopic(t)
  await writeTransactions(t, topic) // aborted 0, 1; c0 3, c1 4; aborted 6; c2 8; markers 2, 5, 7, 9
  const read = async (offset: number, maxBytes = 100_000): Promise<Array<{ value: string, offset: number }>> =>
    await (await fetch(url(`/api/v2/messages/${topic}/0/${offset}?max_wait_time=0&max_bytes=${maxBytes}`))).json() as Array<{ value: string, offset: number }>
  // Markers are written after commitTransaction returns: the last stable offset reaches 10 a little later.
  const all = await eventually(async () => (await read(0)).map((m) => [m.offset, m.value]), (r) => r.length === 3, 10_000)
  t.deepEqual(all, [[3, 'c0'], [4, 'c1'], [8, 'c2']])
  t.deepEqual((await read(5)).map((m) => [m.offset, m.value]), [[8, 'c2']], 'from a marker: the next committed record')
  t.deepEqual((await read(1, 1)).map((m) => m.value), ['c0'], 'from inside the aborted transaction')
  t.deepEqual(await read(9), [], 'after the last marker: the end')
  const binary = await fetch(url(`/api/v2/messages/${topic}/0/6`), { headers: { accept: 'application/binary' } })
  t.deepEqual([binary.headers.get('x-message-offset'), await binary.text()], ['8', 'c2'])
  t.is(binary.headers.get('x-high-wm-offset'), '10')
})
