// The records fetched from Kafka, kept as contiguous runs per partition and shared by every reader of
// the partition. A run [start, end) holds every record the log has in that range (in order; gaps only
// where the log has none: compaction, transaction markers, aborted records), so a read at any offset
// inside it is answered from memory exactly as the broker would. Runs of a partition never overlap.
// One byte budget for the whole thread: the least recently read runs are dropped beyond it. Recency is a
// list linked through the runs themselves: a read moves its run to the end by rewriting a few links, where
// a Set deleted from and re-added to on every read kept rebuilding its table.
import type { FetchedRecord } from '../../pool/messages.js'

/** Counted per record besides key and value, so that empty records satisfy `min_bytes` (Kafka counts framing too). */
const RECORD_OVERHEAD_BYTES = 8
/** What a cached record costs beyond its key and value: its object, header objects and Buffer views (an estimate). */
const RECORD_MEMORY_BYTES = 320
/** What a run costs besides its records (a run may hold none: a range of transaction markers). */
const RUN_MEMORY_BYTES = 256

export const recordBytes = (record: FetchedRecord): number =>
  RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0)

export interface Run {
  readonly start: number
  readonly end: number
  /** Offsets in [start, end), ascending. */
  readonly records: readonly FetchedRecord[]
}

interface CachedRun extends Run {
  readonly partition: string
  /** Its records' bytes as max_bytes counts them. */
  readonly bytes: number
  /** What it is counted against the budget. */
  readonly cost: number
  /** Its neighbours in the recency list (undefined at its ends, and once dropped). */
  older: CachedRun | undefined
  newer: CachedRun | undefined
}

interface PartitionRuns {
  /** Disjoint, ascending by start. */
  runs: CachedRun[]
  /** The highest last stable offset seen for the partition. */
  lastStable: number
}

export class ReadCache {
  private readonly partitions = new Map<string, PartitionRuns>()
  /** The ends of the recency list of every cached run. */
  private leastRecent: CachedRun | undefined
  private mostRecent: CachedRun | undefined
  private used = 0
  private held = 0

  constructor (private readonly budgetBytes: number) {}

  /** What the cached runs cost, as counted against the budget. */
  get bytes (): number { return this.used }

  /** Records cached, all partitions. */
  get records (): number { return this.held }

  /** The run holding `offset`, now the most recently read. */
  find (partition: string, offset: number): Run | undefined {
    const runs = this.partitions.get(partition)?.runs
    if (runs === undefined) return undefined
    const run = runs[lastStartingAtOrBefore(runs, offset)]
    if (run === undefined || offset >= run.end) return undefined
    if (run !== this.mostRecent) {
      this.unlink(run)
      this.append(run)
    }
    return run
  }

  /** Whether a cached run ends right before `offset` (a read there continues it: a sequential reader). */
  endsAt (partition: string, offset: number): boolean {
    const runs = this.partitions.get(partition)?.runs
    return runs !== undefined && runs[lastStartingAtOrBefore(runs, offset - 1)]?.end === offset
  }

  /**
   * How far the cache holds the partition without a gap from `offset` on: the end of the contiguous runs
   * and (about) their bytes from `offset`, looking no further than `enough` bytes. Does not count as a read.
   */
  ahead (partition: string, offset: number, enough: number): { end: number, bytes: number } {
    const runs = this.partitions.get(partition)?.runs ?? []
    let end = offset
    let bytes = 0
    for (let i = lastStartingAtOrBefore(runs, offset); i >= 0 && i < runs.length && bytes < enough; i++) {
      const run = runs[i] as CachedRun
      if (run.start > end || run.end <= end) break
      bytes += run.bytes * (run.end - end) / (run.end - run.start)
      end = run.end
    }
    return { end, bytes }
  }

  /** The highest last stable offset a fetch of the partition reported while it had runs cached, or −1. */
  lastStable (partition: string): number {
    return this.partitions.get(partition)?.lastStable ?? -1
  }

  /**
   * Keeps what a fetch returned: [start, end) minus the ranges already cached (the same records), then
   * drops the least recently read runs beyond the budget.
   */
  add (partition: string, fetched: Run, lastStable: number): void {
    let entry = this.partitions.get(partition)
    if (entry === undefined) {
      entry = { runs: [], lastStable }
      this.partitions.set(partition, entry)
    }
    entry.lastStable = Math.max(entry.lastStable, lastStable)
    for (const piece of uncovered(entry.runs, fetched)) {
      const bytes = piece.records.reduce((sum, r) => sum + recordBytes(r), 0)
      const run: CachedRun = { ...piece, partition, bytes, cost: RUN_MEMORY_BYTES + bytes + piece.records.length * RECORD_MEMORY_BYTES, older: undefined, newer: undefined }
      entry.runs.splice(lastStartingAtOrBefore(entry.runs, run.start) + 1, 0, run)
      this.append(run)
      this.used += run.cost
      this.held += run.records.length
    }
    this.evict()
  }

  private evict (): void {
    for (let run = this.leastRecent; run !== undefined && this.used > this.budgetBytes; run = this.leastRecent) {
      this.unlink(run)
      this.used -= run.cost
      this.held -= run.records.length
      const entry = this.partitions.get(run.partition) as PartitionRuns
      entry.runs.splice(lastStartingAtOrBefore(entry.runs, run.start), 1)
      if (entry.runs.length === 0) this.partitions.delete(run.partition)
    }
  }

  private append (run: CachedRun): void {
    run.older = this.mostRecent
    if (this.mostRecent === undefined) this.leastRecent = run
    else this.mostRecent.newer = run
    this.mostRecent = run
  }

  private unlink (run: CachedRun): void {
    if (run.older === undefined) this.leastRecent = run.newer
    else run.older.newer = run.newer
    if (run.newer === undefined) this.mostRecent = run.older
    else run.newer.older = run.older
    run.older = undefined
    run.newer = undefined
  }
}

/** Index of the last run starting at or before `offset`, −1 if none. */
function lastStartingAtOrBefore (runs: readonly Run[], offset: number): number {
  let low = 0
  let high = runs.length - 1
  let found = -1
  while (low <= high) {
    const middle = (low + high) >> 1
    if ((runs[middle] as Run).start <= offset) {
      found = middle
      low = middle + 1
    } else {
      high = middle - 1
    }
  }
  return found
}

/** The parts of `fetched` no cached run covers (each a run itself: a run's sub-range is complete too). */
export function uncovered (runs: readonly Run[], fetched: Run): Run[] {
  const pieces: Run[] = []
  let from = fetched.start
  // Runs are disjoint and sorted: those before the last one starting at or before `start` end before it.
  for (let i = Math.max(0, lastStartingAtOrBefore(runs, from)); i < runs.length; i++) {
    const run = runs[i] as Run
    if (run.end <= from) continue
    if (run.start >= fetched.end) break
    if (run.start > from) pieces.push(slice(fetched, from, run.start))
    from = Math.max(from, run.end)
    if (from >= fetched.end) break
  }
  if (from < fetched.end) pieces.push(slice(fetched, from, fetched.end))
  return pieces
}

function slice (run: Run, start: number, end: number): Run {
  return { start, end, records: run.records.filter((record) => record.offset >= start && record.offset < end) }
}
