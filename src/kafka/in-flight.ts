// The batches of one producer waiting for delivery reports, under small recycled numbers (a delivery
// report names its batch by number and its record by index).
import type { Deliveries } from './deliveries.js'

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

  /** The batch in flight under `number`; undefined once answered (a report after its deadline). */
  get (number: number): Deliveries | undefined {
    return this.batches[number]
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
