// The route table (SPEC §3) of the routes this gateway serves.
import type { AccessControl } from '../auth/access.js'
import type { TokenIssuer } from '../auth/jwt.js'
import type { LoginRateLimiter } from '../auth/rate-limit.js'
import type { TokenStore } from '../auth/token-store.js'
import type { Config } from '../config.js'
import { IdempotencyStore } from '../http/idempotency.js'
import type { Route } from '../http/router.js'
import type { StreamSlots } from '../http/stream-slots.js'
import type { Logger } from '../log.js'
import type { OffsetsMonitor } from '../cluster/offsets-monitor.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import type { KafkaClient } from '../pool/kafka-client.js'
import { adminRoutes } from './admin.js'
import { batchRoutes } from './batch.js'
import { brokerRoutes } from './brokers.js'
import { consumerRoutes } from './consumers.js'
import { consumeStreamRoute } from './consume-stream.js'
import { dashboardRoute } from './dashboard.js'
import { healthRoutes } from './health.js'
import { loginRoute } from './login.js'
import { messageRoutes } from './messages.js'
import { metricsRoute } from './metrics.js'
import { guardNames } from './name-guard.js'
import type { MetadataCache } from '../cluster/metadata-cache.js'
import { offsetsRoute } from './offsets.js'
import { openapiRoute } from './openapi.js'
import { produceStreamRoutes } from './produce-stream.js'
import { topicRoutes } from './topics.js'
import { urpRoutes } from './urp.js'

export interface Services {
  readonly kafka: KafkaClient
  readonly metadata: MetadataCache
  readonly metrics: GatewayMetrics
  readonly offsets: OffsetsMonitor
  readonly excludedGroup: (group: string) => boolean
  readonly access: AccessControl
  readonly issuer: TokenIssuer
  readonly limiter: LoginRateLimiter
  readonly tokens: TokenStore | undefined
  readonly log: Logger
  /** KASTLEX_STREAM_MAX_CLIENTS, shared by every kind of stream. */
  readonly streams: StreamSlots
}

export function apiRoutes (config: Config, { kafka, metadata, metrics, offsets, excludedGroup, access, issuer, limiter, tokens, log, streams }: Services): Route[] {
  // One per instance, shared by both produce routes (SPEC §10.6).
  const idempotency = new IdempotencyStore({ ttlMs: config.idempotency.ttlSeconds * 1000, maxKeys: config.idempotency.maxKeys })
  return guardNames([
    dashboardRoute(),
    loginRoute({ access, issuer, limiter, trustProxyHops: config.auth.trustProxyHops, tokens }),
    ...adminRoutes(access, tokens),
    ...healthRoutes(metadata, tokens),
    openapiRoute(),
    metricsRoute(metrics),
    ...topicRoutes(metadata, kafka),
    ...brokerRoutes(metadata, config.kafka.securityProtocol),
    offsetsRoute(kafka, metadata),
    ...messageRoutes({ kafka, metadata, maxBodyBytes: config.maxBodyBytes, fetchMaxBytesLimit: config.fetchMaxBytesLimit, metrics, idempotency }),
    ...batchRoutes({ kafka, metadata, maxBodyBytes: config.maxBodyBytes, maxRecords: config.batchMaxRecords, metrics, idempotency }),
    ...produceStreamRoutes({ kafka, metadata, metrics, log, maxRecords: config.batchMaxRecords, maxInFlight: config.produceStreamMaxInFlight }, streams),
    consumeStreamRoute({ kafka, metadata, metrics, log, fetchMaxBytesLimit: config.fetchMaxBytesLimit }, streams),
    ...urpRoutes(metadata),
    ...consumerRoutes({ kafka, offsets, excluded: excludedGroup })
  ], config.auth.tokenTopic)
}
