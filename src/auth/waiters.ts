// Callers waiting for one event, each for at most its own timeout. A caller whose timeout fires is
// removed at once, so an event that never comes leaves nothing behind however many gave up on it.

export class Waiters {
  private readonly pending = new Set<(released: boolean) => void>()

  /** Callers still waiting. */
  get size (): number {
    return this.pending.size
  }

  /** Resolves with the value given to `release`, or false after `timeoutMs`. */
  async wait (timeoutMs: number): Promise<boolean> {
    return await new Promise((resolve) => {
      const done = (released: boolean): void => {
        clearTimeout(timer)
        this.pending.delete(done)
        resolve(released)
      }
      const timer = setTimeout(() => done(false), timeoutMs)
      this.pending.add(done)
    })
  }

  /** Resolves every current caller with `released`; later callers wait for the next release. */
  release (released = true): void {
    const callers = [...this.pending]
    this.pending.clear()
    for (const done of callers) done(released)
  }
}
