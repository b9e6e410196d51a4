// The gateway's configuration: the KASTLEX_* variables of config/variables.ts, read and checked in one
// place (SPEC §9), assembled into the settings each part uses. Nothing else reads process.env. All
// problems are collected and reported together.
import { readVariables, type Env, type Values } from './config/reader.js'
import { ACCEPTED_SILENTLY, HTTPS_VARIABLES, IGNORED, VARIABLES, type LogLevel } from './config/variables.js'
import type { CorsOrigins } from './http/cors.js'

export { DEFAULT_WORKERS, type LogLevel } from './config/variables.js'

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'

export interface KafkaConfig {
  /** librdkafka properties shared by every client: bootstrap, TLS, SASL. */
  readonly common: Readonly<Record<string, string | number | boolean>>
  /** librdkafka properties of the producer, from KASTLEX_PRODUCER_*. */
  readonly producer: Readonly<Record<string, string | number | boolean>>
  readonly securityProtocol: SecurityProtocol
  readonly requestTimeoutMs: number
  readonly produceTimeoutMs: number
}

export interface HttpsConfig {
  /** KASTLEX_HTTPS_HOST: an IP address; `::` is dual stack (IPv4 too). */
  readonly host: string
  readonly port: number
  readonly certFile: string
  readonly keyFile: string
  /** PEM chain sent with the certificate, when the file exists. */
  readonly caFile: string | undefined
}

export interface AuthConfig {
  readonly jwkFile: string
  readonly permissionsFile: string
  readonly passwdFile: string
  readonly tokenTtlSeconds: number
  /** KASTLEX_METRICS_AUTH: /metrics requires the `metrics` permission. */
  readonly metricsAuth: boolean
  /**
   * KASTLEX_TRUST_PROXY: how many proxies in front of the gateway append to x-forwarded-for; the client
   * address is the entry that many from the right (0 = the socket peer).
   */
  readonly trustProxyHops: number
  readonly login: { readonly windowSeconds: number, readonly maxPerAddress: number, readonly maxFailuresPerUser: number }
  /** KASTLEX_AUTH_FAILURES_PER_ADDRESS: failed token verifications per client address per 10 s (SPEC §10.6a). */
  readonly failuresPerAddress: number
  /** KASTLEX_ENABLE_TOKEN_STORAGE (SPEC §6.7): the compacted topic every instance tails, and how long token checks wait for its replay. */
  readonly tokenStorage: { readonly topic: string, readonly waitMs: number } | undefined
  /** KASTLEX_TOKEN_STORAGE_TOPIC, also with storage off: no message or offsets route serves it (SPEC §10.6a). */
  readonly tokenTopic: string
}

export interface Config {
  /** KASTLEX_HTTP_HOST: an IP address; `::` is dual stack (IPv4 too). */
  readonly httpHost: string
  readonly httpPort: number
  /**
   * KASTLEX_HTTP_REUSE_PORT: the HTTP (and HTTPS) port may be shared with other processes that ask for it
   * too (SO_REUSEPORT, the kernel spreads connections); off, a taken port stops the start.
   */
  readonly reusePort: boolean
  readonly auth: AuthConfig
  /** KASTLEX_USE_HTTPS: a TLS listener beside HTTP. */
  readonly https: HttpsConfig | undefined
  readonly kafka: KafkaConfig
  readonly maxBodyBytes: number
  /** KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: request body bytes held across all connections (SPEC §10.6a). */
  readonly maxBodyBytesInFlight: number
  readonly fetchMaxBytesLimit: number
  /** KASTLEX_BATCH_MAX_RECORDS: records one batch produce may carry (SPEC §10.4). */
  readonly batchMaxRecords: number
  /** KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT: records a produce stream may have unanswered (SPEC §10.4a). */
  readonly produceStreamMaxInFlight: number
  /** KASTLEX_STREAM_MAX_CLIENTS: streams open at once on this instance (SPEC §10.4a, §10.5). */
  readonly streamMaxClients: number
  /** KASTLEX_IDEMPOTENCY_TTL_S, KASTLEX_IDEMPOTENCY_MAX_KEYS: kept produce answers (SPEC §10.6). */
  readonly idempotency: IdempotencyConfig
  /** KASTLEX_FETCH_BUFFER_BYTES: the fetch path's read cache, all threads together (README, Architecture). */
  readonly fetchBufferBytes: number
  readonly workers: number
  readonly logLevel: LogLevel
  /** KASTLEX_CG_EXCLUDE_REGEX: group ids matching it are treated as non-existent (SPEC §7.1). */
  readonly groupExclude: RegExp | undefined
  /** KASTLEX_OFFSETS_REFRESH_MS: how often high watermarks and the tail's group offsets are refreshed. */
  readonly offsetsRefreshMs: number
  /** KASTLEX_CORS_ORIGINS (SPEC §10.3); undefined = CORS off. */
  readonly corsOrigins: CorsOrigins | undefined
}

export interface IdempotencyConfig {
  readonly ttlSeconds: number
  readonly maxKeys: number
}

type Settings = Values<typeof VARIABLES>

const KNOWN = new Set([...Object.keys(VARIABLES), ...Object.keys(HTTPS_VARIABLES), ...ACCEPTED_SILENTLY])

export class ConfigError extends Error {
  constructor (readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

/** Reads the environment into a frozen Config, or throws ConfigError naming every bad variable. */
export function loadConfig (env: Env, warn: (message: string) => void = () => {}): Config {
  for (const name of Object.keys(env)) {
    if (!name.startsWith('KASTLEX_')) continue
    if (IGNORED.includes(name)) warn(`${name} is accepted and ignored`)
    else if (!KNOWN.has(name)) warn(`unknown variable ${name}`)
  }
  const problems: string[] = []
  const settings = readVariables(VARIABLES, env, problems)
  const https = settings.KASTLEX_USE_HTTPS ? httpsConfig(readVariables(HTTPS_VARIABLES, env, problems)) : undefined
  problems.push(...conflicts(settings))
  const config: Config = {
    httpHost: settings.KASTLEX_HTTP_HOST,
    httpPort: settings.KASTLEX_HTTP_PORT,
    reusePort: settings.KASTLEX_HTTP_REUSE_PORT,
    auth: authConfig(settings),
    https,
    kafka: kafkaConfig(settings),
    maxBodyBytes: settings.KASTLEX_MAX_BODY_BYTES,
    maxBodyBytesInFlight: settings.KASTLEX_MAX_BODY_BYTES_IN_FLIGHT,
    fetchMaxBytesLimit: settings.KASTLEX_FETCH_MAX_BYTES_LIMIT,
    batchMaxRecords: settings.KASTLEX_BATCH_MAX_RECORDS,
    produceStreamMaxInFlight: settings.KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT,
    streamMaxClients: settings.KASTLEX_STREAM_MAX_CLIENTS,
    idempotency: { ttlSeconds: settings.KASTLEX_IDEMPOTENCY_TTL_S, maxKeys: settings.KASTLEX_IDEMPOTENCY_MAX_KEYS },
    fetchBufferBytes: settings.KASTLEX_FETCH_BUFFER_BYTES,
    workers: settings.KASTLEX_WORKERS,
    logLevel: settings.KASTLEX_LOG_LEVEL,
    groupExclude: settings.KASTLEX_CG_EXCLUDE_REGEX,
    offsetsRefreshMs: settings.KASTLEX_OFFSETS_REFRESH_MS,
    corsOrigins: settings.KASTLEX_CORS_ORIGINS
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return deepFreeze(config)
}

/** Values each acceptable alone that do not go together. */
function conflicts (settings: Settings): string[] {
  const problems: string[] = []
  // Otherwise a body the gateway accepts could never be read: 503 overloaded for ever.
  if (settings.KASTLEX_MAX_BODY_BYTES_IN_FLIGHT < settings.KASTLEX_MAX_BODY_BYTES) {
    problems.push('KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: must be at least KASTLEX_MAX_BODY_BYTES')
  }
  // The idempotent producer's limits (librdkafka refuses it otherwise).
  if (settings.KASTLEX_PRODUCER_REQUIRED_ACKS === -1) {
    if (settings.KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT > 5) problems.push('KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: must be 1…5 when acks is -1')
    if (settings.KASTLEX_PRODUCER_MAX_RETRIES < 1) problems.push('KASTLEX_PRODUCER_MAX_RETRIES: must be ≥ 1 when acks is -1')
  }
  return problems
}

function httpsConfig (https: Values<typeof HTTPS_VARIABLES>): HttpsConfig {
  return {
    host: https.KASTLEX_HTTPS_HOST,
    port: https.KASTLEX_HTTPS_PORT,
    certFile: https.KASTLEX_CERTFILE,
    keyFile: https.KASTLEX_KEYFILE,
    caFile: https.KASTLEX_CACERTFILE
  }
}

function authConfig (settings: Settings): AuthConfig {
  const tokenTopic = settings.KASTLEX_TOKEN_STORAGE_TOPIC
  return {
    jwkFile: settings.KASTLEX_JWK_FILE,
    permissionsFile: settings.KASTLEX_PERMISSIONS_FILE_PATH,
    passwdFile: settings.KASTLEX_PASSWD_FILE_PATH,
    tokenTtlSeconds: settings.KASTLEX_TOKEN_TTL_SECONDS,
    metricsAuth: settings.KASTLEX_METRICS_AUTH,
    trustProxyHops: settings.KASTLEX_TRUST_PROXY,
    login: {
      windowSeconds: settings.KASTLEX_LOGIN_WINDOW_S,
      maxPerAddress: settings.KASTLEX_LOGIN_MAX_PER_ADDRESS,
      maxFailuresPerUser: settings.KASTLEX_LOGIN_MAX_FAILURES_PER_USER
    },
    failuresPerAddress: settings.KASTLEX_AUTH_FAILURES_PER_ADDRESS,
    tokenStorage: settings.KASTLEX_ENABLE_TOKEN_STORAGE ? { topic: tokenTopic, waitMs: settings.KASTLEX_TOKEN_STORE_WAIT_MS } : undefined,
    tokenTopic
  }
}

function kafkaConfig (settings: Settings): KafkaConfig {
  const tlsFiles = {
    'ssl.ca.location': settings.KASTLEX_KAFKA_CACERTFILE,
    'ssl.certificate.location': settings.KASTLEX_KAFKA_CERTFILE,
    'ssl.key.location': settings.KASTLEX_KAFKA_KEYFILE
  }
  const useTls = settings.KASTLEX_KAFKA_USE_SSL || Object.values(tlsFiles).some((path) => path !== undefined)
  const sasl = settings.KASTLEX_KAFKA_SASL_FILE
  const securityProtocol: SecurityProtocol = sasl !== undefined
    ? (useTls ? 'SASL_SSL' : 'SASL_PLAINTEXT')
    : (useTls ? 'SSL' : 'PLAINTEXT')
  const common: Record<string, string | number | boolean> = { 'bootstrap.servers': settings.KASTLEX_KAFKA_CLUSTER }
  for (const [property, path] of Object.entries(tlsFiles)) if (path !== undefined) common[property] = path
  Object.assign(common, sasl)
  common['security.protocol'] = securityProtocol.toLowerCase()

  const acks = settings.KASTLEX_PRODUCER_REQUIRED_ACKS
  const produceTimeoutMs = settings.KASTLEX_PRODUCE_TIMEOUT_MS
  const producer: Record<string, string | number | boolean> = {
    acks,
    'request.timeout.ms': settings.KASTLEX_PRODUCER_ACK_TIMEOUT,
    'queue.buffering.max.messages': settings.KASTLEX_PRODUCER_PARTITION_BUFFER_LIMIT,
    'max.in.flight.requests.per.connection': settings.KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT,
    'batch.size': settings.KASTLEX_PRODUCER_MAX_BATCH_SIZE,
    retries: settings.KASTLEX_PRODUCER_MAX_RETRIES,
    'retry.backoff.ms': settings.KASTLEX_PRODUCER_RETRY_BACKOFF_MS,
    'linger.ms': settings.KASTLEX_PRODUCER_MAX_LINGER_MS,
    'enable.idempotence': acks === -1,
    'compression.codec': settings.KASTLEX_PRODUCER_COMPRESSION,
    'message.timeout.ms': produceTimeoutMs,
    // Large enough for any accepted body plus key and headers; the broker's limit then applies.
    'message.max.bytes': Math.min(1_000_000_000, Math.max(1_000_000, settings.KASTLEX_MAX_BODY_BYTES + 1_048_576))
  }
  // 0 leaves librdkafka's default.
  if (settings.KASTLEX_PRODUCER_MAX_LINGER_COUNT > 0) producer['batch.num.messages'] = settings.KASTLEX_PRODUCER_MAX_LINGER_COUNT
  return { common, producer, securityProtocol, requestTimeoutMs: settings.KASTLEX_KAFKA_REQUEST_TIMEOUT_MS, produceTimeoutMs }
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
