// The project's N-API addon (native/, binding.gyp), loaded once per thread that uses it (it is context-aware):
// the admin calls and metadata (admin-client.ts), the batch producer (producer.ts, native/producer.cc) and
// exitNow/exitAfter (exit-now.ts).
import { loadNativeAddon } from '../native-addon.js'
import type { NativeAdminHandle } from './admin-client.js'
import type { OutgoingRecord } from './producer.js'

const ADDON_FILE = 'kastlex_admin.node'

/** A report's fields in ProducerHandle's packed reports: batch number, index, error (0 = none), partition, offset. */
export const REPORT_FIELDS = 5

export interface NativeProducerHandle {
  /** Undefined, or [index, error, …] of the records librdkafka refused at once (no report follows for them). */
  produce (topic: string, records: readonly OutgoingRecord[], partition: number, batch: number, timestampMs: number): Int32Array | undefined
  /** Drops what is still queued, without reports. Idempotent. */
  close (): void
}

export interface NativeAddon {
  AdminHandle: new (properties: Record<string, string>) => NativeAdminHandle
  /** onEvent(reports): REPORT_FIELDS numbers per delivery report, in librdkafka's order; onEvent(json): statistics. */
  ProducerHandle: new (properties: Record<string, string>, onEvent: (event: Float64Array | string) => void) => NativeProducerHandle
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
