// The end of the process after a stop. process.exit() runs the native cleanup of every librdkafka client,
// and a client whose close hung (a broker that stopped answering) keeps that cleanup, and so exit(),
// from ever returning: measured, such processes stayed alive for minutes. The addon's _exit skips it.
import { loadAddon } from './kafka/addon.js'

/** Under `--cpu-prof` (BENCH_CPU_PROF), whose profile is written by a normal exit only. */
const PROFILING = process.execArgv.some((arg) => arg.startsWith('--cpu-prof'))

/**
 * Ends the process with `code` at once; write (and flush) the last log lines first. A profiled process
 * exits normally so that its profile is written (the deadline of exitAfter still bounds it).
 */
export function exitNow (code: number): never {
  if (PROFILING) process.exit(code)
  return loadAddon().exitNow(code)
}

/**
 * Ends the process with `code` after `ms` unless it ended before, from a native thread: it works even
 * while the JavaScript thread is stuck in a native call, where no timer would fire.
 */
export function exitAfter (ms: number, code: number): void {
  loadAddon().exitAfter(ms, code)
}
