// The offset a successful delivery report is answered with: the record's, or −1 when librdkafka does
// not know it (as with acks 0, SPEC §4.7; the Java client's RecordMetadata says −1 likewise).
//
// librdkafka numbers a Kafka batch's records from the base offset the broker answered: base, base + 1, …
// For a retried batch the broker answers DUPLICATE_SEQUENCE_NUMBER (the first attempt was written), it
// reports success from base −1: −1, 0, 1, … are offsets of other records (librdkafka 2.12, its mock
// broker answering a batch of 4 after offsets 0–2 so: reported −1, 0, 1, 2). Records it takes as written
// because a later batch was acknowledged keep −1001.
// So a report is not the record's offset when negative, or when exactly one above the previous report of
// its partition that was not. A genuine one never is: the records reported −1 … n − 2 lie at g … g + n − 1
// (g ≥ 0), so the partition's next batch starts at n or above.

export const UNKNOWN_OFFSET = -1

export class DeliveredOffsets {
  /** Per partition whose latest report was not the record's offset: that report, until one is. */
  private readonly unknownRuns = new Map<string, number>()

  /** The record's offset, or UNKNOWN_OFFSET; a partition's reports must come in librdkafka's order. */
  offset (topic: string, partition: number, reported: number): number {
    // The usual case costs no lookup: no partition is in a run of unknown offsets.
    if (reported >= 0 && this.unknownRuns.size === 0) return reported
    const key = `${partition}:${topic}`
    const run = this.unknownRuns.get(key)
    if (reported >= 0 && (run === undefined || reported !== run + 1)) {
      if (run !== undefined) this.unknownRuns.delete(key)
      return reported
    }
    this.unknownRuns.set(key, reported)
    return UNKNOWN_OFFSET
  }
}
