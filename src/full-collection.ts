// One full garbage collection of this thread's heap, on demand. For a moment after which the heap holds far
// less than V8 has room for, and V8 would not look for a long time: the offsets tail's catch-up replays
// millions of records (each decoded, most replaced by a later one), and an idle gateway then allocates too
// little for V8 to collect the old space it filled; the replay's garbage stayed in the RSS (issue 15).
// Node exposes gc() only with --expose-gc; the flag can be set at run time, and a new context then has it.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let collect: (() => void) | undefined

export function fullCollection (): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc')
    collect = runInNewContext('gc') as () => void
  }
  collect()
}
