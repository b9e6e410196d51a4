// The offset a request names (SPEC §5): read by src/http/params.ts, resolved against the log by
// src/kafka/offset-resolution.ts; a leaf so that neither imports the other.

/** A request for an offset, before it is resolved against the log (SPEC §5). */
export type OffsetSpec =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  /** L − back, back ≥ 1 (`last` and `-1` are back = 1). */
  | { readonly kind: 'fromEnd', readonly back: number }
  /** Fetch: the exact offset. Offsets endpoint: a timestamp. */
  | { readonly kind: 'exact', readonly value: number }
