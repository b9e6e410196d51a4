// Every KASTLEX_* variable (SPEC §9): its parser, its default and what it means. loadConfig reads these
// tables, the README's configuration section is generated from them (`npm run docs:config`), and a
// KASTLEX_* name in none of them draws a warning.
import { INT32_MAX } from '../integers.js'
import {
  boolean, corsOrigins, decimal, fileIfPresent, hopCount, hostPorts, integer, ipAddress, oneOf, producerCompression,
  readableFile, regExp, topicName
} from './parsers.js'
import type { VariableTable } from './reader.js'
import { saslFile } from './sasl-file.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

/**
 * Default worker count, chosen by `npm run bench:compare` on 2 cores (README, Performance): inline beat a
 * pool of 2 in produce (+42 % at 64 connections), binary fetch (+40 %) and memory, and tied mixed load.
 */
export const DEFAULT_WORKERS = 0

/** Every address of the host, IPv6 and (through IPv4-mapped addresses) IPv4 (SPEC §9). */
const EVERY_ADDRESS = '::'
const port = integer(1, 65535)
const positive = integer(1, INT32_MAX)

export const VARIABLES = {
  KASTLEX_HTTP_HOST: {
    parse: ipAddress,
    default: EVERY_ADDRESS,
    doc: 'listen address of the HTTP port, an IP address: `::` = every address, IPv6 and IPv4 (dual stack); ' +
      '`0.0.0.0` = IPv4 only (use it on a host whose kernel has IPv6 disabled, where `::` cannot be bound); ' +
      '`127.0.0.1` or `::1` = this host only'
  },
  KASTLEX_HTTP_PORT: { parse: port, default: '8092', doc: 'HTTP port' },
  KASTLEX_HTTP_REUSE_PORT: {
    parse: boolean,
    default: 'false',
    doc: '`true`: the HTTP and HTTPS ports are opened with `SO_REUSEPORT`, shared with other processes that ask ' +
      'the same (the kernel spreads new connections over them; per-instance state such as rate limits is then ' +
      'split). `false`: a port another process holds stops the start (`cannot listen on HTTP port 8092 on ::`, ' +
      'exit 1; under `npm start` too, without restarts)'
  },
  KASTLEX_USE_HTTPS: { parse: boolean, default: 'false', doc: 'also listen with TLS, HTTP staying on (the HTTPS listener\'s variables are below)' },
  KASTLEX_CORS_ORIGINS: {
    parse: corsOrigins,
    doc: '`*` or comma-separated origins `scheme://host[:port]` allowed to call the gateway from a browser ' +
      '(CORS, above); unset = CORS off'
  },
  KASTLEX_JWK_FILE: {
    parse: readableFile,
    default: '/etc/kastlex/jwk.pem',
    doc: 'EC P-521 private key (PEM SEC1/PKCS#8 or JSON JWK) that signs the tokens; required'
  },
  KASTLEX_PERMISSIONS_FILE_PATH: { parse: readableFile, default: './permissions.yml', doc: 'the users\' permissions (above); required' },
  KASTLEX_PASSWD_FILE_PATH: { parse: readableFile, default: './passwd.yml', doc: 'the users\' password hashes (above); required' },
  KASTLEX_TOKEN_TTL_SECONDS: { parse: positive, default: '2592000', doc: 'token lifetime (30 days)' },
  KASTLEX_METRICS_AUTH: { parse: boolean, default: 'false', doc: '`/metrics` requires the `metrics` permission' },
  KASTLEX_TRUST_PROXY: {
    parse: hopCount(100),
    default: '0',
    doc: 'trusted proxy hops in front of the gateway: `0`/`false` = the socket peer is the client; `N` = the ' +
      'N-th `x-forwarded-for` entry from the right (`true` = 1); keys the login rate limit'
  },
  KASTLEX_ENABLE_TOKEN_STORAGE: {
    parse: boolean,
    default: 'false',
    doc: 'token storage (above): logins are written to a compacted topic every instance tails, tokens can be revoked'
  },
  KASTLEX_TOKEN_STORAGE_TOPIC: {
    parse: topicName,
    default: '_kastlex_tokens',
    doc: 'the token storage topic; refused on the produce, fetch and offsets routes, also with storage off'
  },
  KASTLEX_TOKEN_STORE_WAIT_MS: {
    parse: integer(0, INT32_MAX),
    default: '10000',
    doc: 'how long token checks wait for the first replay of the token topic, then 503'
  },
  KASTLEX_LOGIN_WINDOW_S: { parse: positive, default: '300', doc: 'login rate limit: the window' },
  KASTLEX_LOGIN_MAX_PER_ADDRESS: { parse: positive, default: '50', doc: 'login rate limit: logins per client address per window' },
  KASTLEX_LOGIN_MAX_FAILURES_PER_USER: { parse: positive, default: '10', doc: 'login rate limit: failed logins per username per window' },
  KASTLEX_AUTH_FAILURES_PER_ADDRESS: {
    parse: positive,
    default: '100',
    doc: 'refused tokens per client address per 10 s, then 429 (above)'
  },
  KASTLEX_KAFKA_CLUSTER: {
    parse: hostPorts,
    default: 'localhost:9092',
    doc: 'bootstrap servers, comma-separated `host:port` / `[ipv6]:port`'
  },
  KASTLEX_KAFKA_USE_SSL: { parse: boolean, default: 'false', doc: 'TLS to Kafka with the system CAs' },
  KASTLEX_KAFKA_CACERTFILE: { parse: readableFile, doc: 'CA certificates for TLS to Kafka; any of the three Kafka files set → TLS with them' },
  KASTLEX_KAFKA_CERTFILE: { parse: readableFile, doc: 'client certificate for TLS to Kafka' },
  KASTLEX_KAFKA_KEYFILE: { parse: readableFile, doc: 'client key for TLS to Kafka' },
  KASTLEX_KAFKA_SASL_FILE: {
    parse: saslFile,
    doc: 'YAML with `username`, `password`, `mechanism` (`plain`, `scram_sha_256`, `scram_sha_512`)'
  },
  KASTLEX_KAFKA_REQUEST_TIMEOUT_MS: { parse: positive, default: '30000', doc: 'deadline of metadata and offset lookups' },
  KASTLEX_PRODUCE_TIMEOUT_MS: { parse: positive, default: '30000', doc: 'produce deadline → 503 `timeout`' },
  KASTLEX_MAX_BODY_BYTES: { parse: integer(1, 1_000_000_000), default: '8000000', doc: 'produce and batch body limit → 413' },
  KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: {
    parse: integer(1, 2 ** 40),
    default: '268435456',
    doc: 'request body bytes held across all connections (declared lengths count at once, chunked bodies as ' +
      'they come); beyond → 503 `overloaded` with `retry-after: 1`; at least `KASTLEX_MAX_BODY_BYTES`'
  },
  KASTLEX_FETCH_MAX_BYTES_LIMIT: { parse: positive, default: '10485760', doc: 'cap of `max_bytes`' },
  KASTLEX_BATCH_MAX_RECORDS: {
    parse: integer(1, 1_000_000),
    default: '1000',
    doc: 'records one batch produce may carry (1–1,000,000); more → 413 `too many records`, nothing produced'
  },
  KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT: {
    parse: integer(1, 10_000_000),
    default: '10000',
    doc: 'records a produce stream may have unanswered (1–10,000,000) before the gateway stops reading its socket'
  },
  KASTLEX_STREAM_MAX_CLIENTS: {
    parse: integer(1, 1_000_000),
    default: '1000',
    doc: 'streams open at once on the instance (1–1,000,000); beyond → 503 `too many streams` before the upgrade'
  },
  KASTLEX_IDEMPOTENCY_TTL_S: {
    parse: positive,
    default: '3600',
    doc: 'how long a produce answer is kept for its `Idempotency-Key` (1–2³¹−1 s)'
  },
  KASTLEX_IDEMPOTENCY_MAX_KEYS: {
    parse: integer(1, 100_000_000),
    default: '100000',
    doc: 'answers kept per instance (1–100,000,000), oldest evicted first; about 0.55 KB each for single ' +
      'produce, plus the answer body for batches (Idempotency-Key)'
  },
  KASTLEX_FETCH_BUFFER_BYTES: {
    parse: integer(0, Number.MAX_SAFE_INTEGER),
    default: String(64 * 1024 * 1024),
    doc: 'records the fetch path keeps read (its read cache, 64 MiB by default), whole process: each Kafka ' +
      'thread holds an equal share; the least recently read go first (0 = none kept)'
  },
  KASTLEX_WORKERS: {
    parse: integer(0, 64),
    default: String(DEFAULT_WORKERS),
    doc: 'Kafka worker threads; 0 = everything on the main thread (fastest on 2 cores, see Performance)'
  },
  KASTLEX_CG_EXCLUDE_REGEX: {
    parse: regExp,
    doc: 'JavaScript RegExp (unanchored); matching group ids are treated as non-existent'
  },
  KASTLEX_OFFSETS_REFRESH_MS: {
    parse: integer(1000, 3_600_000),
    default: '10000',
    doc: 'how often high watermarks (lag) and the group offset metrics are refreshed (1000–3600000)'
  },
  KASTLEX_LOG_LEVEL: {
    parse: oneOf(LOG_LEVELS),
    default: 'info',
    doc: '`fatal` `error` `warn` `info` `debug` `trace` `silent`; JSON lines on stdout, one access line per ' +
      'request at `info`'
  },
  KASTLEX_PRODUCER_REQUIRED_ACKS: { parse: integer(-1, 1), default: '-1', doc: '`acks` (−1 = all, 0, 1)' },
  KASTLEX_PRODUCER_ACK_TIMEOUT: { parse: integer(1, 900_000), default: '10000', doc: '`request.timeout.ms`' },
  KASTLEX_PRODUCER_PARTITION_BUFFER_LIMIT: {
    parse: integer(1, INT32_MAX),
    default: '100000',
    doc: '`queue.buffering.max.messages` (full → 503 `queue_full`)'
  },
  KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: {
    parse: integer(1, 1_000_000),
    default: '5',
    doc: '`max.in.flight.requests.per.connection` (1–5 when acks is −1)'
  },
  KASTLEX_PRODUCER_MAX_BATCH_SIZE: { parse: integer(1, INT32_MAX), default: '1048576', doc: '`batch.size`' },
  KASTLEX_PRODUCER_MAX_RETRIES: { parse: integer(0, INT32_MAX), default: '3', doc: '`retries` (≥ 1 when acks is −1)' },
  KASTLEX_PRODUCER_RETRY_BACKOFF_MS: { parse: integer(1, 300_000), default: '500', doc: '`retry.backoff.ms`' },
  // Chosen by `npm run bench` on the real broker (README, Performance).
  KASTLEX_PRODUCER_MAX_LINGER_MS: { parse: decimal(0, 900_000), default: '1', doc: '`linger.ms`; fractions as librdkafka takes them (e.g. `0.5`)' },
  KASTLEX_PRODUCER_MAX_LINGER_COUNT: {
    parse: integer(0, 1_000_000),
    default: '0',
    doc: '`batch.num.messages`; 0 = librdkafka\'s default'
  },
  KASTLEX_PRODUCER_COMPRESSION: {
    parse: producerCompression,
    default: 'none',
    doc: '`compression.codec`: `none`, `gzip`, `snappy`, `lz4`, `zstd`; a codec this build\'s librdkafka lacks ' +
      'is refused at start (`zstd` needs `libzstd-dev` when `@platformatic/rdkafka` is installed, see Quick start)'
  }
} as const satisfies VariableTable

/** The HTTPS listener's variables: read, and their files checked, only with KASTLEX_USE_HTTPS on (SPEC §9). */
export const HTTPS_VARIABLES = {
  KASTLEX_HTTPS_HOST: { parse: ipAddress, default: EVERY_ADDRESS, doc: 'listen address of the HTTPS port, as `KASTLEX_HTTP_HOST`' },
  KASTLEX_HTTPS_PORT: { parse: port, default: '8093', doc: 'HTTPS port' },
  KASTLEX_CERTFILE: { parse: readableFile, default: '/etc/kastlex/ssl/server.crt', doc: 'PEM certificate' },
  KASTLEX_KEYFILE: { parse: readableFile, default: '/etc/kastlex/ssl/server.key', doc: 'PEM key' },
  KASTLEX_CACERTFILE: {
    parse: fileIfPresent,
    default: '/etc/kastlex/ssl/ca-cert.crt',
    doc: 'PEM chain sent with the certificate, when the file exists'
  }
} as const satisfies VariableTable

/** Variables of the original KastleX that mean nothing here: accepted with a warning (SPEC §9). */
export const IGNORED: readonly string[] = ['KASTLEX_ZOOKEEPER_CLUSTER', 'KASTLEX_CG_CACHE_DIR']
/** Accepted without a warning: the original's Phoenix secret; nothing here uses it (SPEC §9). */
export const ACCEPTED_SILENTLY: readonly string[] = ['KASTLEX_SECRET_KEY_BASE']
