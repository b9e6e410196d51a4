// Offset parameters (SPEC §5); integers are read strictly (SPEC §2.3, ../integers.ts).
import { parseInt64 } from '../integers.js'
import type { OffsetSpec } from '../offset-spec.js'

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
