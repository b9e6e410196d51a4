// The record bytes of a Fetch answer as the socket delivered them: the chunks of one read each (the
// library's DynamicBuffer holds them), read where they are. Joining them first would copy the whole
// answer (a producer's batch is up to 1 MB) for a random read that keeps one record of it.

const EMPTY = Buffer.alloc(0)

export class ChunkedBytes {
  readonly length: number
  readonly #chunks: readonly Buffer[]
  /** Where each chunk starts in the whole. */
  readonly #starts: number[]

  constructor (chunks: readonly Buffer[]) {
    this.#chunks = chunks.filter((chunk) => chunk.length > 0)
    this.#starts = []
    let length = 0
    for (const chunk of this.#chunks) {
      this.#starts.push(length)
      length += chunk.length
    }
    this.length = length
  }

  static of (buffer: Buffer): ChunkedBytes {
    return new ChunkedBytes([buffer])
  }

  /** The index of the chunk holding `position` (0 ≤ position < length). */
  chunkIndex (position: number): number {
    if (position < 0 || position >= this.length) throw new RangeError(`position ${position} outside 0…${this.length - 1}`)
    let low = 0
    let high = this.#chunks.length - 1
    while (low < high) {
      const middle = (low + high + 1) >>> 1
      if ((this.#starts[middle] as number) <= position) low = middle
      else high = middle - 1
    }
    return low
  }

  chunk (index: number): Buffer { return this.#chunks[index] as Buffer }
  chunkStart (index: number): number { return this.#starts[index] as number }

  readInt16BE (position: number): number { return this.#fixed(position, 2).readInt16BE(0) }
  readInt32BE (position: number): number { return this.#fixed(position, 4).readInt32BE(0) }
  readBigInt64BE (position: number): bigint { return this.#fixed(position, 8).readBigInt64BE(0) }

  /** [start, end) as one Buffer: a view of the chunk when one chunk holds it all, else a copy. */
  view (start: number, end: number): Buffer {
    if (start === end) return EMPTY
    const index = this.chunkIndex(start)
    const at = start - (this.#starts[index] as number)
    const chunk = this.#chunks[index] as Buffer
    if (at + (end - start) <= chunk.length) return chunk.subarray(at, at + (end - start))
    return this.copy(start, end)
  }

  /** [start, end) in memory of its own. */
  copy (start: number, end: number): Buffer {
    if (end > this.length) throw new RangeError(`end ${end} beyond ${this.length}`)
    const copy = Buffer.allocUnsafe(end - start)
    let index = start === end ? 0 : this.chunkIndex(start)
    for (let filled = 0; filled < copy.length; index++) {
      const chunk = this.#chunks[index] as Buffer
      const from = start + filled - (this.#starts[index] as number)
      filled += chunk.copy(copy, filled, from, Math.min(chunk.length, from + copy.length - filled))
    }
    return copy
  }

  /** `size` bytes at `position`, a view when one chunk holds them (the batch header fields). */
  #fixed (position: number, size: number): Buffer {
    if (position + size > this.length) throw new RangeError(`${size} bytes at ${position} run past ${this.length}`)
    return this.view(position, position + size)
  }
}

/**
 * Reads varints and the byte strings they prefix forward from `position`: across the chunks of an answer,
 * or in one Buffer (a record's own copy, read without the bookkeeping of chunks).
 */
export class VarintReader {
  position: number
  /** undefined: the source is the one Buffer in #chunk. */
  readonly #bytes: ChunkedBytes | undefined
  readonly #length: number
  #chunk: Buffer = EMPTY
  #chunkStart = 0

  constructor (source: ChunkedBytes | Buffer, position = 0) {
    if (source instanceof ChunkedBytes) {
      this.#bytes = source
    } else {
      this.#bytes = undefined
      this.#chunk = source
    }
    this.#length = source.length
    this.position = position
  }

  unsigned (): number {
    let value = 0
    let scale = 1
    let byte: number
    do {
      byte = this.#byte()
      value += (byte & 0x7f) * scale
      scale *= 128
    } while ((byte & 0x80) !== 0)
    return value
  }

  signed (): number {
    const zigzag = this.unsigned()
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2
  }

  /** A varint-length byte string (a view where one chunk holds it), null for length −1. */
  bytes (): Buffer | null {
    const length = this.signed()
    if (length < 0) return null
    const start = this.position
    this.position += length
    if (this.position > this.#length) throw new Error('record batch: record runs past its batch')
    return this.#bytes === undefined ? this.#chunk.subarray(start, this.position) : this.#bytes.view(start, this.position)
  }

  #byte (): number {
    let at = this.position - this.#chunkStart
    if (at < 0 || at >= this.#chunk.length) {
      if (this.position >= this.#length || this.#bytes === undefined) throw new Error('record batch: truncated varint')
      const index = this.#bytes.chunkIndex(this.position)
      this.#chunk = this.#bytes.chunk(index)
      this.#chunkStart = this.#bytes.chunkStart(index)
      at = this.position - this.#chunkStart
    }
    this.position++
    return this.#chunk[at] as number
  }
}
