// SPEC §10.6a: request bodies in flight across all connections stay under one bound. Each body reserves
// its bytes (the declared length up front, or chunk by chunk when chunked) and gives them back when its
// request ends, however it ends.

export class BodyBudget {
  private reserved = 0

  constructor (readonly limit: number) {}

  /** Bytes reserved by bodies whose requests have not ended. */
  get inFlight (): number {
    return this.reserved
  }

  /** Takes `bytes` if they fit under the limit; false (and nothing taken) otherwise. */
  reserve (bytes: number): boolean {
    if (this.reserved + bytes > this.limit) return false
    this.reserved += bytes
    return true
  }

  release (bytes: number): void {
    this.reserved -= bytes
  }
}
