// The librdkafka producer of one thread, through the project's addon (native/producer.cc): a batch of
// records is handed over in one call and the delivery reports come back packed, in librdkafka's order. A
// produce resolves only on the delivery report, i.e. once the broker acknowledged with the configured acks.
import type { KafkaConfig } from '../config.js'
import type { ProduceOp } from '../pool/messages.js'
import { loadAddon, REPORT_FIELDS, type NativeProducerHandle } from './addon.js'
import { stringifyProperties } from './admin-client.js'
import { Deliveries, UNKNOWN_OFFSET } from './deliveries.js'
import { InFlightBatches } from './in-flight.js'
import { OpError } from './op-error.js'

export interface Delivered { readonly partition: number, readonly offset: number }

/** Batches sharing a deadline timer: how many of them are still waiting for their reports. */
interface DeadlineGroup {
  open: number
  readonly timer: NodeJS.Timeout
}

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
/**
 * Batches handed over within this long share one deadline timer, set for the last of them: a batch's
 * deadline passes at most this much later than its own. A timer per batch (one per request on the produce
 * route) cost a setTimeout and a clearTimeout each.
 */
const DEADLINE_GROUP_MS = 100
/** librdkafka statistics for the metrics (client-stats.ts). */
export const STATISTICS_INTERVAL_MS = 5000

export class Producer {
  private handle: NativeProducerHandle
  private readonly inFlight = new InFlightBatches()
  private closed = false
  /** close() waits for the batches in flight: told when the last is answered. */
  private drained: (() => void) | undefined
  /** acks ≠ 0: delivery reports carry the offset the broker assigned. */
  private readonly acknowledged: boolean
  private readonly deadlineMs: number
  /** The latest librdkafka statistics JSON. */
  statistics: string | undefined
  /** The deadline group new batches join, and when it started (performance.now(): the clock that never goes back). */
  private group: DeadlineGroup | undefined
  private groupStarted = 0

  constructor (private readonly config: KafkaConfig) {
    this.acknowledged = config.producer.acks !== 0
    this.deadlineMs = config.produceTimeoutMs + DEADLINE_GRACE_MS
    this.handle = this.client()
  }

  private client (): NativeProducerHandle {
    const { ProducerHandle } = loadAddon()
    const properties = stringifyProperties({
      ...this.config.common,
      ...this.config.producer,
      'client.id': 'kastlex',
      'allow.auto.create.topics': false,
      'statistics.interval.ms': STATISTICS_INTERVAL_MS,
      partitioner: 'murmur2_random'
    })
    const handle: NativeProducerHandle = new ProducerHandle(properties, (event) => {
      if (handle !== this.handle) return // a replaced client's last reports: their batches were answered
      if (typeof event === 'string') this.statistics = event
      else this.reported(event)
    })
    return handle
  }

  /**
   * A deadline passed without a delivery report: every record pending is answered `timeout` and the client
   * replaced (DEADLINE_GRACE_MS says why); the old one drops what it still queues.
   */
  private expired (): void {
    const old = this.handle
    const batches = this.inFlight.takeAll()
    if (!this.closed) this.handle = this.client()
    const timeout = new OpError('timeout')
    for (const batch of batches) batch.failRest(timeout)
    old.close()
    this.drained?.()
  }

  /** One record; resolves with where it went once the broker acknowledged. */
  produce (op: ProduceOp): Promise<Delivered> {
    return new Promise((resolve, reject) => this.produceOne(op, resolve, reject))
  }

  /**
   * One record, answered through `delivered` or `failed` (exactly one, once): produceAll's batch of one,
   * handed over without an array, a record object or a promise of its own, so that the caller's promise is
   * settled by the delivery report itself rather than a chain of them.
   */
  produceOne ({ topic, key, value, headers, partition }: ProduceOp, delivered: (where: Delivered) => void, failed: (err: OpError) => void): void {
    const number = this.track(1, (deliveries) => {
      const failure = deliveries.failure(0)
      if (failure !== undefined) failed(failure)
      else delivered({ partition: deliveries.partitions[0] as number, offset: deliveries.offsets[0] as number })
    })
    try {
      const refused = this.handle.produceOne(topic, key, value, headers, partition, number, Date.now())
      if (refused !== 0) this.refused(number, 0, refused)
    } catch (err) {
      this.handOverFailed(number, err)
    }
  }

  /**
   * Records handed to librdkafka in one call (records of a partition keep their order; librdkafka copies
   * them before this returns); resolves once each has an outcome, by index. A record's partition −1 takes
   * `partition`. One deadline and one promise per batch.
   */
  produceAll (topic: string, records: readonly OutgoingRecord[], partition = -1): Promise<Deliveries> {
    if (records.length === 0) return Promise.resolve(new Deliveries(0, () => {}))
    return new Promise((resolve) => {
      const number = this.track(records.length, resolve)
      let refused: Int32Array | undefined
      try {
        refused = this.handle.produce(topic, records, partition, number, Date.now())
      } catch (err) {
        this.handOverFailed(number, err)
        return
      }
      for (let at = 0; refused !== undefined && at < refused.length; at += 2) this.refused(number, refused[at] as number, refused[at + 1] as number)
    })
  }

  /** The call handing batch `number` to librdkafka threw (e.g. the client closed): none of its records is taken. */
  private handOverFailed (number: number, err: unknown): void {
    this.inFlight.get(number)?.failRest(OpError.fromKafka(err))
  }

  /** Record `index` of batch `number` was refused at once with librdkafka's error `code`: no report follows. */
  private refused (number: number, index: number, code: number): void {
    this.inFlight.get(number)?.failed(index, OpError.fromKafka({ code }))
  }

  /** A batch of `size` records in flight, with its deadline; `answered` is told once every record has an outcome. */
  private track (size: number, answered: (deliveries: Deliveries) => void): number {
    const group = this.deadlineGroup()
    group.open++
    const number: number = this.inFlight.add(new Deliveries(size, (deliveries) => {
      if (--group.open === 0) this.closeGroup(group)
      this.inFlight.delete(number)
      if (this.inFlight.size === 0) this.drained?.()
      answered(deliveries)
    }))
    return number
  }

  /** The group a batch handed over now joins: a new one (and its timer) every DEADLINE_GROUP_MS at most. */
  private deadlineGroup (): DeadlineGroup {
    const now = performance.now()
    if (this.group !== undefined && now - this.groupStarted < DEADLINE_GROUP_MS) return this.group
    // Its last batch joins before DEADLINE_GROUP_MS has passed: its deadline has passed when this fires.
    const group: DeadlineGroup = { open: 0, timer: setTimeout(() => { if (group.open > 0) this.expired() }, this.deadlineMs + DEADLINE_GROUP_MS) }
    this.group = group
    this.groupStarted = now
    return group
  }

  /** Every batch of the group answered: its timer goes, and new batches start another group. */
  private closeGroup (group: DeadlineGroup): void {
    clearTimeout(group.timer)
    if (this.group === group) this.group = undefined
  }

  /** Delivery reports, REPORT_FIELDS numbers each (native/producer.cc): a report after its batch's deadline finds none. */
  private reported (reports: Float64Array): void {
    for (let at = 0; at < reports.length; at += REPORT_FIELDS) {
      const batch = this.inFlight.get(reports[at] as number)
      if (batch === undefined) continue
      const index = reports[at + 1] as number
      const error = reports[at + 2] as number
      // Without acknowledgements there is no offset to report (librdkafka says 0 or −1001): the contract says −1.
      if (error !== 0) batch.failed(index, OpError.fromKafka({ code: error }))
      else batch.delivered(index, reports[at + 3] as number, this.acknowledged ? reports[at + 4] as number : UNKNOWN_OFFSET)
    }
  }

  /** Waits for what is in flight (bounded), then closes the client. */
  async close (timeoutMs: number): Promise<void> {
    this.closed = true
    if (this.inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs)
        this.drained = () => { clearTimeout(timer); resolve() }
      })
    }
    this.handle.close()
  }
}
