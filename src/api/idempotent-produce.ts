// How the produce routes (SPEC §4.7, §10.4) use `Idempotency-Key` (§10.6). The key is a header, checked
// with the parameters (§2.4 step 7); the fingerprint needs the body, so the store is consulted once the
// body is read, after authentication and permission (the user is part of the key). The route's work runs
// inside it, Kafka hand-off included: a record handed to Kafka has its answer kept even when the client
// left before reading it, and one never handed off (the client gone first: 499) is not kept.
import { fingerprint, IDEMPOTENCY_KEY_HEADER, idempotencyKey, type IdempotencyStore } from '../http/idempotency.js'
import type { Reply, RequestContext } from '../http/router.js'

/** Runs a produce route's work once its body is read: under the request's key if it has one. */
export type ProduceRunner = (fields: { readonly key: Buffer | undefined, readonly body: Buffer }, work: () => Promise<Reply>) => Promise<Reply>

/**
 * Reads the request's key (400 when malformed); call before awaiting the body. Undefined without a key: the
 * work runs as it is (no runner, no extra hop on the common path).
 */
export function idempotentProduce (store: IdempotencyStore, ctx: RequestContext): ProduceRunner | undefined {
  const key = idempotencyKey(ctx.headers.all(IDEMPOTENCY_KEY_HEADER))
  if (key === undefined) return undefined
  return async ({ key: recordKey, body }, work) => {
    const print = fingerprint([ctx.method, ctx.path, recordKey, ctx.headers.get('x-message-headers'), body])
    return await store.run(ctx.user, key, print, work)
  }
}
