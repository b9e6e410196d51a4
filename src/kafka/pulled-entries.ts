// The entries of one PartitionReader pull (native/partition-reader.cc): records and ends of partitions, in
// librdkafka's order. Keys and values are views of the pulled Buffer, valid while it is.
import { PULL_END_OF_PARTITION, PULL_HEADER_BYTES, PULL_RECORD } from './addon.js'

export interface PulledEntryHandler {
  record (partition: number, key: Buffer | null, value: Buffer | null): void
  endOfPartition (partition: number): void
}

/** Calls `handler` for each entry of `pulled`, in order. Throws RangeError on a truncated entry or an unknown kind. */
export function forEachPulledEntry (pulled: Buffer, handler: PulledEntryHandler): void {
  let at = 0
  while (at < pulled.length) {
    if (pulled.length - at < PULL_HEADER_BYTES) throw new RangeError('pulled entry header truncated')
    const kind = pulled.readInt32LE(at)
    const partition = pulled.readInt32LE(at + 4)
    const keyLength = pulled.readInt32LE(at + 8)
    const valueLength = pulled.readInt32LE(at + 12)
    at += PULL_HEADER_BYTES
    const key = view(pulled, at, keyLength)
    at += Math.max(keyLength, 0)
    const value = view(pulled, at, valueLength)
    at += Math.max(valueLength, 0)
    if (kind === PULL_RECORD) handler.record(partition, key, value)
    else if (kind === PULL_END_OF_PARTITION) handler.endOfPartition(partition)
    else throw new RangeError(`pulled entry of unknown kind ${kind}`)
  }
}

function view (pulled: Buffer, at: number, length: number): Buffer | null {
  if (length === -1) return null
  if (length < -1 || length > pulled.length - at) throw new RangeError('pulled entry truncated')
  return pulled.subarray(at, at + length)
}
