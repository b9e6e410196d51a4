// Embedded single-node Apache Kafka (KRaft, broker+controller) for development and tests.
// Environment: EMBEDDED_KAFKA_PORT (9092), EMBEDDED_KAFKA_CONTROLLER_PORT (port + 1),
// EMBEDDED_KAFKA_SASL_PORT (port + 2), EMBEDDED_KAFKA_DIR (.cache/kafka), EMBEDDED_KAFKA_HEAP (512m).
// Listeners, all on 127.0.0.1: PLAINTEXT on `port` (everything but the SASL tests; also inter-broker) and
// SASL_PLAINTEXT on `saslPort` with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for one fixed test user,
// `saslUser` (kastlex-test / kastlex-secret). The SCRAM credentials are written into the metadata log when
// the storage is formatted; a data directory formatted without them (marker file missing) is re-created.
// Kafka and its runtime dependencies come from Maven Central through scripts/kafka/pom.xml.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const port = Number(process.env.EMBEDDED_KAFKA_PORT || 9092)
const controllerPort = Number(process.env.EMBEDDED_KAFKA_CONTROLLER_PORT || port + 1)
export const saslPort = Number(process.env.EMBEDDED_KAFKA_SASL_PORT || port + 2)
/** The one user of the SASL listener, for every mechanism. */
export const saslUser = Object.freeze({ username: 'kastlex-test', password: 'kastlex-secret' })
const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']
const SCRAM_MECHANISMS = SASL_MECHANISMS.filter((m) => m.startsWith('SCRAM-'))
const baseDir = resolve(root, process.env.EMBEDDED_KAFKA_DIR || '.cache/kafka')
const heap = process.env.EMBEDDED_KAFKA_HEAP || '512m'
const libsDir = join(root, '.cache', 'kafka-libs')
const dataDir = join(baseDir, `data-${port}`)
const pidFile = join(dataDir, 'kafka.pid')
const logFile = join(dataDir, 'kafka.log')
const propsFile = join(dataDir, 'server.properties')
const metaFile = join(dataDir, 'logs', 'meta.properties')
/** Written beside meta.properties when the storage was formatted with the SCRAM credentials of saslUser. */
const scramMarkerFile = join(dataDir, 'logs', 'kastlex-scram.json')
const scramMarker = JSON.stringify({ user: saslUser.username, mechanisms: SCRAM_MECHANISMS }) + '\n'
const START_TIMEOUT_MS = 120_000

const log = (msg) => process.stderr.write(`[kafka] ${msg}\n`)

export function portAnswers (p = port, host = '127.0.0.1') {
  return new Promise((resolvePort) => {
    const socket = connect({ port: p, host })
    const done = (ok) => { socket.destroy(); resolvePort(ok) }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function ensureLibs () {
  if (existsSync(join(libsDir, '.complete'))) return
  log('resolving Apache Kafka from Maven Central (once) ...')
  rmSync(libsDir, { recursive: true, force: true })
  const mvn = spawnSync('mvn', ['-q', '-B', '-f', join(root, 'scripts/kafka/pom.xml'),
    'dependency:copy-dependencies', `-DoutputDirectory=${libsDir}`, '-DincludeScope=runtime'],
  { stdio: 'inherit' })
  if (mvn.status !== 0) throw new Error('mvn could not resolve Kafka (see output above)')
  writeFileSync(join(libsDir, '.complete'), new Date().toISOString())
}

function java (args, options = {}) {
  return spawn('java', [`-Xmx${heap}`, `-Xms${heap}`, '-XX:+UseG1GC', '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(root, 'scripts/kafka/log4j2.properties')}`,
    '-cp', `${libsDir}/*`, ...args], options)
}

function writeProperties () {
  const props = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    'sasl.enabled.mechanisms': SASL_MECHANISMS.join(','),
    'listener.name.sasl_plaintext.plain.sasl.jaas.config':
      `org.apache.kafka.common.security.plain.PlainLoginModule required user_${saslUser.username}="${saslUser.password}";`,
    ...Object.fromEntries(SCRAM_MECHANISMS.map((mechanism) => [
      `listener.name.sasl_plaintext.${mechanism.toLowerCase()}.sasl.jaas.config`,
      'org.apache.kafka.common.security.scram.ScramLoginModule required;'
    ])),
    'log.dirs': join(dataDir, 'logs'),
    'num.partitions': 1,
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 5,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'delete.topic.enable': true,
    // Topics with a retention (the benchmark's produce topic) are trimmed within seconds, not 5 minutes.
    'log.retention.check.interval.ms': 10_000
  }
  writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
}

/** A data directory formatted without saslUser's SCRAM credentials (before the SASL listener) is started afresh. */
function discardStorageWithoutScram () {
  if (!existsSync(metaFile)) return
  let marker
  try { marker = readFileSync(scramMarkerFile, 'utf8') } catch { marker = undefined }
  if (marker === scramMarker) return
  const pid = readPid()
  if (pid !== undefined && alive(pid)) throw new Error(`broker process ${pid} is running but not answering on ${port}; run \`npm run kafka:down\` first`)
  log(`data ${dataDir} was formatted without the SCRAM credentials of ${saslUser.username}; re-creating it`)
  rmSync(dataDir, { recursive: true, force: true })
}

/**
 * Kafka's Uuid text form: 16 random bytes, base64url without padding. One in 64 begins with `-`, which the
 * storage tool's argument parser takes for an option ("--cluster-id: expected one argument"); Kafka's own
 * Uuid.randomUuid() draws again in that case, and so does this.
 */
export function newClusterId () {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function formatStorage () {
  if (existsSync(metaFile)) return
  const clusterId = newClusterId()
  // KRaft keeps SCRAM credentials in the metadata log: `--add-scram` writes them in at format time.
  const scram = SCRAM_MECHANISMS.flatMap((mechanism) =>
    ['--add-scram', `${mechanism}=[name=${saslUser.username},password=${saslUser.password}]`])
  const format = spawnSync('java', ['-cp', `${libsDir}/*`,
    `-Dlog4j2.configurationFile=${join(root, 'scripts/kafka/log4j2.properties')}`,
    'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, ...scram], { encoding: 'utf8' })
  if (format.status !== 0) throw new Error(`formatting Kafka storage failed:\n${format.stdout}${format.stderr}`)
  writeFileSync(scramMarkerFile, scramMarker)
}

function readPid () {
  try { return Number(readFileSync(pidFile, 'utf8').trim()) || undefined } catch { return undefined }
}

function alive (pid) {
  try { process.kill(pid, 0); return true } catch { return false }
}

async function ensureTopic (name, deadline) {
  const require = createRequire(import.meta.url)
  const Kafka = require('@platformatic/rdkafka')
  const admin = Kafka.AdminClient.create({
    'bootstrap.servers': `127.0.0.1:${port}`, 'client.id': 'kastlex-embedded', 'log_level': 0
  })
  try {
    for (;;) {
      const err = await new Promise((done) => admin.createTopic({ topic: name, num_partitions: 1, replication_factor: 1 }, 10_000, done))
      if (!err || err.code === Kafka.CODES.ERRORS.ERR_TOPIC_ALREADY_EXISTS) return
      if (Date.now() > deadline) throw new Error(`creating topic ${name}: ${err.message}`)
      await new Promise((r) => setTimeout(r, 500))
    }
  } finally {
    admin.disconnect()
  }
}

/** Starts the broker unless one answers; resolves when both listeners answer and `kastlex` exists. */
export async function up () {
  const deadline = Date.now() + START_TIMEOUT_MS
  if ((await portAnswers(port)) && !(await portAnswers(saslPort))) {
    // Started by this script before it had the SASL listener: restart it with the current settings.
    const pid = readPid()
    if (pid !== undefined && alive(pid)) {
      log(`the broker on 127.0.0.1:${port} has no SASL listener on ${saslPort}; restarting it`)
      await down()
      while ((await portAnswers(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250))
    } else {
      log(`warning: a broker this script did not start answers on 127.0.0.1:${port} but nothing on SASL port ${saslPort}`)
    }
  }
  if (!(await portAnswers(port))) {
    ensureLibs()
    discardStorageWithoutScram()
    mkdirSync(dataDir, { recursive: true })
    writeProperties()
    formatStorage()
    log(`starting broker on 127.0.0.1:${port} (data ${dataDir})`)
    const out = openSync(logFile, 'a')
    const child = java(['kafka.Kafka', propsFile], { detached: true, stdio: ['ignore', out, out] })
    writeFileSync(pidFile, String(child.pid))
    let exited = false
    child.once('exit', () => { exited = true })
    child.unref()
    while (!(await portAnswers(port)) || !(await portAnswers(saslPort))) {
      if (exited) throw new Error(`Kafka exited during start; see ${logFile}`)
      if (Date.now() > deadline) throw new Error(`Kafka did not answer within ${START_TIMEOUT_MS} ms; see ${logFile}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  await ensureTopic('kastlex', deadline)
  log(`ready on 127.0.0.1:${port} (PLAINTEXT), 127.0.0.1:${saslPort} (SASL_PLAINTEXT: ${SASL_MECHANISMS.join(', ')}; user ${saslUser.username})`)
}

/** Stops the broker this script started (its pid file), if running. */
export async function down () {
  const pid = readPid()
  if (!pid || !alive(pid)) { log('not running'); rmSync(pidFile, { force: true }); return }
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + 30_000
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
  if (alive(pid)) process.kill(pid, 'SIGKILL')
  rmSync(pidFile, { force: true })
  log('stopped')
}
