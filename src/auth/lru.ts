// A bounded map: at most `capacity` entries, the least recently used dropped first (a Map iterates in
// insertion order, and a read re-inserts).

export class LruMap<K, V> {
  private readonly entries = new Map<K, V>()

  /** `capacity` 0 keeps nothing. */
  constructor (private readonly capacity: number) {}

  get size (): number {
    return this.entries.size
  }

  get (key: K): V | undefined {
    const value = this.entries.get(key)
    if (value !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, value)
    }
    return value
  }

  set (key: K, value: V): void {
    if (this.capacity <= 0) return
    this.entries.delete(key)
    this.entries.set(key, value)
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next()
      if (oldest.done !== true) this.entries.delete(oldest.value)
    }
  }

  delete (key: K): void {
    this.entries.delete(key)
  }
}
