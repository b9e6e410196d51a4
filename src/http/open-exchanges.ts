// The requests not answered yet (the graceful stop waits for them and fails those left). A Set held them until
// its deletes, one per request, made V8 rebuild the Set's table every few dozen requests (about 120 B of garbage
// per request under produce-64). Here each exchange knows its slot in an array and leaves by swapping with the last.

/** What is kept: an exchange, with the slot this keeps up to date. */
export interface Slotted { slot: number }

export class OpenExchanges<T extends Slotted> {
  private readonly exchanges: T[] = []

  get size (): number {
    return this.exchanges.length
  }

  add (exchange: T): void {
    exchange.slot = this.exchanges.length
    this.exchanges.push(exchange)
  }

  /** Idempotent. */
  delete (exchange: T): void {
    const slot = exchange.slot
    if (slot < 0 || this.exchanges[slot] !== exchange) return
    const last = this.exchanges.pop() as T
    if (last !== exchange) {
      this.exchanges[slot] = last
      last.slot = slot
    }
    exchange.slot = -1
  }

  /** The exchanges open now, as a copy: failing one (which deletes it) while going through it is safe. */
  list (): T[] {
    return [...this.exchanges]
  }
}
