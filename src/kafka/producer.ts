// The librdkafka producer of one thread. A produce resolves only on the delivery report, i.e. once the
// broker acknowledged with the configured acks.
import Kafka from '@platformatic/rdkafka'
import type { KafkaConfig } from '../config.js'
import type { ProduceOp } from '../pool/messages.js'
import { Connection } from './connection.js'
import { Deliveries } from './deliveries.js'
import { InFlightBatches, recordId, recordIndex } from './in-flight.js'
import { DeliveredOffsets, UNKNOWN_OFFSET } from './delivered-offsets.js'
import { OpError } from './op-error.js'

export interface Delivered { readonly partition: number, readonly offset: number }

/** A record as handed to librdkafka; partition −1 = placed by the partitioner. */
export interface OutgoingRecord {
  readonly partition: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: ReadonlyArray<readonly [string, string]>
}

/**
 * librdkafka 2.12 does not time a message out while its partition leader's broker is down, despite
 * message.timeout.ms: it scans for timeouts only when the broker's state changes, and the reconnect backoff
 * grows to 10 s; a record held 20 s past its timeout was written once the broker came back. So the produce
 * deadline is also kept here, a little after librdkafka's own. When it passes without a delivery report the
 * client is replaced: the old one is closed without a flush, which drops what it still queues, so a record
 * answered `timeout` is not written later (one already sent to a broker may have been: no client can know).
 */
const DEADLINE_GRACE_MS = 1000

// Delivery reports only arrive through poll(). Polling every 1 ms from JavaScript added up to a
// millisecond to every produce (and spinning on setImmediate burns a core). Instead, while anything is
// in flight a flush() waits on a libuv thread: librdkafka's flush polls with blocking waits, so each
// report reaches JavaScript as soon as the broker acknowledged. flush() also sends at once what is
// queued (librdkafka treats linger.ms as elapsed while flushing), so linger.ms is applied here: the
// first record of an idle producer waits that long for company before the flushing starts.
// Measured with bench:compare (produce-64, 1 KB, acks=all): 22,000 → 31,500–33,400 req/s inline.
/** One flush() call; while records remain in flight another follows at once. */
const FLUSH_SLICE_MS = 50
/** Idle, a poll now and then still serves statistics and error events. */
const IDLE_POLL_INTERVAL_MS = 1000
/** librdkafka statistics for the metrics (client-stats.ts). */
export const STATISTICS_INTERVAL_MS = 5000

export class Producer {
  private producer: Kafka.Producer
  private readonly inFlight = new InFlightBatches()
  /** A flush is waiting on a libuv thread, or about to start after linger.ms. */
  private flushing = false
  private closed = false
  private readonly lingerMs: number
  private connection: Connection
  /** acks ≠ 0: delivery reports carry the offset the broker assigned. */
  private readonly acknowledged: boolean
  /** Per client: its reports' order is what it reads. */
  private deliveredOffsets = new DeliveredOffsets()
  private readonly deadlineMs: number
  private readonly idlePoller: NodeJS.Timeout
  /** The latest librdkafka statistics JSON. */
  statistics: string | undefined

  constructor (private readonly config: KafkaConfig) {
    this.acknowledged = config.producer.acks !== 0
    this.deadlineMs = config.produceTimeoutMs + DEADLINE_GRACE_MS
    this.lingerMs = Number(config.producer['linger.ms'] ?? 0)
    this.producer = this.client()
    this.connection = this.connect()
    this.idlePoller = setInterval(() => { if (this.producer.isConnected()) this.producer.poll() }, IDLE_POLL_INTERVAL_MS).unref()
  }

  private client (): Kafka.Producer {
    const { config } = this
    const producer = new Kafka.Producer({
      ...config.common,
      ...config.producer,
      'client.id': 'kastlex',
      'allow.auto.create.topics': false,
      dr_cb: true,
      'statistics.interval.ms': STATISTICS_INTERVAL_MS,
      // Connection failures surface per message as timeouts; keep librdkafka's log off stdout.
      log_level: 3
    } as Kafka.ProducerGlobalConfig, {
      // A topic-level property: given in the global config it is silently not applied.
      partitioner: 'murmur2_random'
    })
    producer.on('delivery-report', (err, report) => { if (producer === this.producer) this.delivered(err, report) })
    producer.on('event.error', () => { /* retried internally; failures reach the delivery report */ })
    producer.on('event.stats', (event: { message?: string }) => { this.statistics = event.message })
    return producer
  }

  private connect (): Connection {
    const connection = new Connection(this.producer, Math.min(this.config.requestTimeoutMs, this.config.produceTimeoutMs))
    connection.ready().catch(() => { /* reported to each produce, which retries */ })
    return connection
  }

  /**
   * A deadline passed without a delivery report: every record pending is answered `timeout` and the client
   * replaced (DEADLINE_GRACE_MS says why). The old one is disconnected without a flush; a flush running on it
   * ends first (the binding's lock), and its callback goes on with the new one.
   */
  private expired (): void {
    const old = this.producer
    const batches = this.inFlight.takeAll()
    this.producer = this.client()
    this.connection = this.connect()
    this.deliveredOffsets = new DeliveredOffsets()
    const timeout = new OpError('timeout')
    for (const batch of batches) batch.failRest(timeout)
    if (old.isConnected()) old.disconnect(() => {})
  }

  async produce (op: ProduceOp): Promise<Delivered> {
    const deliveries = await this.produceAll(op.topic, [op])
    const failure = deliveries.failure(0)
    if (failure !== undefined) throw failure
    return { partition: deliveries.partitions[0] as number, offset: deliveries.offsets[0] as number }
  }

  /**
   * Records handed to librdkafka one after another in one turn (records of a partition keep their order);
   * resolves once each has an outcome, by index. A record's partition −1 takes `partition`. One deadline and
   * one promise per batch: with a timer and a promise per record a record cost 11.4–13.8 µs of CPU, then
   * 8.6–9.5 µs (16 concurrent batches of 100 records of 1 KB against the broker, process CPU per record).
   * Once connected the records are handed over before this returns (librdkafka copies them), and nothing
   * here holds them after that (Deliveries says why).
   */
  /** Connected: produceAll hands the records over (librdkafka copies them) before it returns. */
  get connected (): boolean {
    return this.connection.connected
  }

  produceAll (topic: string, records: readonly OutgoingRecord[], partition = -1): Promise<Deliveries> {
    if (records.length === 0) return Promise.resolve(new Deliveries(0, () => {}))
    if (this.connection.connected) return this.sendAll(topic, records, partition)
    return this.connection.ready().then(() => this.sendAll(topic, records, partition))
  }

  private sendAll (topic: string, records: readonly OutgoingRecord[], partition: number): Promise<Deliveries> {
    const { number, answered } = this.track(records.length)
    for (let index = 0; index < records.length; index++) {
      const record = records[index] as OutgoingRecord
      this.send(recordId(number, index), topic, record.partition >= 0 ? record.partition : partition, record)
    }
    return answered
  }

  /**
   * A batch of `size` records in flight, with its deadline. Apart from sendAll: a closure created where the
   * records are in scope would hold them until the batch is answered.
   */
  private track (size: number): { number: number, answered: Promise<Deliveries> } {
    let number = -1
    const answered = new Promise<Deliveries>((resolve) => {
      const deadline = setTimeout(() => this.expired(), this.deadlineMs)
      number = this.inFlight.add(new Deliveries(size, (deliveries) => {
        clearTimeout(deadline)
        this.inFlight.delete(number)
        resolve(deliveries)
      }))
    })
    return { number, answered }
  }

  /** Hands a record to librdkafka (a refusal settles it at once) and makes sure a flush runs. */
  private send (id: number, topic: string, partition: number, record: OutgoingRecord): void {
    try {
      this.producer.produce(topic, partition, record.value, record.key, Date.now(), id,
        record.headers.length === 0 ? undefined : record.headers.map(([name, value]) => ({ [name]: value })))
    } catch (err) {
      this.inFlight.batchOf(id)?.failed(recordIndex(id), OpError.fromKafka(err))
      return
    }
    if (!this.flushing) {
      this.flushing = true
      setTimeout(() => this.flushWhilePending(), this.lingerMs)
    }
  }

  /** Delivery reports arrive (through the binding's callback) while a flush runs; flushes until none is pending. */
  private flushWhilePending (): void {
    if (this.inFlight.size === 0 || this.closed) {
      this.flushing = false
      return
    }
    try {
      this.producer.flush(FLUSH_SLICE_MS, () => this.flushWhilePending())
    } catch {
      // disconnected: the deadlines answer what is pending
      this.flushing = false
    }
  }

  private delivered (err: Kafka.LibrdKafkaError | null, report: Kafka.DeliveryReport): void {
    // Without acknowledgements there is no offset to report (librdkafka says 0 or −1001): the contract says
    // −1. With them, deliveredOffsets sees every report, also one whose produce timed out here: it tells
    // runs of offsets that are not the records' by their order.
    const offset = err || !this.acknowledged ? UNKNOWN_OFFSET : this.deliveredOffsets.offset(report.topic, report.partition, report.offset)
    const id = report.opaque as number
    const batch = this.inFlight.batchOf(id)
    if (batch === undefined) return
    if (err) batch.failed(recordIndex(id), OpError.fromKafka(err))
    else batch.delivered(recordIndex(id), report.partition, offset)
  }

  /**
   * Cluster metadata of every topic. Never of one topic by name: librdkafka would keep a topic handle
   * per name asked for, and re-query the unknown ones for good.
   */
  async metadata (timeoutMs: number): Promise<Kafka.Metadata> {
    await this.connection.ready()
    return await new Promise((resolve, reject) => {
      this.producer.getMetadata({ allTopics: true, timeout: timeoutMs },
        (err, metadata) => { if (err) reject(OpError.fromKafka(err)); else resolve(metadata) })
    })
  }

  /** Waits for what is in flight (bounded), then disconnects. */
  async close (timeoutMs: number): Promise<void> {
    clearInterval(this.idlePoller)
    this.closed = true
    if (!this.producer.isConnected()) return
    await new Promise<void>((resolve) => this.producer.flush(timeoutMs, () => resolve()))
    await new Promise<void>((resolve) => this.producer.disconnect(timeoutMs, () => resolve()))
  }
}
