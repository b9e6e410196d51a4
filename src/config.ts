// Every KASTLEX_* variable this gateway reads, parsed and validated in one place (SPEC §9).
// Nothing else reads process.env. All problems are collected and reported together.
import { existsSync, readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { parse as parseYaml } from 'yaml'
import { parseCorsOrigins, type CorsOrigins } from './http/cors.js'
import { parseInteger } from './integers.js'
import { compressionUnavailable, isProducerCompression, PRODUCER_COMPRESSIONS } from './kafka/compression.js'
import { isTopicName } from './kafka/names.js'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
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

type Env = Readonly<Record<string, string | undefined>>

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const SASL_MECHANISMS: Readonly<Record<string, string>> = {
  plain: 'PLAIN', scram_sha_256: 'SCRAM-SHA-256', scram_sha_512: 'SCRAM-SHA-512'
}
const INT32_MAX = 2 ** 31 - 1

/** SPEC §9: accepted and ignored without a warning (the original's Phoenix secret; nothing here uses it). */
const ACCEPTED_SILENTLY = new Set(['KASTLEX_SECRET_KEY_BASE'])
const KNOWN_HERE = new Set([
  'KASTLEX_JWK_FILE', 'KASTLEX_PERMISSIONS_FILE_PATH', 'KASTLEX_PASSWD_FILE_PATH', 'KASTLEX_TOKEN_TTL_SECONDS',
  'KASTLEX_METRICS_AUTH', 'KASTLEX_TRUST_PROXY', 'KASTLEX_LOGIN_WINDOW_S', 'KASTLEX_LOGIN_MAX_PER_ADDRESS',
  'KASTLEX_LOGIN_MAX_FAILURES_PER_USER', 'KASTLEX_AUTH_FAILURES_PER_ADDRESS', 'KASTLEX_ENABLE_TOKEN_STORAGE', 'KASTLEX_TOKEN_STORAGE_TOPIC', 'KASTLEX_TOKEN_STORE_WAIT_MS',
  'KASTLEX_HTTP_HOST', 'KASTLEX_HTTPS_HOST', 'KASTLEX_HTTP_REUSE_PORT', 'KASTLEX_HTTP_PORT', 'KASTLEX_USE_HTTPS', 'KASTLEX_HTTPS_PORT', 'KASTLEX_CERTFILE', 'KASTLEX_KEYFILE', 'KASTLEX_CACERTFILE', 'KASTLEX_KAFKA_CLUSTER', 'KASTLEX_KAFKA_USE_SSL', 'KASTLEX_KAFKA_CACERTFILE',
  'KASTLEX_KAFKA_CERTFILE', 'KASTLEX_KAFKA_KEYFILE', 'KASTLEX_KAFKA_SASL_FILE', 'KASTLEX_KAFKA_REQUEST_TIMEOUT_MS',
  'KASTLEX_PRODUCE_TIMEOUT_MS', 'KASTLEX_MAX_BODY_BYTES', 'KASTLEX_MAX_BODY_BYTES_IN_FLIGHT', 'KASTLEX_FETCH_MAX_BYTES_LIMIT', 'KASTLEX_FETCH_BUFFER_BYTES', 'KASTLEX_WORKERS',
  'KASTLEX_BATCH_MAX_RECORDS', 'KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT', 'KASTLEX_STREAM_MAX_CLIENTS', 'KASTLEX_IDEMPOTENCY_TTL_S', 'KASTLEX_IDEMPOTENCY_MAX_KEYS', 'KASTLEX_LOG_LEVEL', 'KASTLEX_PRODUCER_REQUIRED_ACKS', 'KASTLEX_PRODUCER_ACK_TIMEOUT',
  'KASTLEX_PRODUCER_PARTITION_BUFFER_LIMIT', 'KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT',
  'KASTLEX_PRODUCER_MAX_BATCH_SIZE', 'KASTLEX_PRODUCER_MAX_RETRIES', 'KASTLEX_PRODUCER_RETRY_BACKOFF_MS',
  'KASTLEX_PRODUCER_MAX_LINGER_MS', 'KASTLEX_PRODUCER_MAX_LINGER_COUNT', 'KASTLEX_PRODUCER_COMPRESSION', 'KASTLEX_CG_EXCLUDE_REGEX',
  'KASTLEX_OFFSETS_REFRESH_MS', 'KASTLEX_CORS_ORIGINS'
])
const IGNORED = new Set(['KASTLEX_ZOOKEEPER_CLUSTER', 'KASTLEX_CG_CACHE_DIR'])

/**
 * Default worker count, chosen by `npm run bench:compare` on 2 cores (README, Performance): inline beat a
 * pool of 2 in produce (+42 % at 64 connections), binary fetch (+40 %) and memory, and tied mixed load.
 */
export const DEFAULT_WORKERS = 0

/** Every address of the host, IPv6 and (through IPv4-mapped addresses) IPv4 (SPEC §9). */
export const DEFAULT_LISTEN_HOST = '::'

export class ConfigError extends Error {
  constructor (readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

/** Reads the environment into a frozen Config, or throws ConfigError naming every bad variable. */
export function loadConfig (env: Env, warn: (message: string) => void = () => {}): Config {
  const problems: string[] = []
  const value = (name: string): string | undefined => {
    const raw = env[name]
    return raw === undefined || raw === '' ? undefined : raw
  }
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name)
    if (raw === undefined) return fallback
    const parsed = parseInteger(raw, min, max)
    if (parsed === undefined) {
      problems.push(`${name}: expected an integer in ${min}…${max}, got ${JSON.stringify(raw)}`)
      return fallback
    }
    return parsed
  }
  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = value(name)?.toLowerCase()
    if (raw === undefined) return fallback
    if (raw === 'true' || raw === '1') return true
    if (raw === 'false' || raw === '0') return false
    problems.push(`${name}: expected true, false, 1 or 0, got ${JSON.stringify(env[name])}`)
    return fallback
  }
  /** KASTLEX_TRUST_PROXY: a hop count; `false` = 0 and `true` = 1 (its meaning before it was a count). */
  const proxyHops = (): number => {
    const raw = value('KASTLEX_TRUST_PROXY')?.toLowerCase()
    if (raw === 'true' || raw === 'false') return raw === 'true' ? 1 : 0
    return integer('KASTLEX_TRUST_PROXY', 0, 0, 100)
  }
  /** A listen address: an IP literal (no host names: one name can stand for several addresses). */
  const listenHost = (name: string): string => {
    const raw = value(name)
    if (raw === undefined) return DEFAULT_LISTEN_HOST
    if (isIP(raw) === 0) problems.push(`${name}: expected an IP address such as ::, 0.0.0.0, 127.0.0.1 or ::1, got ${JSON.stringify(raw)}`)
    return raw
  }
  /** The path in `name` (or `fallback`) if readable; a problem otherwise. Undefined when neither is set. */
  const readableFile = (name: string, fallback?: string): string | undefined => {
    const path = value(name) ?? fallback
    if (path === undefined) return undefined
    try {
      readFileSync(path)
    } catch (err) {
      problems.push(`${name}: cannot read ${path}: ${(err as Error).message}`)
    }
    return path
  }

  // Files of a feature that is on must be readable (SPEC §9); the CA chain is optional.
  function httpsConfig (): HttpsConfig {
    const caFile = value('KASTLEX_CACERTFILE') ?? '/etc/kastlex/ssl/ca-cert.crt'
    return {
      host: listenHost('KASTLEX_HTTPS_HOST'),
      port: integer('KASTLEX_HTTPS_PORT', 8093, 1, 65535),
      certFile: readableFile('KASTLEX_CERTFILE', '/etc/kastlex/ssl/server.crt') as string,
      keyFile: readableFile('KASTLEX_KEYFILE', '/etc/kastlex/ssl/server.key') as string,
      caFile: existsSync(caFile) ? caFile : undefined
    }
  }

  for (const name of Object.keys(env)) {
    if (!name.startsWith('KASTLEX_')) continue
    if (IGNORED.has(name)) warn(`${name} is accepted and ignored`)
    else if (!KNOWN_HERE.has(name) && !ACCEPTED_SILENTLY.has(name)) warn(`unknown variable ${name}`)
  }

  const logLevel = (value('KASTLEX_LOG_LEVEL') ?? 'info').toLowerCase() as LogLevel
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`KASTLEX_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}`)

  const cluster = parseCluster(value('KASTLEX_KAFKA_CLUSTER') ?? 'localhost:9092')
  if (cluster === undefined) problems.push('KASTLEX_KAFKA_CLUSTER: expected comma-separated host:port or [ipv6]:port')

  const common: Record<string, string | number | boolean> = { 'bootstrap.servers': cluster ?? '' }
  const tlsFiles = {
    'ssl.ca.location': readableFile('KASTLEX_KAFKA_CACERTFILE'),
    'ssl.certificate.location': readableFile('KASTLEX_KAFKA_CERTFILE'),
    'ssl.key.location': readableFile('KASTLEX_KAFKA_KEYFILE')
  }
  const useTls = boolean('KASTLEX_KAFKA_USE_SSL', false) || Object.values(tlsFiles).some((f) => f !== undefined)
  for (const [property, path] of Object.entries(tlsFiles)) if (path !== undefined) common[property] = path
  const sasl = readSasl(value('KASTLEX_KAFKA_SASL_FILE'), problems)
  if (sasl !== undefined) Object.assign(common, sasl)
  const securityProtocol: SecurityProtocol = sasl !== undefined
    ? (useTls ? 'SASL_SSL' : 'SASL_PLAINTEXT')
    : (useTls ? 'SSL' : 'PLAINTEXT')
  common['security.protocol'] = securityProtocol.toLowerCase()

  const requestTimeoutMs = integer('KASTLEX_KAFKA_REQUEST_TIMEOUT_MS', 30000, 1, INT32_MAX)
  const produceTimeoutMs = integer('KASTLEX_PRODUCE_TIMEOUT_MS', 30000, 1, INT32_MAX)
  const maxBodyBytes = integer('KASTLEX_MAX_BODY_BYTES', 8_000_000, 1, 1_000_000_000)
  const maxBodyBytesInFlight = integer('KASTLEX_MAX_BODY_BYTES_IN_FLIGHT', 268_435_456, 1, 2 ** 40)
  // Otherwise a body the gateway accepts could never be read: 503 overloaded for ever.
  if (maxBodyBytesInFlight < maxBodyBytes) problems.push('KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: must be at least KASTLEX_MAX_BODY_BYTES')
  const acks = integer('KASTLEX_PRODUCER_REQUIRED_ACKS', -1, -1, 1)
  const inFlight = integer('KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT', 5, 1, 1_000_000)
  const retries = integer('KASTLEX_PRODUCER_MAX_RETRIES', 3, 0, INT32_MAX)
  if (acks === -1 && inFlight > 5) problems.push('KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: must be 1…5 when acks is -1')
  if (acks === -1 && retries < 1) problems.push('KASTLEX_PRODUCER_MAX_RETRIES: must be ≥ 1 when acks is -1')
  const lingerCount = integer('KASTLEX_PRODUCER_MAX_LINGER_COUNT', 0, 0, 1_000_000)
  const compression = (value('KASTLEX_PRODUCER_COMPRESSION') ?? 'none').toLowerCase()
  if (!isProducerCompression(compression)) {
    problems.push(`KASTLEX_PRODUCER_COMPRESSION: expected one of ${PRODUCER_COMPRESSIONS.join(', ')}`)
  } else {
    // Refused here rather than by librdkafka when each thread creates its producer.
    const unavailable = compressionUnavailable(compression)
    if (unavailable !== undefined) problems.push(`KASTLEX_PRODUCER_COMPRESSION: ${compression} is not available: ${unavailable}`)
  }
  const producer: Record<string, string | number | boolean> = {
    acks,
    'request.timeout.ms': integer('KASTLEX_PRODUCER_ACK_TIMEOUT', 10000, 1, 900_000),
    'queue.buffering.max.messages': integer('KASTLEX_PRODUCER_PARTITION_BUFFER_LIMIT', 100000, 1, 2_147_483_647),
    'max.in.flight.requests.per.connection': inFlight,
    'batch.size': integer('KASTLEX_PRODUCER_MAX_BATCH_SIZE', 1_048_576, 1, 2_147_483_647),
    retries,
    'retry.backoff.ms': integer('KASTLEX_PRODUCER_RETRY_BACKOFF_MS', 500, 1, 300_000),
    // Chosen by `npm run bench` on the real broker (README, Performance).
    'linger.ms': integer('KASTLEX_PRODUCER_MAX_LINGER_MS', 1, 0, 900_000),
    'enable.idempotence': acks === -1,
    'compression.codec': compression,
    'message.timeout.ms': produceTimeoutMs,
    // Large enough for any accepted body plus key and headers; the broker's limit then applies.
    'message.max.bytes': Math.min(1_000_000_000, Math.max(1_000_000, maxBodyBytes + 1_048_576))
  }
  if (lingerCount > 0) producer['batch.num.messages'] = lingerCount

  let groupExclude: RegExp | undefined
  const excludePattern = value('KASTLEX_CG_EXCLUDE_REGEX')
  if (excludePattern !== undefined) {
    try {
      groupExclude = new RegExp(excludePattern)
    } catch (err) {
      problems.push(`KASTLEX_CG_EXCLUDE_REGEX: does not compile: ${(err as Error).message}`)
    }
  }

  const https = boolean('KASTLEX_USE_HTTPS', false) ? httpsConfig() : undefined
  const cors = value('KASTLEX_CORS_ORIGINS')
  const corsParsed = cors === undefined ? undefined : parseCorsOrigins(cors)
  if (corsParsed !== undefined && 'invalid' in corsParsed) {
    problems.push(`KASTLEX_CORS_ORIGINS: expected * or comma-separated origins scheme://host[:port] (no path, no trailing slash), got ${JSON.stringify(corsParsed.invalid)}`)
  }
  const tokenTopic = value('KASTLEX_TOKEN_STORAGE_TOPIC') ?? '_kastlex_tokens'
  if (!isTopicName(tokenTopic)) {
    problems.push('KASTLEX_TOKEN_STORAGE_TOPIC: not a legal topic name ([a-zA-Z0-9._-], 1–249 characters)')
  }
  const tokenStoreWaitMs = integer('KASTLEX_TOKEN_STORE_WAIT_MS', 10_000, 0, INT32_MAX)
  const auth: AuthConfig = {
    jwkFile: readableFile('KASTLEX_JWK_FILE', '/etc/kastlex/jwk.pem') as string,
    permissionsFile: readableFile('KASTLEX_PERMISSIONS_FILE_PATH', './permissions.yml') as string,
    passwdFile: readableFile('KASTLEX_PASSWD_FILE_PATH', './passwd.yml') as string,
    tokenTtlSeconds: integer('KASTLEX_TOKEN_TTL_SECONDS', 2_592_000, 1, INT32_MAX),
    metricsAuth: boolean('KASTLEX_METRICS_AUTH', false),
    trustProxyHops: proxyHops(),
    login: {
      windowSeconds: integer('KASTLEX_LOGIN_WINDOW_S', 300, 1, INT32_MAX),
      maxPerAddress: integer('KASTLEX_LOGIN_MAX_PER_ADDRESS', 50, 1, INT32_MAX),
      maxFailuresPerUser: integer('KASTLEX_LOGIN_MAX_FAILURES_PER_USER', 10, 1, INT32_MAX)
    },
    failuresPerAddress: integer('KASTLEX_AUTH_FAILURES_PER_ADDRESS', 100, 1, INT32_MAX),
    tokenStorage: boolean('KASTLEX_ENABLE_TOKEN_STORAGE', false) ? { topic: tokenTopic, waitMs: tokenStoreWaitMs } : undefined,
    tokenTopic
  }

  const config: Config = {
    httpHost: listenHost('KASTLEX_HTTP_HOST'),
    httpPort: integer('KASTLEX_HTTP_PORT', 8092, 1, 65535),
    reusePort: boolean('KASTLEX_HTTP_REUSE_PORT', false),
    auth,
    https,
    kafka: { common, producer, securityProtocol, requestTimeoutMs, produceTimeoutMs },
    maxBodyBytes,
    maxBodyBytesInFlight,
    fetchMaxBytesLimit: integer('KASTLEX_FETCH_MAX_BYTES_LIMIT', 10_485_760, 1, INT32_MAX),
    batchMaxRecords: integer('KASTLEX_BATCH_MAX_RECORDS', 1000, 1, 1_000_000),
    produceStreamMaxInFlight: integer('KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT', 10_000, 1, 10_000_000),
    streamMaxClients: integer('KASTLEX_STREAM_MAX_CLIENTS', 1000, 1, 1_000_000),
    idempotency: {
      ttlSeconds: integer('KASTLEX_IDEMPOTENCY_TTL_S', 3600, 1, INT32_MAX),
      maxKeys: integer('KASTLEX_IDEMPOTENCY_MAX_KEYS', 100_000, 1, 100_000_000)
    },
    fetchBufferBytes: integer('KASTLEX_FETCH_BUFFER_BYTES', 64 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
    workers: integer('KASTLEX_WORKERS', DEFAULT_WORKERS, 0, 64),
    logLevel,
    groupExclude,
    offsetsRefreshMs: integer('KASTLEX_OFFSETS_REFRESH_MS', 10_000, 1000, 3_600_000),
    corsOrigins: corsParsed !== undefined && 'origins' in corsParsed ? corsParsed.origins : undefined
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return deepFreeze(config)
}


/** `host:port` / `[ipv6]:port`, comma-separated and trimmed; undefined when any entry is malformed. */
export function parseCluster (raw: string): string | undefined {
  const entries = raw.split(',').map((entry) => entry.trim())
  const valid = entries.every((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):([0-9]{1,5})$/.exec(entry)
    return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535
  })
  return valid ? entries.join(',') : undefined
}

function readSasl (path: string | undefined, problems: string[]): Record<string, string> | undefined {
  if (path === undefined) return undefined
  const fail = (detail: string): undefined => {
    problems.push(`KASTLEX_KAFKA_SASL_FILE: ${path}: ${detail}`)
    return undefined
  }
  let doc: unknown
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    return fail((err as Error).message)
  }
  try {
    doc = parseYaml(text)
  } catch (err) {
    // The parser's message quotes the offending line, which may hold the password: give only the position.
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line
    return fail(`not valid YAML${line === undefined ? '' : ` (line ${line})`}`)
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return fail('expected a YAML map')
  const { username, password, mechanism = 'plain' } = doc as Record<string, unknown>
  if (typeof username !== 'string' || username === '') return fail('username must be a non-empty string')
  if (typeof password !== 'string') return fail('password must be a string')
  const saslMechanism = typeof mechanism === 'string' ? SASL_MECHANISMS[mechanism] : undefined
  if (saslMechanism === undefined) return fail(`mechanism must be one of ${Object.keys(SASL_MECHANISMS).join(', ')}`)
  return { 'sasl.mechanisms': saslMechanism, 'sasl.username': username, 'sasl.password': password }
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
