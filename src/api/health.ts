// GET /health and GET /ready (SPEC §10.1), for load balancers. No auth, no negotiation.
import type { TokenStore } from '../auth/token-store.js'
import { notReady } from '../http/errors.js'
import type { Route } from '../http/router.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'

const OK = JSON.stringify({ status: 'ok' })
/** Kafka counts as reachable when a metadata request succeeded this recently… */
const KAFKA_FRESH_MS = 10_000
/** …else one is made now, and waited for this long. */
const KAFKA_CHECK_TIMEOUT_MS = 2_000

export function healthRoutes (metadata: MetadataCache, tokens: TokenStore | undefined): Route[] {
  return [
    { method: 'GET', template: '/health', negotiation: 'none', handle: () => ({ status: 200, body: OK }) },
    {
      method: 'GET',
      template: '/ready',
      negotiation: 'none',
      handle: async () => {
        const kafka = await metadata.reachable(KAFKA_FRESH_MS, KAFKA_CHECK_TIMEOUT_MS) ? 'ok' : 'failing'
        const tokenStore = tokens?.state ?? 'disabled'
        const checks = { kafka, token_store: tokenStore }
        if (kafka === 'ok' && tokenStore !== 'pending') return { status: 200, body: JSON.stringify({ status: 'ready', checks }) }
        const refusal = notReady(checks)
        return { status: refusal.status, body: refusal.body() }
      }
    }
  ]
}
