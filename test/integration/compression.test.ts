// KASTLEX_PRODUCER_COMPRESSION against the real broker (SPEC §9): records produced singly and in a binary
// batch are stored in batches compressed with the codec (read with a raw Fetch, attributes bits 0–2),
// and read back exactly through the gateway's fetch, JSON and binary. One gateway per codec; the worker
// threads' producers (KASTLEX_WORKERS=1) must get the setting as the inline one does.
import { Base, ConnectionPool, fetchV17 } from '@platformatic/kafka'
import test from 'ava'
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
  await Promise.all(CODECS.map(async (codec) => {
    gateways.set(codec, await startGateway({ KASTLEX_PRODUCER_COMPRESSION: codec, KASTLEX_WORKERS: WORKERS[codec] }))
  }))
})
test.after.always(async () => { await Promise.all([...gateways.values()].map(async (gateway) => await gateway.stop())) })

interface Sent { readonly key: string, readonly value: string }

/** Compressible values, different per record. */
const record = (codec: string, i: number): Sent => ({ key: `k${i}`, value: `${codec} record ${i}: `.padEnd(400, `${i}`) })

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
    const response = await fetchV17.api.async(connection, 0, 1, 1 << 20, 0, 0, -1, [{ topicId: described.id, partitions }], [], '')
    const batches = response.responses[0]?.partitions[0]?.records ?? []
    return batches.map((batch) => ({ codec: batch.attributes & 0x07, records: batch.records.length }))
  } finally {
    await pool.close()
    await base.close()
  }
}

for (const codec of CODECS) {
  test(`${codec} (${WORKERS[codec]} workers): single and batch produce compressed in the log, fetched back exactly`, async (t) => {
    const gateway = gateways.get(codec) as Gateway
    const topic = await createTopic(t)
    const sent = Array.from({ length: SINGLES + BATCHED }, (_, i) => record(codec, i))

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

    const stored = await storedBatches(topic)
    t.deepEqual(stored.map((batch) => batch.codec), stored.map(() => CODEC_BITS[codec]), JSON.stringify(stored))
    t.is(stored.reduce((sum, batch) => sum + batch.records, 0), sent.length)

    // JSON v2, read on from the offset after each answer's last record.
    const fetched: Array<{ offset: number, key: string, value: string }> = []
    while (fetched.length < sent.length) {
      const answer = await fetch(`${gateway.url}/api/v2/messages/${topic}/0/${fetched.length}?max_wait_time=0&max_bytes=1000000`)
      t.is(answer.status, 200)
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
  })
}

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
