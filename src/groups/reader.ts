// Kafka protocol primitives for the decoders of __consumer_offsets and of the consumer protocol.

/** Thrown by Reader on bad bytes (one instance, no stack capture per record); the decoders catch it. */
const MALFORMED = new RangeError('malformed Kafka protocol bytes')

/**
 * Kafka protocol primitives over one Buffer (big-endian), as in Kafka's `Readable`. Every read is
 * bounds-checked and throws MALFORMED; a null where the field is not nullable is MALFORMED too, as
 * Kafka's generated readers reject it. Used by consumer-offsets.ts and consumer-protocol.ts.
 */
export class Reader {
  private offset = 0
  constructor (private readonly buf: Buffer) {}

  private take (n: number): number {
    const at = this.offset
    if (n > this.buf.length - at) throw MALFORMED
    this.offset = at + n
    return at
  }

  int16 (): number { return this.buf.readInt16BE(this.take(2)) }
  int32 (): number { return this.buf.readInt32BE(this.take(4)) }

  /** Exact within ±2^53, without BigInt. */
  int64 (): number {
    const at = this.take(8)
    return this.buf.readInt32BE(at) * 0x1_0000_0000 + this.buf.readUInt32BE(at + 4)
  }

  /** Unsigned varint of at most 5 bytes (a 32-bit value), as Kafka's ByteUtils.readUnsignedVarint. */
  uvarint (): number {
    let value = 0
    for (let shift = 0; shift <= 28; shift += 7) {
      const b = this.buf[this.take(1)]
      value += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return value
    }
    throw MALFORMED
  }

  private utf8 (length: number): string {
    const at = this.take(length)
    return this.buf.toString('utf8', at, at + length)
  }

  /** Length (int16) −1 = null. */
  nullableString (): string | null {
    const length = this.int16()
    if (length === -1) return null
    if (length < 0) throw MALFORMED
    return this.utf8(length)
  }

  string (): string {
    const s = this.nullableString()
    if (s === null) throw MALFORMED
    return s
  }

  /** Length + 1 as unsigned varint, 0 = null. */
  compactNullableString (): string | null {
    const n = this.uvarint()
    return n === 0 ? null : this.utf8(n - 1)
  }

  compactString (): string {
    const s = this.compactNullableString()
    if (s === null) throw MALFORMED
    return s
  }

  private copy (length: number): Buffer {
    const at = this.take(length)
    return Buffer.from(this.buf.subarray(at, at + length))
  }

  /** Length (int32) −1 = null. A copy, so a kept value does not pin the record's buffer. */
  nullableBytes (): Buffer | null {
    const length = this.int32()
    if (length === -1) return null
    if (length < 0) throw MALFORMED
    return this.copy(length)
  }

  bytes (): Buffer {
    const b = this.nullableBytes()
    if (b === null) throw MALFORMED
    return b
  }

  compactBytes (): Buffer {
    const n = this.uvarint()
    if (n === 0) throw MALFORMED
    return this.copy(n - 1)
  }

  /** Element count (int32) of a non-nullable array. */
  arrayLength (): number {
    const n = this.int32()
    if (n < 0) throw MALFORMED
    return n
  }

  /** Element count + 1 (unsigned varint) of a non-nullable compact array. */
  compactArrayLength (): number {
    const n = this.uvarint()
    if (n === 0) throw MALFORMED
    return n - 1
  }

  /** _tagged_fields => count:uvarint [tag:uvarint size:uvarint data:byte[size]] — all skipped. */
  skipTaggedFields (): void {
    const count = this.uvarint()
    for (let i = 0; i < count; i++) {
      this.uvarint()
      this.take(this.uvarint())
    }
  }
}
