// KASTLEX_PRODUCER_COMPRESSION against the real broker (SPEC §9): records produced singly and in a binary
// batch are stored in batches compressed with the codec (read with a raw Fetch, attributes bits 0–2),
// and read back exactly through the gateway's fetch, JSON and binary. One gateway per codec; the worker
// threads' producers (KASTLEX_WORKERS=1) must get the setting as the inline one does. zstd batches as the
// Java clients write them (zstd-jni) come from the broker itself, on a topic with compression.type=zstd:
// the gateway must read those whatever its librdkafka can write.
import { Base, ConnectionPool, createAPI, fetchV17, type Reader } from '@platformatic/kafka'
import test, { type ExecutionContext } from 'ava'
import { encodeFramedRecords } from '../../src/batch/binary-framing.js'
import { compressionUnavailable, type ProducerCompression } from '../../src/kafka/compression.js'
import { startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'

/** Batch attributes bits 0–2 (KIP-98). */
const CODEC_BITS: Readonly<Record<ProducerCompression, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 }
/** Worker threads per codec's gateway: 0 = the producer on the main thread. */
const WORKERS: Readonly<Record<Exclude<ProducerCompression, 'none'>, string>> = { gzip: '0', snappy: '0', lz4: '1', zstd: '0' }
const CODECS = (['gzip', 'snappy', 'lz4', 'zstd'] as const).filter((codec) => compressionUnavailable(codec) === undefined)
const SINGLES = 3
const BATCHED = 50

const gateways = new Map<ProducerCompression, Gateway>()
test.before(async () => {
  await Promise.all([
    ...CODECS.map(async (codec) => {
      gateways.set(codec, await startGateway({ KASTLEX_PRODUCER_COMPRESSION: codec, KASTLEX_WORKERS: WORKERS[codec] }))
    }),
    (async () => { gateways.set('none', await startGateway({ KASTLEX_WORKERS: '1' })) })()
  ])
})
test.after.always(async () => { await Promise.all([...gateways.values()].map(async (gateway) => await gateway.stop())) })

interface Sent { readonly key: string, readonly value: string }

/** Compressible values, different per record. */
const record = (codec: string, i: number): Sent => ({ key: `k${i}`, value: `${codec} record ${i}: `.padEnd(400, `${i}`) })

type FetchArguments = Parameters<typeof fetchV17.api.async> extends [unknown, ...infer Rest] ? Rest : never

/**
 * Fetch v17 answering the record bytes of the first partition as stored: the library's own parser
 * decompresses every batch, and has no zstd on Node < 22.15.
 */
const rawFetch = createAPI<FetchArguments, Buffer>(1, 17, fetchV17.createRequest, (_correlationId, _apiKey, _apiVersion, reader: Reader) => {
  reader.readInt32() // throttle_time_ms
  reader.readInt16() // error_code
  reader.readInt32() // session_id
  const [records] = reader.readArray((r) => {
    r.readUUID() // topic_id
    const [partition] = r.readArray((r) => {
      r.readInt32() // partition_index
      r.readInt16() // error_code
      r.readInt64() // high_watermark
      r.readInt64() // last_stable_offset
      r.readInt64() // log_start_offset
      r.readArray((r) => [r.readInt64(), r.readInt64()]) // aborted_transactions
      r.readInt32() // preferred_read_replica
      const size = Math.max(0, r.readUnsignedVarInt() - 1)
      const bytes = r.buffer.slice(r.position, r.position + size)
      r.skip(size)
      return bytes
    })
    return partition
  })
  return records ?? Buffer.alloc(0)
})

/** The codec bits of every batch of partition 0, from offset 0, with each batch's record count. */
async function storedBatches (topic: string): Promise<Array<{ codec: number, records: number }>> {
  const base = new Base({ clientId: 'kastlex-test', bootstrapBrokers: [KAFKA] })
  const pool = new ConnectionPool('kastlex-test')
  try {
    const metadata = await base.metadata({ topics: [topic] })
    const described = metadata.topics.get(topic)
    const leader = metadata.brokers.get(described?.partitions[0]?.leader as number)
    if (described === undefined || leader === undefined) throw new Error(`no leader for ${topic}`)
    const connection = await pool.get(leader)
    const partitions = [{ partition: 0, fetchOffset: 0n, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }]
    const bytes = await rawFetch.async(connection, 0, 1, 1 << 20, 0, 0, -1, [{ topicId: described.id, partitions }], [], '')
    // v2 batches: length of the rest (int32) at 8, attributes (int16) at 21, record count (int32) at 57.
    const batches: Array<{ codec: number, records: number }> = []
    for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
      batches.push({ codec: bytes.readInt16BE(at + 21) & 0x07, records: bytes.readInt32BE(at + 57) })
    }
    return batches
  } finally {
    await pool.close()
    await base.close()
  }
}

/**
 * Produces records singly and in a binary batch through `gateway`, checks they are stored in batches of
 * codec `stored`, and reads them back through the gateway's fetch, JSON and binary.
 */
async function producedStoredFetched (t: ExecutionContext, gateway: Gateway, topic: string, stored: ProducerCompression): Promise<void> {
  const sent = Array.from({ length: SINGLES + BATCHED }, (_, i) => record(stored, i))

  for (const [i, { key, value }] of sent.slice(0, SINGLES).entries()) {
    const res = await fetch(`${gateway.url}/api/v2/messages/${topic}/0?key=${key}`, { method: 'POST', body: value, headers: { 'content-type': 'application/binary' } })
    t.is(res.status, 204, await res.text())
    t.is(res.headers.get('x-message-offset'), String(i))
  }
  const framed = encodeFramedRecords(sent.slice(SINGLES).map(({ key, value }) => ({ key: Buffer.from(key), value: Buffer.from(value) })))
  const res = await fetch(`${gateway.url}/api/v2/batch/${topic}`, { method: 'POST', body: framed, headers: { 'content-type': 'application/vnd.kastlex.batch' } })
  t.is(res.status, 200)
  const { results } = await res.json() as { results: Array<{ partition: number, offset: number }> }
  t.deepEqual(results, sent.slice(SINGLES).map((_, i) => ({ partition: 0, offset: SINGLES + i })))

  const batches = await storedBatches(topic)
  t.deepEqual(batches.map((batch) => batch.codec), batches.map(() => CODEC_BITS[stored]), JSON.stringify(batches))
  t.is(batches.reduce((sum, batch) => sum + batch.records, 0), sent.length)

  // JSON v2, read on from the offset after each answer's last record.
  const fetched: Array<{ offset: number, key: string, value: string }> = []
  while (fetched.length < sent.length) {
    const answer = await fetch(`${gateway.url}/api/v2/messages/${topic}/0/${fetched.length}?max_wait_time=0&max_bytes=1000000`)
    t.is(answer.status, 200, await answer.clone().text())
    const messages = await answer.json() as Array<{ offset: number, key: string, value: string }>
    if (messages.length === 0) break
    fetched.push(...messages)
  }
  t.deepEqual(fetched.map(({ offset, key, value }) => ({ offset, key, value })), sent.map((s, offset) => ({ offset, ...s })))

  for (const [offset, { key, value }] of sent.entries()) {
    const binary = await fetch(`${gateway.url}/api/v2/messages/${topic}/0/${offset}`, { headers: { accept: 'application/binary' } })
    t.is(binary.status, 200)
    t.is(binary.headers.get('x-message-offset'), String(offset))
    t.is(binary.headers.get('x-message-key'), key)
    t.is(await binary.text(), value)
  }
}

for (const codec of CODECS) {
  test(`${codec} (${WORKERS[codec]} workers): single and batch produce compressed in the log, fetched back exactly`, async (t) => {
    await producedStoredFetched(t, gateways.get(codec) as Gateway, await createTopic(t), codec)
  })
}

test('zstd batches the broker wrote (topic compression.type=zstd, zstd-jni as the Java clients) are fetched back exactly (1 worker)', async (t) => {
  await producedStoredFetched(t, gateways.get('none') as Gateway, await createTopic(t, 1, { 'compression.type': 'zstd' }), 'zstd')
})

test('a codec this build cannot use stops the start, naming the variable and why', async (t) => {
  const missing = (['gzip', 'snappy', 'lz4', 'zstd'] as const).filter((codec) => !CODECS.includes(codec))
  if (missing.length === 0) {
    t.pass('every codec is available here')
    return
  }
  for (const codec of missing) {
    const failed = await t.throwsAsync(startGateway({ KASTLEX_PRODUCER_COMPRESSION: codec }))
    t.regex(failed?.message ?? '', /gateway exited with 1/)
    t.true(failed?.message.includes(`KASTLEX_PRODUCER_COMPRESSION: ${codec} is not available: ${compressionUnavailable(codec) as string}`), failed?.message)
  }
})
