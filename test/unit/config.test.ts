// SPEC §9: the environment, parsed and validated once into a frozen config.
import test from 'ava'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, DEFAULT_WORKERS, loadConfig, type Config } from '../../src/config.js'
import { HTTPS_VARIABLES, VARIABLES } from '../../src/config/variables.js'
import { compressionUnavailable } from '../../src/kafka/compression.js'

const dir = mkdtempSync(join(tmpdir(), 'kastlex-config-test-'))
test.after.always(() => { rmSync(dir, { recursive: true, force: true }) })

let files = 0
const file = (content: string): string => {
  const path = join(dir, `file-${files++}`)
  writeFileSync(path, content)
  return path
}
const missing = join(dir, 'does-not-exist.yml')

/** The auth files are required (SPEC §9); every test but the one about them gets readable ones. */
const AUTH = {
  KASTLEX_JWK_FILE: file('key'),
  KASTLEX_PERMISSIONS_FILE_PATH: file('{}'),
  KASTLEX_PASSWD_FILE_PATH: file('{}')
}
const load = (env: Record<string, string>, warn?: (message: string) => void): Config => loadConfig({ ...AUTH, ...env }, warn)

/** loadConfig that must throw ConfigError; returns its message. */
const refused = (t: import('ava').ExecutionContext, env: Record<string, string>): string => {
  const error = t.throws(() => load(env), { instanceOf: ConfigError }, JSON.stringify(env))
  return error?.message ?? ''
}

test('defaults', (t) => {
  const config = load({})
  t.is(config.httpPort, 8092)
  t.is(config.workers, DEFAULT_WORKERS)
  t.is(config.maxBodyBytes, 8_000_000)
  t.is(config.fetchMaxBytesLimit, 10_485_760)
  t.is(config.fetchBufferBytes, 64 * 1024 * 1024)
  t.is(config.logLevel, 'info')
  t.is(config.kafka.requestTimeoutMs, 30000)
  t.is(config.kafka.produceTimeoutMs, 30000)
  t.is(config.kafka.securityProtocol, 'PLAINTEXT')
  t.is(config.kafka.common['bootstrap.servers'], 'localhost:9092')
  t.like(config.kafka.producer, {
    acks: -1,
    'enable.idempotence': true,
    'message.timeout.ms': 30000,
    'request.timeout.ms': 10000,
    'queue.buffering.max.messages': 100000,
    'max.in.flight.requests.per.connection': 5,
    'batch.size': 1048576,
    retries: 3,
    'retry.backoff.ms': 500
  })
  const linger = config.kafka.producer['linger.ms'] as number
  t.true(linger >= 1 && linger <= 5, `linger.ms ${linger} chosen in 1–5`)
  t.false('batch.num.messages' in config.kafka.producer, 'linger count 0 = librdkafka default')
  t.false(Object.keys(config.kafka.common).some((k) => k.startsWith('sasl.') || k.startsWith('ssl.')))
})

test('listen addresses: KASTLEX_HTTP_HOST and KASTLEX_HTTPS_HOST default to :: (dual stack); IP literals only', (t) => {
  const defaults = load({ KASTLEX_USE_HTTPS: 'true', KASTLEX_CERTFILE: AUTH.KASTLEX_JWK_FILE, KASTLEX_KEYFILE: AUTH.KASTLEX_JWK_FILE })
  t.is(defaults.httpHost, '::')
  t.is(defaults.https?.host, '::')
  t.is(load({ KASTLEX_HTTP_HOST: '' }).httpHost, '::', 'empty = unset')
  for (const host of ['0.0.0.0', '127.0.0.1', '::1', '::', 'fe80::1%lo', '::ffff:127.0.0.1']) {
    t.is(load({ KASTLEX_HTTP_HOST: host }).httpHost, host)
    const https = load({ KASTLEX_USE_HTTPS: 'true', KASTLEX_CERTFILE: AUTH.KASTLEX_JWK_FILE, KASTLEX_KEYFILE: AUTH.KASTLEX_JWK_FILE, KASTLEX_HTTPS_HOST: host })
    t.is(https.https?.host, host)
    t.is(https.httpHost, '::', 'the HTTP host is its own')
  }
  for (const host of ['localhost', '[::1]', '127.0.0.1:8092', '256.0.0.1', ' ::', 'any']) {
    t.true(refused(t, { KASTLEX_HTTP_HOST: host }).includes('KASTLEX_HTTP_HOST'), host)
    const message = refused(t, { KASTLEX_USE_HTTPS: 'true', KASTLEX_CERTFILE: AUTH.KASTLEX_JWK_FILE, KASTLEX_KEYFILE: AUTH.KASTLEX_JWK_FILE, KASTLEX_HTTPS_HOST: host })
    t.true(message.includes('KASTLEX_HTTPS_HOST'), host)
  }
})

test('KASTLEX_HTTP_REUSE_PORT: off by default (a taken port stops the start), a boolean', (t) => {
  t.false(load({}).reusePort)
  t.true(load({ KASTLEX_HTTP_REUSE_PORT: 'true' }).reusePort)
  t.false(load({ KASTLEX_HTTP_REUSE_PORT: '0' }).reusePort)
  t.true(refused(t, { KASTLEX_HTTP_REUSE_PORT: 'yes' }).includes('KASTLEX_HTTP_REUSE_PORT'))
})

test('empty variables count as unset', (t) => {
  const config = load({ KASTLEX_HTTP_PORT: '', KASTLEX_KAFKA_CLUSTER: '', KASTLEX_KAFKA_USE_SSL: '', KASTLEX_KAFKA_SASL_FILE: '' })
  t.is(config.httpPort, 8092)
  t.is(config.kafka.common['bootstrap.servers'], 'localhost:9092')
  t.is(config.kafka.securityProtocol, 'PLAINTEXT')
})

test('values are read from the environment', (t) => {
  const config = load({
    KASTLEX_HTTP_PORT: '8080',
    KASTLEX_WORKERS: '0',
    KASTLEX_PRODUCE_TIMEOUT_MS: '5000',
    KASTLEX_KAFKA_REQUEST_TIMEOUT_MS: '7000',
    KASTLEX_MAX_BODY_BYTES: '1000',
    KASTLEX_FETCH_MAX_BYTES_LIMIT: '2000',
    KASTLEX_FETCH_BUFFER_BYTES: '1048576',
    KASTLEX_LOG_LEVEL: 'debug',
    KASTLEX_PRODUCER_REQUIRED_ACKS: '1',
    KASTLEX_PRODUCER_MAX_LINGER_COUNT: '100'
  })
  t.is(config.httpPort, 8080)
  t.is(config.workers, 0)
  t.is(config.kafka.produceTimeoutMs, 5000)
  t.is(config.kafka.producer['message.timeout.ms'], 5000, 'message.timeout.ms = KASTLEX_PRODUCE_TIMEOUT_MS')
  t.is(config.kafka.requestTimeoutMs, 7000)
  t.is(config.maxBodyBytes, 1000)
  t.is(config.fetchMaxBytesLimit, 2000)
  t.is(config.fetchBufferBytes, 1_048_576)
  t.is(config.logLevel, 'debug')
  t.is(config.kafka.producer.acks, 1)
  t.is(config.kafka.producer['enable.idempotence'], false, 'idempotence only with acks -1')
  t.is(config.kafka.producer['batch.num.messages'], 100)
})

test('integers are strict and in range; the message names the variable', (t) => {
  const table: ReadonlyArray<readonly [string, string]> = [
    ['KASTLEX_HTTP_PORT', 'abc'],
    ['KASTLEX_HTTP_PORT', '0'],
    ['KASTLEX_HTTP_PORT', '65536'],
    ['KASTLEX_HTTP_PORT', '80.5'],
    ['KASTLEX_HTTP_PORT', '+80'],
    ['KASTLEX_HTTP_PORT', ' 80'],
    ['KASTLEX_HTTP_PORT', '8080abc'],
    ['KASTLEX_PRODUCE_TIMEOUT_MS', '0'],
    ['KASTLEX_MAX_BODY_BYTES', '-1'],
    ['KASTLEX_FETCH_BUFFER_BYTES', '-1'],
    ['KASTLEX_FETCH_BUFFER_BYTES', '64MB'],
    ['KASTLEX_WORKERS', 'many'],
    ['KASTLEX_PRODUCER_REQUIRED_ACKS', '2'],
    ['KASTLEX_PRODUCER_REQUIRED_ACKS', 'all']
  ]
  for (const [name, raw] of table) {
    t.true(refused(t, { [name]: raw }).includes(name), `${name}=${raw}`)
  }
})

test('every bad variable is named, not only the first', (t) => {
  const error = t.throws(() => load({
    KASTLEX_HTTP_PORT: 'abc',
    KASTLEX_WORKERS: 'x',
    KASTLEX_KAFKA_USE_SSL: 'yes',
    KASTLEX_LOG_LEVEL: 'loud',
    KASTLEX_KAFKA_CLUSTER: 'nope'
  }), { instanceOf: ConfigError })
  for (const name of ['KASTLEX_HTTP_PORT', 'KASTLEX_WORKERS', 'KASTLEX_KAFKA_USE_SSL', 'KASTLEX_LOG_LEVEL', 'KASTLEX_KAFKA_CLUSTER']) {
    t.true(error?.message.includes(name), name)
  }
  t.is(error?.problems.length, 5)
})

test('KASTLEX_PRODUCER_MAX_LINGER_MS: a fraction of a millisecond as librdkafka takes it; malformed or out of range refused', (t) => {
  for (const [raw, linger] of [['0.5', 0.5], ['0', 0], ['2', 2], ['0.25', 0.25], ['900000', 900_000]] as const) {
    t.is(load({ KASTLEX_PRODUCER_MAX_LINGER_MS: raw }).kafka.producer['linger.ms'], linger, raw)
  }
  for (const raw of ['.5', '0.', '-1', '1e3', '0x10', ' 1', '1 ', '1,5', '900000.5', 'NaN', 'Infinity', '0.1234567']) {
    t.true(refused(t, { KASTLEX_PRODUCER_MAX_LINGER_MS: raw }).includes('KASTLEX_PRODUCER_MAX_LINGER_MS'), JSON.stringify(raw))
  }
})

test('booleans: true/1/false/0, case-insensitive; anything else refused', (t) => {
  const table: ReadonlyArray<readonly [string, boolean]> = [
    ['true', true], ['TRUE', true], ['True', true], ['1', true],
    ['false', false], ['FALSE', false], ['False', false], ['0', false]
  ]
  for (const [raw, on] of table) {
    t.is(load({ KASTLEX_KAFKA_USE_SSL: raw }).kafka.securityProtocol, on ? 'SSL' : 'PLAINTEXT', raw)
  }
  for (const raw of ['yes', 'no', 'on', '2', 't', ' true']) {
    t.true(refused(t, { KASTLEX_KAFKA_USE_SSL: raw }).includes('KASTLEX_KAFKA_USE_SSL'), raw)
  }
})

test('KASTLEX_KAFKA_CLUSTER: comma-separated host:port / [ipv6]:port, trimmed', (t) => {
  const table: ReadonlyArray<readonly [string, string]> = [
    [' a:1 , [::1]:9092 ', 'a:1,[::1]:9092'],
    ['kafka-1.example.com:9092,kafka-2.example.com:9093', 'kafka-1.example.com:9092,kafka-2.example.com:9093'],
    ['10.0.0.1:9092', '10.0.0.1:9092'],
    ['[fe80::1]:65535', '[fe80::1]:65535']
  ]
  for (const [raw, servers] of table) {
    t.is(load({ KASTLEX_KAFKA_CLUSTER: raw }).kafka.common['bootstrap.servers'], servers, raw)
  }
  for (const raw of ['a', 'a:', ':9092', 'a:0', 'a:65536', 'a:b', 'a:1,', 'a:1,,b:2', '::1:9092', 'a b:1', 'http://a:1']) {
    t.true(refused(t, { KASTLEX_KAFKA_CLUSTER: raw }).includes('KASTLEX_KAFKA_CLUSTER'), raw)
  }
})

test('unknown KASTLEX_* variables warn; ignored ones warn "accepted and ignored"', (t) => {
  const warnings: string[] = []
  load({
    KASTLEX_FOO: '1',
    KASTLEX_ZOOKEEPER_CLUSTER: 'zk:2181',
    KASTLEX_CG_CACHE_DIR: '/tmp',
    KASTLEX_HTTP_PORT: '8092',
    KASTLEX_JWK_FILE: AUTH.KASTLEX_JWK_FILE,
    KASTLEX_SECRET_KEY_BASE: 'x',
    PATH: '/usr/bin',
    OTHER_FOO: '1'
  }, (message) => warnings.push(message))
  t.is(warnings.length, 3, JSON.stringify(warnings))
  t.true(warnings.some((w) => w.includes('KASTLEX_FOO')))
  t.true(warnings.some((w) => w.includes('KASTLEX_ZOOKEEPER_CLUSTER') && w.includes('accepted and ignored')))
  t.true(warnings.some((w) => w.includes('KASTLEX_CG_CACHE_DIR') && w.includes('accepted and ignored')))
})

test('KASTLEX_KAFKA_SASL_FILE: YAML username/password/mechanism → sasl.* and SASL_PLAINTEXT/SASL_SSL', (t) => {
  const table: ReadonlyArray<readonly [string, string | undefined, string]> = [
    ['scram_sha_512', undefined, 'SCRAM-SHA-512'],
    ['scram_sha_256', undefined, 'SCRAM-SHA-256'],
    ['plain', undefined, 'PLAIN'],
    ['', undefined, 'PLAIN'] // mechanism absent → plain
  ]
  for (const [mechanism, , saslMechanism] of table) {
    const path = file(`username: alice\npassword: s3cret\n${mechanism === '' ? '' : `mechanism: ${mechanism}\n`}`)
    const config = load({ KASTLEX_KAFKA_SASL_FILE: path })
    t.is(config.kafka.securityProtocol, 'SASL_PLAINTEXT', mechanism)
    t.like(config.kafka.common, { 'sasl.mechanisms': saslMechanism, 'sasl.username': 'alice', 'sasl.password': 's3cret' }, mechanism)
  }
  const tls = load({ KASTLEX_KAFKA_SASL_FILE: file('username: bob\npassword: pw\nmechanism: scram_sha_512\n'), KASTLEX_KAFKA_USE_SSL: 'true' })
  t.is(tls.kafka.securityProtocol, 'SASL_SSL')
})

test('KASTLEX_KAFKA_SASL_FILE set but unreadable or invalid → refused, naming the variable', (t) => {
  const table: ReadonlyArray<readonly [string, string]> = [
    ['missing file', missing],
    ['not a map', file('- a\n- b\n')],
    ['empty file', file('')],
    ['no username', file('password: pw\n')],
    ['no password', file('username: u\n')],
    ['unknown mechanism', file('username: u\npassword: pw\nmechanism: gssapi\n')],
    // Names of Object.prototype's members are not mechanisms (a lookup in a plain object found them).
    ['mechanism constructor', file('username: u\npassword: pw\nmechanism: constructor\n')],
    ['mechanism toString', file('username: u\npassword: pw\nmechanism: toString\n')],
    ['mechanism __proto__', file('username: u\npassword: pw\nmechanism: __proto__\n')],
    ['malformed YAML', file('username: u\npassword: [pw\n')]
  ]
  for (const [name, path] of table) {
    t.true(refused(t, { KASTLEX_KAFKA_SASL_FILE: path }).includes('KASTLEX_KAFKA_SASL_FILE'), name)
  }
})

test('a refused SASL file does not put the password into the error (SPEC §1: no secrets in logs)', (t) => {
  const secret = 'hunter2-very-secret'
  for (const content of [
    `username: u\npassword: "${secret}\n`,
    `username: u\npassword: ${secret}\n  nested: x\n`,
    `username: u\npassword: ${secret}\nmechanism: [plain\n`,
    `username: u\npassword: ${secret}\nmechanism: gssapi\n`
  ]) {
    const message = refused(t, { KASTLEX_KAFKA_SASL_FILE: file(content) })
    t.true(message.includes('KASTLEX_KAFKA_SASL_FILE'), content)
    t.false(message.includes(secret), `password leaked in: ${message}`)
  }
})

test('KASTLEX_KAFKA_*FILE: any set → TLS with those files; unreadable → refused', (t) => {
  const ca = file('ca')
  const config = load({ KASTLEX_KAFKA_CACERTFILE: ca })
  t.is(config.kafka.securityProtocol, 'SSL')
  t.is(config.kafka.common['ssl.ca.location'], ca)
  for (const name of ['KASTLEX_KAFKA_CACERTFILE', 'KASTLEX_KAFKA_CERTFILE', 'KASTLEX_KAFKA_KEYFILE']) {
    t.true(refused(t, { [name]: missing }).includes(name), name)
  }
})

test('producer constraints when acks is -1', (t) => {
  t.true(refused(t, { KASTLEX_PRODUCER_REQUIRED_ACKS: '-1', KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: '6' })
    .includes('KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT'))
  t.true(refused(t, { KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: '6' }).includes('KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT'), 'acks -1 by default')
  t.true(refused(t, { KASTLEX_PRODUCER_MAX_RETRIES: '0' }).includes('KASTLEX_PRODUCER_MAX_RETRIES'))
  const relaxed = load({ KASTLEX_PRODUCER_REQUIRED_ACKS: '1', KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: '6', KASTLEX_PRODUCER_MAX_RETRIES: '0' })
  t.like(relaxed.kafka.producer, { acks: 1, 'max.in.flight.requests.per.connection': 6, retries: 0 })
  t.is(load({ KASTLEX_PRODUCER_REQUIRED_ACKS: '-1', KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: '5' }).kafka.producer['max.in.flight.requests.per.connection'], 5)
})

test('KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: 256 MiB by default; never below KASTLEX_MAX_BODY_BYTES', (t) => {
  t.is(load({}).maxBodyBytesInFlight, 268_435_456)
  t.is(load({ KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: '8000000' }).maxBodyBytesInFlight, 8_000_000)
  t.true(refused(t, { KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: '0' }).includes('KASTLEX_MAX_BODY_BYTES_IN_FLIGHT'))
  t.true(refused(t, { KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: '1e9' }).includes('KASTLEX_MAX_BODY_BYTES_IN_FLIGHT'))
  t.true(refused(t, { KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: '7999999' }).includes('KASTLEX_MAX_BODY_BYTES_IN_FLIGHT'))
  t.true(refused(t, { KASTLEX_MAX_BODY_BYTES: '1000001', KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: '1000000' }).includes('KASTLEX_MAX_BODY_BYTES_IN_FLIGHT'))
})

test('KASTLEX_BATCH_MAX_RECORDS: 1000 by default; 1 … 1,000,000', (t) => {
  t.is(load({}).batchMaxRecords, 1000)
  t.is(load({ KASTLEX_BATCH_MAX_RECORDS: '1' }).batchMaxRecords, 1)
  t.is(load({ KASTLEX_BATCH_MAX_RECORDS: '1000000' }).batchMaxRecords, 1_000_000)
  for (const bad of ['0', '-5', '1000001', '10.5', 'many']) {
    t.true(refused(t, { KASTLEX_BATCH_MAX_RECORDS: bad }).includes('KASTLEX_BATCH_MAX_RECORDS'), bad)
  }
})

test('KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT: 10000 by default; 1 … 10,000,000', (t) => {
  t.is(load({}).produceStreamMaxInFlight, 10_000)
  t.is(load({ KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT: '1' }).produceStreamMaxInFlight, 1)
  t.is(load({ KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT: '10000000' }).produceStreamMaxInFlight, 10_000_000)
  for (const bad of ['0', '-1', '10000001', '1e3', 'lots']) {
    t.true(refused(t, { KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT: bad }).includes('KASTLEX_PRODUCE_STREAM_MAX_IN_FLIGHT'), bad)
  }
})

test('KASTLEX_STREAM_MAX_CLIENTS: 1000 by default; 1 … 1,000,000', (t) => {
  t.is(load({}).streamMaxClients, 1000)
  t.is(load({ KASTLEX_STREAM_MAX_CLIENTS: '1' }).streamMaxClients, 1)
  t.is(load({ KASTLEX_STREAM_MAX_CLIENTS: '1000000' }).streamMaxClients, 1_000_000)
  for (const bad of ['0', '-1', '1000001', '2.5', 'none']) {
    t.true(refused(t, { KASTLEX_STREAM_MAX_CLIENTS: bad }).includes('KASTLEX_STREAM_MAX_CLIENTS'), bad)
  }
})

test('KASTLEX_IDEMPOTENCY_TTL_S, KASTLEX_IDEMPOTENCY_MAX_KEYS: 3600 s and 100,000 keys by default', (t) => {
  const warnings: string[] = []
  t.deepEqual(load({}).idempotency, { ttlSeconds: 3600, maxKeys: 100_000 })
  t.deepEqual(load({ KASTLEX_IDEMPOTENCY_TTL_S: '1', KASTLEX_IDEMPOTENCY_MAX_KEYS: '2' }, (m) => warnings.push(m)).idempotency, { ttlSeconds: 1, maxKeys: 2 })
  t.deepEqual(warnings, [], 'known variables')
  t.is(load({ KASTLEX_IDEMPOTENCY_TTL_S: '2147483647', KASTLEX_IDEMPOTENCY_MAX_KEYS: '100000000' }).idempotency.maxKeys, 100_000_000)
  for (const bad of ['0', '-1', '2147483648', '1.5', 'hour']) {
    t.true(refused(t, { KASTLEX_IDEMPOTENCY_TTL_S: bad }).includes('KASTLEX_IDEMPOTENCY_TTL_S'), bad)
  }
  for (const bad of ['0', '-1', '100000001', '1e5', 'many']) {
    t.true(refused(t, { KASTLEX_IDEMPOTENCY_MAX_KEYS: bad }).includes('KASTLEX_IDEMPOTENCY_MAX_KEYS'), bad)
  }
})

test('KASTLEX_PRODUCER_COMPRESSION: none by default, any case; an unknown codec refused', (t) => {
  t.is(load({}).kafka.producer['compression.codec'], 'none')
  // The librdkafka shipped with @platformatic/rdkafka has these three (Kafka.features).
  for (const codec of ['gzip', 'snappy', 'lz4']) {
    t.is(load({ KASTLEX_PRODUCER_COMPRESSION: codec }).kafka.producer['compression.codec'], codec)
  }
  t.is(load({ KASTLEX_PRODUCER_COMPRESSION: 'LZ4' }).kafka.producer['compression.codec'], 'lz4')
  for (const bad of ['deflate', 'producer', '1', ' gzip']) {
    t.true(refused(t, { KASTLEX_PRODUCER_COMPRESSION: bad }).includes('KASTLEX_PRODUCER_COMPRESSION: expected one of none, gzip, snappy, lz4, zstd'), bad)
  }
})

test('KASTLEX_PRODUCER_COMPRESSION=zstd: accepted where librdkafka has zstd, else refused at start naming libzstd-dev', (t) => {
  const unavailable = compressionUnavailable('zstd')
  if (unavailable === undefined) {
    t.is(load({ KASTLEX_PRODUCER_COMPRESSION: 'zstd' }).kafka.producer['compression.codec'], 'zstd')
  } else {
    t.true(refused(t, { KASTLEX_PRODUCER_COMPRESSION: 'zstd' }).includes(`KASTLEX_PRODUCER_COMPRESSION: zstd is not available: ${unavailable}`))
  }
  // @platformatic/rdkafka builds librdkafka at install; its configure leaves zstd out without libzstd's headers.
  const withoutZstd = { version: '2.12.0', features: ['gzip', 'snappy', 'ssl', 'sasl', 'lz4'] }
  t.is(compressionUnavailable('zstd', withoutZstd), 'librdkafka 2.12.0 was built without zstd (install libzstd-dev, then npm rebuild @platformatic/rdkafka)')
  t.is(compressionUnavailable('zstd', { ...withoutZstd, features: [...withoutZstd.features, 'zstd'] }), undefined)
  t.is(compressionUnavailable('lz4', { ...withoutZstd, features: [] }), 'librdkafka 2.12.0 was built without lz4')
  t.is(compressionUnavailable('none', { ...withoutZstd, features: [] }), undefined)
})

test('message.max.bytes admits any accepted body', (t) => {
  const config = load({ KASTLEX_MAX_BODY_BYTES: '50000000' })
  t.true((config.kafka.producer['message.max.bytes'] as number) > 50_000_000)
})

test('the returned config is frozen, deeply', (t) => {
  const config: Config = load({ KASTLEX_KAFKA_SASL_FILE: file('username: a\npassword: b\n') })
  t.true(Object.isFrozen(config))
  t.true(Object.isFrozen(config.kafka))
  t.true(Object.isFrozen(config.kafka.producer))
  t.true(Object.isFrozen(config.kafka.common))
  t.throws(() => { (config as { httpPort: number }).httpPort = 1 }, { instanceOf: TypeError })
})

test('the auth files are required and must be readable; token storage variables', (t) => {
  const message = t.throws(() => loadConfig({ KASTLEX_JWK_FILE: missing, KASTLEX_PERMISSIONS_FILE_PATH: missing, KASTLEX_PASSWD_FILE_PATH: missing }), { instanceOf: ConfigError })?.message ?? ''
  for (const name of ['KASTLEX_JWK_FILE', 'KASTLEX_PERMISSIONS_FILE_PATH', 'KASTLEX_PASSWD_FILE_PATH']) t.true(message.includes(name), name)
  t.regex(refused(t, { ...AUTH, KASTLEX_ENABLE_TOKEN_STORAGE: 'true', KASTLEX_TOKEN_STORAGE_TOPIC: 'bad topic' }), /KASTLEX_TOKEN_STORAGE_TOPIC/)
  t.deepEqual(load({ KASTLEX_ENABLE_TOKEN_STORAGE: 'true' }).auth.tokenStorage, { topic: '_kastlex_tokens', waitMs: 10_000 })
  t.is(load({ KASTLEX_TOKEN_STORAGE_TOPIC: 'tokens' }).auth.tokenStorage, undefined)
  t.is(load({ KASTLEX_TOKEN_STORAGE_TOPIC: 'tokens' }).auth.tokenTopic, 'tokens', 'the name is kept (and refused to clients) with storage off')
  t.is(load({}).auth.tokenTopic, '_kastlex_tokens')
  t.like(load({ KASTLEX_TOKEN_TTL_SECONDS: '60', KASTLEX_LOGIN_MAX_PER_ADDRESS: '5' }).auth, { tokenTtlSeconds: 60, login: { windowSeconds: 300, maxPerAddress: 5, maxFailuresPerUser: 10 } })
})

test('KASTLEX_TRUST_PROXY: a number of proxy hops; false = 0, true = 1', (t) => {
  t.is(load({}).auth.trustProxyHops, 0)
  for (const [raw, hops] of [['false', 0], ['0', 0], ['true', 1], ['TRUE', 1], ['1', 1], ['2', 2], ['100', 100]] as const) {
    t.is(load({ KASTLEX_TRUST_PROXY: raw }).auth.trustProxyHops, hops, raw)
  }
  for (const raw of ['-1', 'yes', '1.5', '101', '0x2']) t.regex(refused(t, { KASTLEX_TRUST_PROXY: raw }), /KASTLEX_TRUST_PROXY/, raw)
})

test('KASTLEX_AUTH_FAILURES_PER_ADDRESS: default 100, a positive integer', (t) => {
  t.is(load({}).auth.failuresPerAddress, 100)
  t.is(load({ KASTLEX_AUTH_FAILURES_PER_ADDRESS: '5' }).auth.failuresPerAddress, 5)
  for (const bad of ['0', '-1', '1.5', 'many', '0x10']) {
    t.regex(refused(t, { KASTLEX_AUTH_FAILURES_PER_ADDRESS: bad }), /KASTLEX_AUTH_FAILURES_PER_ADDRESS/, bad)
  }
  const warnings: string[] = []
  load({ KASTLEX_AUTH_FAILURES_PER_ADDRESS: '7' }, (warning) => warnings.push(warning))
  t.deepEqual(warnings, [], 'a known variable')
})

test('KASTLEX_CORS_ORIGINS: unset = off; * or exact origins; anything else refused naming the variable', (t) => {
  t.is(load({}).corsOrigins, undefined)
  t.is(load({ KASTLEX_CORS_ORIGINS: '' }).corsOrigins, undefined)
  t.is(load({ KASTLEX_CORS_ORIGINS: '*' }).corsOrigins, '*')
  t.deepEqual(load({ KASTLEX_CORS_ORIGINS: 'https://App.example:443, http://localhost:3000' }).corsOrigins, new Set(['https://app.example', 'http://localhost:3000']))
  for (const bad of ['https://app.example/', 'app.example', 'https://a.example,null', '*,https://a.example', ',']) {
    t.regex(refused(t, { KASTLEX_CORS_ORIGINS: bad }), /KASTLEX_CORS_ORIGINS: expected \* or comma-separated origins/, bad)
  }
})

test('every variable of the tables is known: setting it draws no warning', (t) => {
  const warnings: string[] = []
  const every = Object.fromEntries([...Object.keys(VARIABLES), ...Object.keys(HTTPS_VARIABLES)].map((name) => [name, '']))
  loadConfig({ ...every, ...AUTH }, (warning) => warnings.push(warning))
  t.deepEqual(warnings, [])
})

test('a refused value counts as its default in the checks between variables', (t) => {
  const problems = (env: Record<string, string>): readonly string[] =>
    t.throws(() => load(env), { instanceOf: ConfigError })?.problems ?? []
  // acks refused → -1, its default: 6 in flight is then too many, as with acks unset.
  t.deepEqual([...problems({ KASTLEX_PRODUCER_REQUIRED_ACKS: 'all', KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: '6' })].sort(), [
    'KASTLEX_PRODUCER_PARTITION_ONWIRE_LIMIT: must be 1…5 when acks is -1',
    'KASTLEX_PRODUCER_REQUIRED_ACKS: expected an integer in -1…1, got "all"'
  ])
  t.deepEqual([...problems({ KASTLEX_MAX_BODY_BYTES: 'big', KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: '1000' })].sort(), [
    'KASTLEX_MAX_BODY_BYTES: expected an integer in 1…1000000000, got "big"',
    'KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: must be at least KASTLEX_MAX_BODY_BYTES'
  ])
})
