// The token-store worker (SPEC §6.7): creates the compacted token topic when missing, then tails its
// partition 0 from the earliest offset; the last record per key wins, tombstones delete. Tells the main
// thread every change, when the initial replay (up to the end offset seen at start) is complete, and on
// request when it has read up to the end offset as of that request (a fresh token from another instance).
import Kafka from '@platformatic/rdkafka'
import { parentPort, workerData } from 'node:worker_threads'
import { decodeTokenRecord, usernameOfKey } from '../src/auth/token-record.js'
import type { TokenStoreCommand, TokenStoreMessage, TokenStoreWorkerData } from '../src/auth/token-store.js'
import { assignedConsumer } from '../src/kafka/assigned-consumer.js'
import { createTopic } from '../src/kafka/topic-admin.js'

const { kafka, topic } = workerData as TokenStoreWorkerData
const RETRY_MS = 2000
const port = parentPort
if (port === null) throw new Error('token-store-worker runs as a worker thread')
const post = (message: TokenStoreMessage): void => port.postMessage(message)
const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

// The binding aborts when a disconnected client is garbage collected: this one lives as long as the thread.
const consumer = assignedConsumer({
  common: kafka.common,
  clientId: 'kastlex-token-store',
  groupId: 'kastlex-token-store',
  autoOffsetReset: 'earliest',
  properties: { 'enable.partition.eof': true }
})
// The binding's consume loop sleeps this long after every idle 1 s poll (default 500 ms): a record
// arriving then (a login or revocation on another instance) would wait for it.
consumer.setDefaultConsumeLoopTimeoutDelay(5)
// Queries the end offset for catch-ups. Not the tail's own client: the broker answers one request per
// connection at a time, so on the tail's connection the query waited behind its idle fetch (up to
// fetch.wait.max.ms, 500 ms).
const offsets = assignedConsumer({
  common: kafka.common,
  clientId: 'kastlex-token-store-offsets',
  groupId: 'kastlex-token-store',
  autoOffsetReset: 'earliest'
})

let pending: Array<[string, string | null]> = []
let replayEnd = Infinity
let replayed = false
let lastOffset = -1
/** Catch-up requests waiting for the tail to reach their end offset. */
let catchUps: Array<{ readonly id: number, readonly end: number }> = []

let flushScheduled = false
/** One flush per turn of the event loop, after every record the binding delivered in it. */
function scheduleFlush (): void {
  if (flushScheduled) return
  flushScheduled = true
  setImmediate(() => {
    flushScheduled = false
    flush()
  })
}

function flush (): void {
  if (pending.length > 0) post({ kind: 'entries', entries: pending })
  pending = []
  if (!replayed && lastOffset + 1 >= replayEnd) {
    replayed = true
    post({ kind: 'replayed' })
  }
  if (catchUps.length === 0) return
  const waiting: typeof catchUps = []
  for (const request of catchUps) {
    if (lastOffset + 1 >= request.end) post({ kind: 'caught-up', id: request.id, ok: true })
    else waiting.push(request)
  }
  catchUps = waiting
}

consumer.on('data', (message) => {
  lastOffset = message.offset
  const username = usernameOfKey(message.key)
  const entry = decodeTokenRecord(message.value)
  if (username === undefined || entry === undefined) {
    post({ kind: 'problem', message: `skipped the record at offset ${message.offset}: not a token record` })
  } else {
    pending.push([username, entry === 'tombstone' ? null : entry.tokenHash.toString('hex')])
  }
  scheduleFlush()
})
consumer.on('partition.eof', (eof) => {
  lastOffset = Math.max(lastOffset, eof.offset - 1)
  scheduleFlush()
})

async function retrying<T> (what: string, attempt: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await attempt()
    } catch (err) {
      post({ kind: 'problem', message: `${what}: ${(err as Error).message}` })
      await sleep(RETRY_MS)
    }
  }
}

const connected = async (client: Kafka.KafkaConsumer): Promise<void> => await new Promise((resolve, reject) =>
  client.connect({ timeout: kafka.requestTimeoutMs, allTopics: false }, (err) => { if (err) reject(err); else resolve() }))
const watermarks = async (): Promise<Kafka.WatermarkOffsets> => await new Promise((resolve, reject) =>
  offsets.queryWatermarkOffsets(topic, 0, kafka.requestTimeoutMs, (err, watermark) => { if (err) reject(err); else resolve(watermark) }))

async function run (): Promise<void> {
  await retrying(`creating ${topic}`, async () => await createTopic(kafka.common, topic, 1, { 'cleanup.policy': 'compact' }, -1))
  await retrying('connecting', async () => await connected(consumer))
  await retrying('connecting', async () => await connected(offsets))
  const { lowOffset, highOffset } = await retrying('reading the end offset', watermarks)
  replayEnd = highOffset
  lastOffset = lowOffset - 1
  consumer.assign([{ topic, partition: 0, offset: -2 /* beginning */ }])
  consumer.consume()
  flush()
}

const started = run()

/** The end offset is queried only now, after the request arrived: records written before it are below it. */
async function catchUp (id: number): Promise<void> {
  await started
  try {
    const { highOffset } = await watermarks()
    catchUps.push({ id, end: highOffset })
    flush()
  } catch (err) {
    post({ kind: 'problem', message: `reading the end offset: ${(err as Error).message}` })
    post({ kind: 'caught-up', id, ok: false })
  }
}

port.on('message', (command: TokenStoreCommand) => {
  if (command.kind === 'catch-up') {
    void catchUp(command.id)
    return
  }
  void Promise.all([
    offsets.isConnected() && new Promise((resolve) => offsets.disconnect(resolve)),
    consumer.isConnected() && new Promise((resolve) => {
      consumer.unassign()
      consumer.disconnect(resolve)
    })
  ]).then(() => post({ kind: 'closed' }))
})
