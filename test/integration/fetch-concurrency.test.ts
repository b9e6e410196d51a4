// Property: every fetch answer is exact, whatever other readers of the same partitions do at the same
// time (issue 11). Values encode partition and offset, so a record from another reader's position, a
// skipped record or a record of another partition is seen in the answer itself.
import test, { type ExecutionContext } from 'ava'
import type { KafkaConfig } from '../../src/config.js'
import { Producer } from '../../src/kafka/producer.js'
import { startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic, KAFKA } from '../helpers/kafka.js'

const PARTITIONS = 4
const PREFILL = 1500
const RUN_MS = 6000

const producerConfig: KafkaConfig = {
  common: { 'bootstrap.servers': KAFKA, 'security.protocol': 'plaintext' },
  producer: { acks: -1, 'enable.idempotence': true, 'linger.ms': 2, 'max.in.flight.requests.per.connection': 5 },
  securityProtocol: 'PLAINTEXT',
  requestTimeoutMs: 10_000,
  produceTimeoutMs: 10_000
}

const valueOf = (partition: number, offset: number): string => `${partition}:${offset}`
/** A record of these values as the gateway counts max_bytes (key, value and 8 bytes of framing: read-cache.ts). */
const recordBytes = (value: string): number => 8 + Buffer.byteLength(value)

/** Records of each partition, produced in order: the value of offset o is `partition:o`. */
class Log {
  /** Offsets acknowledged by the broker, per partition (all below are readable). */
  readonly produced = new Array<number>(PARTITIONS).fill(0)
  private stopped = false

  constructor (private readonly producer: Producer, private readonly topic: string) {}

  async append (partition: number, count: number): Promise<void> {
    const start = this.produced[partition] as number
    await Promise.all(Array.from({ length: count }, async (_, i) => {
      const delivered = await this.producer.produce({ op: 'produce', topic: this.topic, partition, key: null, value: Buffer.from(valueOf(partition, start + i)), headers: [] })
      if (delivered.offset !== start + i) throw new Error(`produced ${valueOf(partition, start + i)} at offset ${delivered.offset}`)
    }))
    this.produced[partition] = start + count
  }

  /** Keeps producing small batches to every partition until stop(). */
  async produceWhileRunning (): Promise<void> {
    while (!this.stopped) {
      for (let p = 0; p < PARTITIONS; p++) await this.append(p, 5)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  stop (): void { this.stopped = true }
}

interface Checker {
  answers: number
  wrong: string[]
  /** The longest an answer took, ms. */
  slowest: number
}

/**
 * Reads `offset` of `partition` and checks the answer: it starts exactly at `offset` (this topic has no
 * gaps), records follow one another, every value is the one produced there. Empty only if nothing had
 * been acknowledged at `offset` when the request started; a JSON answer ends before a record acknowledged
 * then only when that record would not fit in max_bytes. Returns the next offset to read.
 */
async function readAndCheck (gateway: Gateway, topic: string, log: Log, partition: number, offset: number, binary: boolean, checker: Checker): Promise<number> {
  const knownAtStart = log.produced[partition] as number
  const maxBytes = binary ? 1 : 200 + Math.floor(Math.random() * 1800)
  const path = `/api/v2/messages/${topic}/${partition}/${offset}?max_wait_time=0&max_bytes=${maxBytes}`
  const started = Date.now()
  const res = await fetch(gateway.url + path, { headers: binary ? { accept: 'application/binary' } : {} })
  checker.answers++
  checker.slowest = Math.max(checker.slowest, Date.now() - started)
  const wrong = (what: string): number => { checker.wrong.push(`${binary ? 'binary' : 'json'} p${partition} @${offset}: ${what}`); return offset }
  if (res.status !== 200) return wrong(`status ${res.status} ${await res.text()}`)
  let records: Array<{ offset: number, value: string }>
  if (binary) {
    const header = res.headers.get('x-message-offset')
    const value = await res.text()
    records = header === null ? [] : [{ offset: Number(header), value }]
  } else {
    records = await res.json() as Array<{ offset: number, value: string }>
  }
  if (records.length === 0) return offset < knownAtStart ? wrong(`empty, ${knownAtStart} records were produced`) : offset
  for (const [i, record] of records.entries()) {
    if (record.offset !== offset + i) return wrong(`record ${i} has offset ${record.offset}`)
    if (record.value !== valueOf(partition, record.offset)) return wrong(`offset ${record.offset} holds ${record.value}`)
  }
  const next = offset + records.length
  const bytes = records.reduce((sum, record) => sum + recordBytes(record.value), 0)
  if (!binary && next < knownAtStart && bytes + recordBytes(valueOf(partition, next)) <= maxBytes) {
    return wrong(`ends before ${next} with room for it in max_bytes ${maxBytes}: ${knownAtStart} records were produced`)
  }
  return next
}

const randomInt = (below: number): number => Math.floor(Math.random() * below)

async function readersProperty (t: ExecutionContext, workers: string): Promise<void> {
  const topic = await createTopic(t, PARTITIONS)
  const producer = new Producer(producerConfig)
  const log = new Log(producer, topic)
  const gateway = await startGateway({ KASTLEX_WORKERS: workers })
  try {
    for (let p = 0; p < PARTITIONS; p++) await log.append(p, PREFILL)
    // Every worker has loaded its Kafka clients before the clock starts.
    const warmup: Checker = { answers: 0, wrong: [], slowest: 0 }
    for (let p = 0; p < PARTITIONS; p++) await readAndCheck(gateway, topic, log, p, 0, false, warmup)
    t.deepEqual(warmup.wrong, [])
    const checker: Checker = { answers: 0, wrong: [], slowest: 0 }
    const until = Date.now() + RUN_MS
    const running = (): boolean => Date.now() < until
    const producing = log.produceWhileRunning()
    // Random access, JSON and binary, many readers per partition.
    const random = Array.from({ length: 12 }, async (_, r) => {
      while (running()) {
        const partition = randomInt(PARTITIONS)
        await readAndCheck(gateway, topic, log, partition, randomInt(log.produced[partition] as number), r % 2 === 0, checker)
      }
    })
    // Sequential readers at different lags on the same partitions (one starts near the end).
    const sequential = Array.from({ length: 8 }, async (_, r) => {
      const partition = r % PARTITIONS
      let offset = Math.floor((r / 8) * PREFILL)
      while (running()) offset = await readAndCheck(gateway, topic, log, partition, offset, r % 3 === 0, checker)
    })
    // Readers jumping back and forth around a position.
    const jumpers = Array.from({ length: 4 }, async (_, r) => {
      const partition = r % PARTITIONS
      let offset = PREFILL / 2
      while (running()) {
        const next = await readAndCheck(gateway, topic, log, partition, offset, r % 2 === 1, checker)
        const jump = randomInt(2) === 0 ? -randomInt(400) : randomInt(400)
        offset = Math.min(Math.max(0, next + jump), (log.produced[partition] as number) - 1)
      }
    })
    await Promise.all([...random, ...sequential, ...jumpers])
    log.stop()
    await producing
    t.log(`${workers} workers: ${checker.answers} answers, ${checker.wrong.length} wrong, slowest ${checker.slowest} ms`)
    // Enough answers that every kind of reader ran (on a loaded machine far fewer than the thousands of a quiet one).
    t.true(checker.answers >= 50, `only ${checker.answers} answers`)
    t.deepEqual(checker.wrong.slice(0, 10), [], `${checker.wrong.length} wrong answers of ${checker.answers}`)
  } finally {
    await gateway.stop()
    await producer.close(5000)
  }
}

// One at a time: each loads the machine on its own.
test.serial('concurrent readers at random, sequential and jumping positions, with produce running: every answer exact (inline)', async (t) => {
  await readersProperty(t, '0')
})

test.serial('concurrent readers at random, sequential and jumping positions, with produce running: every answer exact (2 workers)', async (t) => {
  await readersProperty(t, '2')
})
