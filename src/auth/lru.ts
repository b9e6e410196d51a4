// A bounded map that keeps what was used recently, in two generations (as quick-lru does): entries are
// set in the current one; when it is full it becomes the previous one and the one before is dropped. A
// read of the current generation writes nothing; a read of the previous one moves the entry forward.
//
// Why not one Map re-inserting on every read: a long-lived Map that deletes and re-inserts on every
// request keeps replacing its hash table, and V8 then promoted every request's objects to the old
// generation (scavenges of 2.5 ms, a mark-compact every 0.5 s under produce with a token; bench:micro).

export class LruMap<K, V> {
  private current = new Map<K, V>()
  private previous = new Map<K, V>()
  private readonly generation: number

  /**
   * At most `capacity` entries (rounded up to even); an entry is dropped once `capacity / 2` to `capacity`
   * others were set or read after its last use. `capacity` 0 keeps nothing.
   */
  constructor (capacity: number) {
    this.generation = Math.ceil(Math.max(0, capacity) / 2)
  }

  get size (): number {
    return this.current.size + this.previous.size
  }

  get (key: K): V | undefined {
    const value = this.current.get(key)
    if (value !== undefined) return value
    const older = this.previous.get(key)
    if (older !== undefined) {
      this.previous.delete(key)
      this.add(key, older)
    }
    return older
  }

  set (key: K, value: V): void {
    if (this.generation === 0) return
    if (this.current.has(key)) {
      this.current.set(key, value)
      return
    }
    this.previous.delete(key)
    this.add(key, value)
  }

  delete (key: K): void {
    this.current.delete(key)
    this.previous.delete(key)
  }

  private add (key: K, value: V): void {
    if (this.current.size >= this.generation) {
      this.previous = this.current
      this.current = new Map()
    }
    this.current.set(key, value)
  }
}
