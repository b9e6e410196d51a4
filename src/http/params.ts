// Offset parameters (SPEC §5); integers are read strictly (SPEC §2.3, ../integers.ts).
import { parseInt64 } from '../integers.js'

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
