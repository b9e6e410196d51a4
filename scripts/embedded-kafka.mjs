// Embedded single-node Apache Kafka (KRaft, broker+controller) for development and tests.
// Environment: EMBEDDED_KAFKA_PORT (9092), EMBEDDED_KAFKA_CONTROLLER_PORT (port + 1),
// EMBEDDED_KAFKA_DIR (.cache/kafka), EMBEDDED_KAFKA_HEAP (512m).
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
const baseDir = resolve(root, process.env.EMBEDDED_KAFKA_DIR || '.cache/kafka')
const heap = process.env.EMBEDDED_KAFKA_HEAP || '512m'
const libsDir = join(root, '.cache', 'kafka-libs')
const dataDir = join(baseDir, `data-${port}`)
const pidFile = join(dataDir, 'kafka.pid')
const logFile = join(dataDir, 'kafka.log')
const propsFile = join(dataDir, 'server.properties')
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
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
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
    'delete.topic.enable': true
  }
  writeFileSync(propsFile, Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
}

function formatStorage () {
  if (existsSync(join(dataDir, 'logs', 'meta.properties'))) return
  // Kafka's Uuid text form: 16 random bytes, base64url without padding.
  const clusterId = randomBytes(16).toString('base64url')
  const format = spawnSync('java', ['-cp', `${libsDir}/*`,
    `-Dlog4j2.configurationFile=${join(root, 'scripts/kafka/log4j2.properties')}`,
    'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile], { encoding: 'utf8' })
  if (format.status !== 0) throw new Error(`formatting Kafka storage failed:\n${format.stdout}${format.stderr}`)
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

/** Starts the broker unless one answers; resolves when it answers and `kastlex` exists. */
export async function up () {
  const deadline = Date.now() + START_TIMEOUT_MS
  if (!(await portAnswers(port))) {
    ensureLibs()
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
    while (!(await portAnswers(port))) {
      if (exited) throw new Error(`Kafka exited during start; see ${logFile}`)
      if (Date.now() > deadline) throw new Error(`Kafka did not answer within ${START_TIMEOUT_MS} ms; see ${logFile}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  await ensureTopic('kastlex', deadline)
  log(`ready on 127.0.0.1:${port}`)
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
