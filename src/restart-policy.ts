// What the supervisor (src/supervisor.ts) does when the gateway process ends: pure, so it is tested alone.

/** What the gateway tells the supervisor once it listens (over the IPC channel `fork` opens). */
export const LISTENING_MESSAGE = 'kastlex:listening'

/** The first restart comes quickly; a gateway that keeps dying waits longer each time, up to the cap. */
export const FIRST_RESTART_DELAY_MS = 250
export const MAX_RESTART_DELAY_MS = 10_000
/** A gateway that served this long before dying is restarted after the first delay again. */
export const STABLE_AFTER_MS = 30_000

export interface GatewayEnd {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null
  readonly signal: string | null
  /** It had reported listening: a later death is a crash, an earlier exit a start-up refusal. */
  readonly listened: boolean
  /** The supervisor had passed on SIGTERM/SIGINT: the end was asked for. */
  readonly stopping: boolean
}

export type Decision = { readonly action: 'exit', readonly code: number } | { readonly action: 'restart' }

/**
 * Stops asked for end the supervisor with the gateway's code; a gateway that exited on its own before
 * listening (bad configuration, port taken: exit 1, and it would be refused again) is not restarted;
 * any other end (a signal, a crash, a non-zero exit after listening) is restarted.
 */
export function decide (end: GatewayEnd): Decision {
  if (end.stopping) return { action: 'exit', code: end.code ?? 1 }
  if (!end.listened && end.code !== null) return { action: 'exit', code: end.code === 0 ? 1 : end.code }
  return { action: 'restart' }
}

/** The wait before the next start, from the previous wait and how long the gateway ran. */
export function restartDelay (previousMs: number | undefined, uptimeMs: number): number {
  if (previousMs === undefined || uptimeMs >= STABLE_AFTER_MS) return FIRST_RESTART_DELAY_MS
  return Math.min(previousMs * 2, MAX_RESTART_DELAY_MS)
}
