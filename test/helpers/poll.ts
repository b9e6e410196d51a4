// Waiting for something that happens asynchronously (another instance's tail, a refresh interval):
// poll with a deadline, never a fixed sleep.

/** Polls `probe` until `done` holds or `timeoutMs` passed; returns the last value either way (the caller asserts). */
export async function eventually<T> (probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
