// Closing the gateway's parts on stop without letting one that hangs (a librdkafka close that never
// returns) keep the process alive: each part gets the same deadline, and what did not close is named.

/** Runs the closes together for at most timeoutMs; returns, by name, those still closing then or failed. */
export async function closeWithin (timeoutMs: number, closes: Readonly<Record<string, (() => Promise<void>) | undefined>>): Promise<Record<string, string>> {
  const problems: Record<string, string> = {}
  const running = Object.entries(closes).flatMap(([name, close]) => close === undefined
    ? []
    : [(async () => {
        problems[name] = `still closing after ${timeoutMs} ms`
        try {
          await close()
          delete problems[name]
        } catch (err) {
          problems[name] = String((err as Error)?.message ?? err)
        }
      })()])
  let timer: NodeJS.Timeout | undefined
  await Promise.race([Promise.all(running), new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs) })])
  clearTimeout(timer)
  return { ...problems } // a snapshot: a close that ends after the deadline still edits `problems`
}
