// Where sequential readers will ask next: the offset right after each recent answer, per partition. A
// fetch at one of them continues a reader's walk (Fetcher reads ahead for it).
//
// Numbers in a small array per partition, not a Set of "partition, offset" strings: that Set took a new
// string and dropped an old one on every fetch, kept replacing its hash table, and V8 then promoted every
// fetch's objects to the old generation (issue 11's fetch-binary p99, 2 workers).

/** Partitions remembered; beyond it the one remembered longest ago is forgotten. */
const PARTITIONS = 4096

export class ExpectedOffsets {
  private readonly byPartition = new Map<string, number[]>()

  /** `perPartition`: the offsets kept per partition (about the sequential readers of one partition). */
  constructor (private readonly perPartition: number) {}

  /** Whether `offset` was expected on `partition`; it is no longer. */
  take (partition: string, offset: number): boolean {
    const offsets = this.byPartition.get(partition)
    const at = offsets === undefined ? -1 : offsets.indexOf(offset)
    if (at < 0) return false
    remove(offsets as number[], at)
    return true
  }

  /** Expects `offset` on `partition` (the oldest of a full partition makes room). */
  add (partition: string, offset: number): void {
    let offsets = this.byPartition.get(partition)
    if (offsets === undefined) {
      if (this.byPartition.size >= PARTITIONS) this.byPartition.delete(this.byPartition.keys().next().value as string)
      offsets = []
      this.byPartition.set(partition, offsets)
    }
    if (offsets.includes(offset)) return
    if (offsets.length >= this.perPartition) remove(offsets, 0)
    offsets.push(offset)
  }
}

/** Removes `offsets[at]`, keeping the order (oldest first) without allocating. */
function remove (offsets: number[], at: number): void {
  offsets.copyWithin(at, at + 1)
  offsets.length--
}
