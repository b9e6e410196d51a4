// GET /metrics (SPEC §8): Prometheus text (prom-client's registry and the offset families).
import type { Route } from '../http/router.js'
import { METRICS_CONTENT_TYPE, type GatewayMetrics } from '../metrics/gateway-metrics.js'

export function metricsRoute (metrics: GatewayMetrics): Route {
  return {
    method: 'GET',
    template: '/metrics',
    negotiation: 'none',
    // Checked only with KASTLEX_METRICS_AUTH (authentication issue).
    action: 'metrics',
    handle: async () => ({ status: 200, contentType: METRICS_CONTENT_TYPE, body: await metrics.text() })
  }
}
