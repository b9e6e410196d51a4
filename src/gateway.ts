// Start: config → Kafka client (pool or inline) → metadata cache → HTTP; and the graceful stop.
import { fileURLToPath } from 'node:url'
import { apiRoutes } from './api/routes.js'
import { MetadataCache } from './cluster/metadata-cache.js'
import { AccessControl } from './auth/access.js'
import { closeWithin } from './close-within.js'
import { exitAfter, exitNow } from './exit-now.js'
import { LISTENING_MESSAGE } from './restart-policy.js'
import { createTokenIssuer, createTokenVerifier, extractBearer, loadSigningKey, SigningKeyError, type TokenIssuer } from './auth/jwt.js'
import { clientAddress, LoginRateLimiter } from './auth/rate-limit.js'
import { TokenStore } from './auth/token-store.js'
import { UsersFileError } from './auth/users.js'
import { ConfigError, loadConfig, type AuthConfig, type Config } from './config.js'
import { BodyBudget } from './http/body-budget.js'
import { CorsPolicy } from './http/cors.js'
import { STREAM_TRANSPORTS, StreamSlots } from './http/stream-slots.js'
import { streamIdleTimeoutS } from './api/produce-stream.js'
import { Router } from './http/router.js'
import { createServer, type Authorize } from './http/server.js'
import { createLogger, type Logger } from './log.js'
import { OffsetsMonitor } from './cluster/offsets-monitor.js'
import { KafkaService, type WorkerData } from './pool/service.js'
import { GatewayMetrics } from './metrics/gateway-metrics.js'
import { InlineKafkaClient, OFFSETS_TAIL_SHARD, PooledKafkaClient, type KafkaClient } from './pool/kafka-client.js'

/** SPEC §1: in-flight requests are finished within this. */
const STOP_GRACE_MS = 10_000
/**
 * After the requests drained: how long the Kafka clients and the token store may take to close (with
 * nothing in flight a healthy close takes well under a second). Grace + this stays under the 30 s an
 * orchestrator usually waits before SIGKILL.
 */
const CLOSE_TIMEOUT_MS = 5_000
/** The stop's last word: the process ends this long after the signal whatever still runs. */
const STOP_DEADLINE_MS = STOP_GRACE_MS + CLOSE_TIMEOUT_MS + 1_000
const WORKER_FILE = fileURLToPath(new URL('../workers/kafka-worker.js', import.meta.url))

/** The Kafka client of the configured shape: `workers` threads each with a KafkaService, or one inline. */
export function kafkaClientFor (config: Config): KafkaClient {
  return config.workers === 0
    ? new InlineKafkaClient(new KafkaService({ config, offsetsTail: true }))
    : new PooledKafkaClient({
      filename: WORKER_FILE,
      threads: config.workers,
      workerData: (index): WorkerData => ({ config, offsetsTail: index === OFFSETS_TAIL_SHARD })
    })
}

/** `kafkaClient`: how the gateway reaches Kafka; the micro-benchmark (bench/micro) passes a stub. */
export async function start (env: Readonly<Record<string, string | undefined>>, kafkaClient = kafkaClientFor): Promise<void> {
  const warnings: string[] = []
  let config: Config
  try {
    config = loadConfig(env, (warning) => warnings.push(warning))
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`kastlex: ${err.message}\n`)
    process.exit(1)
  }
  const log = createLogger(config.logLevel)
  for (const warning of warnings) log.warn(warning)

  const kafka = kafkaClient(config)
  if (kafka instanceof PooledKafkaClient) await kafka.loaded().catch((err: Error) => failStart(log, err))
  const storage = config.auth.tokenStorage
  const tokens = storage === undefined
    ? undefined
    : new TokenStore({ kafka: config.kafka, topic: storage.topic }, async (key, value, requester) => {
      await kafka.run({ op: 'produce', topic: storage.topic, partition: 0, key, value, headers: [] }, requester)
    }, log)
  const auth = loadAuth(config.auth, tokens)
  const metrics = new GatewayMetrics(() => kafka.stats(), async () => await kafka.runOnEach({ op: 'clientStats' }))
  const metadata = new MetadataCache(kafka)
  const excludedGroup = (group: string): boolean => config.groupExclude?.test(group) ?? false
  const offsets = new OffsetsMonitor(kafka, metadata, metrics, excludedGroup, config.offsetsRefreshMs,
    ({ records, seconds }) => log.info('offsets tail caught up', { records, seconds }))
  metadata.start()
  offsets.start()
  const streams = new StreamSlots(config.streamMaxClients)
  const routes = apiRoutes(config, { kafka, metadata, metrics, offsets, excludedGroup, tokens, log, streams, ...auth })
  const authorize: Authorize = (route, headers, query, params, peer, identified) => {
    const client = (): string => clientAddress(peer(), headers.all('x-forwarded-for'), config.auth.trustProxyHops)
    // SPEC §6.1: the header first; a stream route also takes `access_token` (empty = none).
    const token = extractBearer(headers.all('authorization')) ?? (route.tokenInQuery === true ? query.text('access_token') || undefined : undefined)
    const checked = auth.access.check(route, token, params, client, (user) => identified(user.name))
    return checked instanceof Promise ? checked.then(() => {}) : undefined
  }
  const bodies = new BodyBudget(config.maxBodyBytesInFlight)
  metrics.bodyBytesInFlight(() => bodies.inFlight)
  metrics.streamsActive(STREAM_TRANSPORTS, (transport) => streams.active(transport))
  const websocket = { maxMessageBytes: config.maxBodyBytes, idleTimeoutS: streamIdleTimeoutS(config.kafka.produceTimeoutMs) }
  const server = createServer(new Router(routes), log, (method, route, status, seconds) => metrics.request(method, route, status, seconds), authorize, bodies, new CorsPolicy(config.corsOrigins), websocket, config.https)
  await server.listen({ host: config.httpHost, port: config.httpPort }, config.reusePort).catch((err: Error) => failStart(log, err))
  log.info('listening', { host: config.httpHost, port: config.httpPort, https_port: config.https?.port, workers: config.workers, kafka: config.kafka.common['bootstrap.servers'] })
  // Under the supervisor (src/supervisor.ts): from now on a death is a crash to restart from.
  process.send?.(LISTENING_MESSAGE)

  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    exitAfter(STOP_DEADLINE_MS, 0)
    log.info('stopping', { signal, in_flight: server.inFlight })
    metadata.stop()
    offsets.stop()
    await server.close(STOP_GRACE_MS)
    const problems = await closeWithin(CLOSE_TIMEOUT_MS, {
      kafka: async () => await kafka.close(),
      token_store: tokens === undefined ? undefined : async () => await tokens.close()
    })
    if (Object.keys(problems).length > 0) log.error('not closed cleanly', problems)
    log.info('stopped')
    log.flush()
    exitNow(0)
  }
  // `on`, not `once`: a repeated signal (Ctrl-C reaches the supervisor and this process, and the
  // supervisor passes it on) must not fall back to the default action, which kills mid-stop.
  process.on('SIGTERM', (signal) => { void stop(signal) })
  process.on('SIGINT', (signal) => { void stop(signal) })
  // The supervisor is gone (killed): stop rather than serve on unsupervised beside its successor.
  process.once('disconnect', () => { void stop('supervisor gone') })
}

/** Ends a start that cannot serve (a taken port, a worker thread that cannot load), exit code 1. */
function failStart (log: Logger, err: Error): never {
  log.fatal(err.message)
  log.flush()
  // Not process.exit: the Kafka clients exist by now, and exiting through their cleanup was seen to
  // abort ("uv_loop_close() while having open handles") instead of exiting 1.
  return exitNow(1)
}

/** The users table, the token key and the login rate limiter; a bad file stops the start naming it. */
function loadAuth (config: AuthConfig, tokens: TokenStore | undefined): { access: AccessControl, issuer: TokenIssuer, limiter: LoginRateLimiter } {
  try {
    const key = loadSigningKey(config.jwkFile)
    return {
      access: new AccessControl(config, createTokenVerifier(key), tokens),
      issuer: createTokenIssuer(key, config.tokenTtlSeconds),
      limiter: new LoginRateLimiter(config.login)
    }
  } catch (err) {
    if (!(err instanceof UsersFileError) && !(err instanceof SigningKeyError)) throw err
    process.stderr.write(`kastlex: ${err.message}\n`)
    process.exit(1)
  }
}
