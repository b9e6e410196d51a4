// What every stream has after its handshake (SPEC §10.4a, §10.5): its target, and its token and permission,
// checked again while it lasts (a loss ends it).
import { asHttpError, type HttpError } from '../http/errors.js'

export interface StreamTarget {
  readonly topic: string
  /** The path's partition; −1 when the path has none. */
  readonly partition: number
  readonly requestId: string
  /** SPEC §2.4 steps 5–6 as the handshake passed them (RequestContext.reauthorize). */
  readonly reauthorize: () => void | Promise<void>
  /** Gives the stream's KASTLEX_STREAM_MAX_CLIENTS slot back. */
  readonly release: () => void
}

/** How often a stream's token and permission are checked again (SPEC: a loss is noticed within 30 s). */
export const RECHECK_MS = 5_000

/**
 * Runs `reauthorize` (RequestContext.reauthorize) every RECHECK_MS; `lost` gets the 401 of an expired or
 * revoked token, or the 403 of a reload that took the permission away. Anything else (a 503: the token
 * store not ready) is tried again at the next check. Returns the function that stops the checks.
 */
export function watchAuthorization (reauthorize: () => void | Promise<void>, lost: (error: HttpError) => void): () => void {
  const failed = (err: unknown): void => {
    const error = asHttpError(err)
    if (error.status === 401 || error.status === 403) lost(error)
  }
  const timer = setInterval(() => {
    try {
      const outcome = reauthorize()
      if (outcome instanceof Promise) outcome.catch(failed)
    } catch (err) {
      failed(err)
    }
  }, RECHECK_MS)
  timer.unref()
  return () => clearInterval(timer)
}
