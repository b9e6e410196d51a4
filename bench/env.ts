// Benchmark settings from the environment.

const integer = (name: string, text: string, min: number, max: number): number => {
  const n = Number(text.trim())
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}: expected an integer in ${min}..${max}, got "${text}"`)
  return n
}

/** The integer in `name` (or `fallback` when unset or empty); throws naming the variable when out of min..max. */
export function envInt (name: string, fallback: string, min: number, max: number): number {
  return integer(name, process.env[name] || fallback, min, max)
}

/** The comma-separated integers in `name` (or `fallback` when unset or empty), each in min..max. */
export function envInts (name: string, fallback: string, min: number, max: number): number[] {
  return (process.env[name] || fallback).split(',').map((text) => integer(name, text, min, max))
}
