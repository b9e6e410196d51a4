// The project's N-API addon (native/, binding.gyp), loaded once per thread that uses it (it is context-aware):
// the admin calls and metadata (admin-client.ts), the batch producer (producer.ts, native/producer.cc), the
// partition reader (partition-reader.ts, native/partition-reader.cc) and exitNow/exitAfter (exit-now.ts).
import { loadNativeAddon } from '../native-addon.js'
import type { NativeAdminHandle, RawMetadata } from './admin-client.js'
import type { OutgoingRecord } from './producer.js'

const ADDON_FILE = 'kastlex_admin.node'

/** A report's fields in ProducerHandle's packed reports: batch number, index, error (0 = none), partition, offset. */
export const REPORT_FIELDS = 5

export interface NativeProducerHandle {
  /** Undefined, or [index, error, …] of the records librdkafka refused at once (no report follows for them). */
  produce (topic: string, records: readonly OutgoingRecord[], partition: number, batch: number, timestampMs: number): Int32Array | undefined
  /** One record as batch `batch` of one, its fields given apart; 0, or the error refusing it at once (no report follows). */
  produceOne (topic: string, key: Buffer | null, value: Buffer | null, headers: ReadonlyArray<readonly [string, string]>, partition: number, batch: number, timestampMs: number): number
  /** Drops what is still queued, without reports. Idempotent. */
  close (): void
}

/** A pull's entries: a header of PULL_HEADER_BYTES (kind, partition, key length, value length: little-endian int32, −1 = null), then the key's and the value's bytes. */
export const PULL_HEADER_BYTES = 16
export const PULL_RECORD = 0
/** The end of a partition (enable.partition.eof): no key, no value. */
export const PULL_END_OF_PARTITION = 1

export interface NativePartitionReader {
  /** The metadata of that one topic (a missing topic has no partitions). */
  partitions (topic: string, timeoutMs: number): Promise<RawMetadata>
  /** Reads these partitions of `topic` from `offset` (−2 the earliest), replacing any assignment. */
  assign (topic: string, partitions: readonly number[], offset: number): void
  /** Up to maxRecords entries packed in one Buffer (PULL_*), waiting up to waitMs for the first. */
  pull (maxRecords: number, waitMs: number): Promise<Buffer>
  /** Destroys the client once no call is in flight. Idempotent. */
  close (): void
}

export interface NativeAddon {
  AdminHandle: new (properties: Record<string, string>) => NativeAdminHandle
  /** onEvent(reports): REPORT_FIELDS numbers per delivery report, in librdkafka's order; onEvent(json): statistics. */
  ProducerHandle: new (properties: Record<string, string>, onEvent: (event: Float64Array | string) => void) => NativeProducerHandle
  PartitionReader: new (properties: Record<string, string>) => NativePartitionReader
  /** What the producer answers for successful delivery reports [topic, partition, reported], in order (native/offset-runs.h). */
  answerOffsets: (reports: Array<[string, number, number]>) => number[]
  librdkafkaVersion: string
  /** _exit(code) after flushing stdio: no exit handlers, no native cleanup (see src/exit-now.ts). */
  exitNow: (code: number) => never
  /** The same `ms` from now, from a thread of its own. */
  exitAfter: (ms: number, code: number) => void
}

let addon: NativeAddon | undefined

/** The addon, loaded on first use. */
export function loadAddon (): NativeAddon {
  addon ??= loadNativeAddon(ADDON_FILE) as NativeAddon
  return addon
}
