// A first-in first-out queue on an array. Taking from the front moves an index rather than the items
// (Array.prototype.shift moves all the others); the taken part is dropped once the queue is empty or that
// part is over half of the array, so memory follows what is queued.

/** Taken items kept before the array is compacted (a slice per dequeue would cost as much as shift). */
const COMPACT_AFTER = 1024

export class Fifo<T> implements Iterable<T> {
  private items: T[] = []
  private head = 0

  get size (): number {
    return this.items.length - this.head
  }

  push (item: T): void {
    this.items.push(item)
  }

  /** The oldest item, left in place. */
  peek (): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined
  }

  /** Takes the oldest item. */
  shift (): T | undefined {
    if (this.head >= this.items.length) return undefined
    const item = this.items[this.head++]
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  /** The items from the oldest on. */
  * [Symbol.iterator] (): Iterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T
  }
}
