// One full garbage collection of this thread's heap, on demand. For a moment after which the heap holds far
// less than V8 has room for, and V8 would not look for a long time: the offsets tail's catch-up replays
// millions of records (each decoded, most replaced by a later one), and an idle gateway then allocates too
// little for V8 to collect the old space it filled; the replay's garbage stayed in the RSS (issue 15).
// Node exposes gc() only with V8's --expose-gc. The gateway sets it once, on its main thread before any
// worker starts (allowFullCollection, from main.ts): V8's flags are the process's, and changing one while
// other threads run JavaScript is not safe. Every context created afterwards, a worker's too, has gc().
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** At process start, before any worker thread: lets fullCollection() collect. */
export function allowFullCollection (): void {
  setFlagsFromString('--expose-gc')
}

/** Collects this thread's whole heap at once; does nothing unless allowFullCollection() ran first. */
export function fullCollection (): void {
  const gc = (globalThis as { gc?: () => void }).gc ?? newContextGc()
  gc?.()
}

/** gc() of a new context: the thread's own global lacks it when the flag was set after this thread started. */
function newContextGc (): (() => void) | undefined {
  return runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined
}
