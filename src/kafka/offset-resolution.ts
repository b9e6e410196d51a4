// Offset resolution against the log's earliest (E) and latest (L) offsets (SPEC §5).
import type { OffsetSpec } from '../offset-spec.js'

export type Resolution =
  | { readonly kind: 'offset', readonly offset: number }
  /** `last` on an empty partition: fetch answers an empty result, the offsets endpoint −1. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'outOfRange' }

const EMPTY: Resolution = { kind: 'empty' }
const OUT_OF_RANGE: Resolution = { kind: 'outOfRange' }
const at = (offset: number): Resolution => ({ kind: 'offset', offset })

/**
 * Resolves every form except `exact` on the offsets endpoint, which is a timestamp lookup.
 * On fetch, `exact` is the offset itself and must lie in [E, L].
 */
export function resolveOffset (spec: OffsetSpec, earliest: number, latest: number): Resolution {
  switch (spec.kind) {
    case 'earliest': return at(earliest)
    case 'latest': return at(latest)
    case 'fromEnd':
      if (spec.back === 1 && latest === earliest) return EMPTY
      return latest - spec.back < earliest ? OUT_OF_RANGE : at(latest - spec.back)
    case 'exact':
      return spec.value < earliest || spec.value > latest ? OUT_OF_RANGE : at(spec.value)
  }
}
