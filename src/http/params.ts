// Strict parameter parsing (SPEC §2.3, §5): the whole string must be an integer in range.

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

/** A request for an offset, before it is resolved against the log (SPEC §5). */
export type OffsetSpec =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  /** L − back, back ≥ 1 (`last` and `-1` are back = 1). */
  | { readonly kind: 'fromEnd', readonly back: number }
  /** Fetch: the exact offset. Offsets endpoint: a timestamp. */
  | { readonly kind: 'exact', readonly value: number }

export const EARLIEST: OffsetSpec = { kind: 'earliest' }
export const LATEST: OffsetSpec = { kind: 'latest' }
export const LAST: OffsetSpec = { kind: 'fromEnd', back: 1 }

/** `earliest`, `latest`, `last`, a negative or a non-negative integer; undefined when malformed. */
export function parseOffsetSpec (raw: string): OffsetSpec | undefined {
  switch (raw) {
    case 'earliest': return EARLIEST
    case 'latest': return LATEST
    case 'last': return LAST
  }
  const value = parseInt64(raw)
  if (value === undefined) return undefined
  return value < 0 ? { kind: 'fromEnd', back: -value } : { kind: 'exact', value }
}
