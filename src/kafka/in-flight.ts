// The batches of one producer waiting for delivery reports, under small recycled numbers.
import type { Deliveries } from './deliveries.js'

/**
 * A delivery report's opaque names its batch and its index there: number × RECORDS_PER_BATCH + index
 * (KASTLEX_BATCH_MAX_RECORDS is at most 1,000,000). Numbers are recycled, so while fewer than 2,048 batches
 * are in flight every opaque is a small integer: the binding keeps a handle to each opaque until its report,
 * and a larger number would be a heap object per record, outliving scavenges.
 */
export const RECORDS_PER_BATCH = 2 ** 20

/** The opaque of record `index` of batch `number`. */
export const recordId = (number: number, index: number): number => number * RECORDS_PER_BATCH + index

/** A record's index in its batch, from its opaque. */
export const recordIndex = (id: number): number => id % RECORDS_PER_BATCH

export class InFlightBatches {
  private readonly batches: Array<Deliveries | undefined> = []
  private readonly free: number[] = []
  size = 0

  /** The number `batch` is in flight under. */
  add (batch: Deliveries): number {
    const number = this.free.pop() ?? this.batches.length
    this.batches[number] = batch
    this.size++
    return number
  }

  /** The batch of a report's opaque; undefined once answered (a report after its deadline). */
  batchOf (id: number): Deliveries | undefined {
    return this.batches[Math.floor(id / RECORDS_PER_BATCH)]
  }

  /** A batch answered: its number is free again. */
  delete (number: number): void {
    if (this.batches[number] === undefined) return
    this.batches[number] = undefined
    this.free.push(number)
    this.size--
  }

  /** Every batch in flight, taken out. */
  takeAll (): Deliveries[] {
    const taken: Deliveries[] = []
    this.batches.forEach((batch, number) => {
      if (batch === undefined) return
      taken.push(batch)
      this.delete(number)
    })
    return taken
  }
}
