// Benchmark settings from the environment.

/** The integer in `name` (or `fallback` when unset or empty); throws naming the variable when out of min..max. */
export function envInt (name: string, fallback: string, min: number, max: number): number {
  const text = process.env[name] || fallback
  const n = Number(text.trim())
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected an integer in ${min}..${max}, got "${text}"`)
  return n
}
