// The records of one fetch answer (SPEC §4.8): the first record always, even larger than max_bytes (as
// Kafka does), then records while the running total stays within max_bytes; binary answers hold one.
import type { FetchedRecord } from '../../pool/messages.js'
import { recordBytes } from './read-cache.js'

export class FetchAnswer {
  readonly records: FetchedRecord[] = []
  /** Counted as max_bytes counts (key, value and a per-record overhead). */
  bytes = 0
  /** Key and value bytes only, for the metrics. */
  payloadBytes = 0
  /** No further record fits. */
  full = false

  constructor (private readonly maxBytes: number, private readonly maxRecords: number) {}

  get count (): number { return this.records.length }

  /** The offset after the last record taken (0 before any). */
  get next (): number { return (this.records.at(-1)?.offset ?? -1) + 1 }

  /** Bytes still allowed. */
  get room (): number { return Math.max(0, this.maxBytes - this.bytes) }

  /** Record bytes that would fill it: one byte when one more record does (any record fills it then). */
  get wanted (): number { return this.count + 1 >= this.maxRecords ? 1 : Math.max(1, this.room) }

  /** Takes records of `records` (ascending offsets) from offset `from` on, until the answer is full. */
  addFrom (records: readonly FetchedRecord[], from: number): void {
    for (let i = firstAtOrAfter(records, from); i < records.length && !this.full; i++) this.add(records[i] as FetchedRecord)
  }

  private add (record: FetchedRecord): void {
    const size = recordBytes(record)
    if (this.count === this.maxRecords || (this.count > 0 && this.bytes + size > this.maxBytes)) {
      this.full = true
      return
    }
    this.records.push(record)
    this.bytes += size
    this.payloadBytes += (record.key?.length ?? 0) + (record.value?.length ?? 0)
    if (this.count === this.maxRecords || this.bytes >= this.maxBytes) this.full = true
  }
}

function firstAtOrAfter (records: readonly FetchedRecord[], offset: number): number {
  let low = 0
  let high = records.length
  while (low < high) {
    const middle = (low + high) >> 1
    if ((records[middle] as FetchedRecord).offset < offset) low = middle + 1
    else high = middle
  }
  return low
}
