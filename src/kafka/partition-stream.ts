// What the fetch consumer has read ahead for one assigned partition, and the reads it can serve
// without re-positioning the partition.
import type { FetchedRecord } from './message-format.js'

/** Counted per record besides key and value, so that empty records satisfy `min_bytes` (Kafka counts framing too). */
const RECORD_OVERHEAD_BYTES = 8

export const recordBytes = (record: FetchedRecord): number =>
  RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0)

export class PartitionStream {
  /** Every record at offsets ≥ cursor up to nextOffset, in order (compaction may leave gaps). */
  records: FetchedRecord[] = []
  bytes = 0
  cursor: number
  nextOffset: number
  /** The consumer reported the end of the partition at nextOffset. */
  atEnd = false
  /** A record arrived since the last reset (an end-of-partition event may then lie beyond nextOffset). */
  receivedSinceReset = false
  paused = false
  lastUsed = Date.now()
  /**
   * The records of the last answer, from `answeredFrom` on: a client whose answer was lost asks for the
   * same offset again, and gets it without a seek.
   */
  private answered: FetchedRecord[] = []
  private answeredFrom: number
  private wakers: Array<() => void> = []

  constructor (readonly topic: string, readonly partition: number, offset: number) {
    this.cursor = offset
    this.nextOffset = offset
    this.answeredFrom = offset
  }

  /** Whether a read from `offset` is served from what this stream holds (else the partition must seek). */
  serves (offset: number): boolean {
    return this.answeredFrom <= offset && offset <= this.nextOffset
  }

  /**
   * Whether waiting adds nothing to an answer of up to maxBytes: the partition's end (or `latest`) is
   * reached, maxBytes are buffered, or the read-ahead is full and the partition paused until a take.
   */
  complete (latest: number, maxBytes: number): boolean {
    return this.atEnd || this.nextOffset >= latest || this.bytes >= maxBytes || this.paused
  }

  reset (offset: number): void {
    this.records = []
    this.bytes = 0
    this.cursor = offset
    this.nextOffset = offset
    this.answered = []
    this.answeredFrom = offset
    this.atEnd = false
    this.receivedSinceReset = false
  }

  /** Serves reads from `offset` on (which `serves`): drops what lies before it, or restores it from the last answer. */
  advanceTo (offset: number): void {
    if (offset < this.cursor) {
      const again = this.answered.filter((record) => record.offset >= offset)
      this.records = again.concat(this.records)
      this.bytes += again.reduce((sum, record) => sum + recordBytes(record), 0)
    } else {
      let drop = 0
      while (drop < this.records.length && (this.records[drop] as FetchedRecord).offset < offset) {
        this.bytes -= recordBytes(this.records[drop] as FetchedRecord)
        drop++
      }
      if (drop > 0) this.records = this.records.slice(drop)
    }
    this.cursor = offset
  }

  push (record: FetchedRecord): void {
    this.records.push(record)
    this.bytes += recordBytes(record)
    this.nextOffset = record.offset + 1
    this.atEnd = false
    this.receivedSinceReset = true
    this.wake()
  }

  /** Removes and returns the leading records up to maxBytes (at least one, as Kafka does) and maxRecords. */
  take (maxBytes: number, maxRecords: number): FetchedRecord[] {
    let count = 0
    let bytes = 0
    for (const record of this.records) {
      const size = recordBytes(record)
      if (count === maxRecords || (count > 0 && bytes + size > maxBytes)) break
      bytes += size
      count++
    }
    const taken = this.records.slice(0, count)
    this.records = this.records.slice(count)
    this.bytes -= bytes
    if (count > 0) {
      this.answered = taken
      this.answeredFrom = this.cursor
      this.cursor = (taken[count - 1] as FetchedRecord).offset + 1
    }
    return taken
  }

  /** Resolves on the next record or end-of-partition event, or after `ms`. */
  changed (ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.wakers.push(() => { clearTimeout(timer); resolve() })
    })
  }

  wake (): void {
    const wakers = this.wakers
    this.wakers = []
    for (const wake of wakers) wake()
  }
}
