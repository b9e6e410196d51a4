// Strict integers (SPEC §2.3): the whole string must be an integer in range. A leaf: request parameters
// (http/params, api/*) and the configuration (config.ts) both read integers this way.

const INTEGER = /^-?[0-9]+$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
export const INT32_MAX = 2 ** 31 - 1

/** The integer `raw` denotes if it lies in [min, max]; undefined otherwise. `-0` is 0. */
export function parseInteger (raw: string, min: number, max: number): number | undefined {
  const value = parseInt64(raw)
  return value !== undefined && value >= min && value <= max ? value : undefined
}

/**
 * A signed 64-bit integer. Values beyond 2^53 lose precision as numbers; they only ever compare
 * against real offsets and timestamps, which are far smaller, so the outcome (out of range) is kept.
 */
export function parseInt64 (raw: string): number | undefined {
  if (!INTEGER.test(raw)) return undefined
  const digits = raw.replace(/^(-?)0+(?=[0-9])/, '$1')
  if (digits.length > 20) return undefined
  const big = BigInt(digits)
  return big >= INT64_MIN && big <= INT64_MAX ? Number(big) + 0 : undefined
}
