// The Strimzi Kafka Bridge (HTTP ⇄ Kafka on Vert.x) as a contender: resolved from Maven Central through
// scripts/peers/strimzi-bridge/pom.xml into <root>/.cache/peers/strimzi-bridge/<version>/libs and run on
// a JDK ≥ 21 with a generated application.properties against the embedded broker.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { HOST, request } from '../../http.js'
import { log, message, runChild, startServer } from '../processes.js'
import { FETCH_MAX_BYTES, RECORD_BYTES } from '../workloads.js'
import type { PeerOptions, RequestTemplate, StartedPeer } from './peer.js'

const NAME = 'Strimzi Kafka Bridge'
const VERSION = '0.33.1'
const MAIN_CLASS = 'io.strimzi.kafka.bridge.Application'
const MIN_JAVA = 21
const JVM_DIR = '/usr/lib/jvm'
const INSTALL_TIMEOUT_MS = 10 * 60_000
const READY_TIMEOUT_MS = 60_000
/**
 * A fixed 512 MB heap, as the embedded broker's: enough for the bridge's producer and 32 consumers
 * (each buffers at most one fetch), and no heap resizing during a measured run. G1, the JVM's default.
 */
const JVM_FLAGS = ['-Xms512m', '-Xmx512m']
const KAFKA_JSON = 'application/vnd.kafka.v2+json'
const KAFKA_BINARY = 'application/vnd.kafka.binary.v2+json'
/** How long a records request waits for data when its reader is at the end of its partition. */
const POLL_TIMEOUT_MS = 1_000
/**
 * The bridge cannot bound an answer by bytes: its max_bytes only turns a larger poll into 422 after
 * the records were taken from the consumer (they are skipped). Its consumers are bounded by records
 * instead, here to about FETCH_MAX_BYTES of the benchmark's records, as in KastleX's JSON answers.
 */
const MAX_POLL_RECORDS = Math.ceil(FETCH_MAX_BYTES / RECORD_BYTES)

/** Major version from a JDK's `release` file: JAVA_VERSION="25.0.1" (or "1.8.0_x" before 9). */
function javaMajor (home: string): number {
  try {
    const version = /^JAVA_VERSION="([\d.]+)/m.exec(readFileSync(join(home, 'release'), 'utf8'))?.[1] ?? ''
    const [first, second] = version.split('.').map(Number)
    return first === 1 ? second : first
  } catch {
    return 0
  }
}

/** JAVA_HOME when it is ≥ 21, else the newest JDK ≥ 21 under /usr/lib/jvm. */
function findJava (): string {
  const jvms = existsSync(JVM_DIR) ? readdirSync(JVM_DIR).map((dir) => join(JVM_DIR, dir)) : []
  const newestFirst = jvms.map((home) => ({ home, major: javaMajor(home) })).sort((a, b) => b.major - a.major)
  const homes = [process.env.JAVA_HOME, ...newestFirst.map((j) => j.home)]
  const home = homes.find((h) => h !== undefined && h !== '' && javaMajor(h) >= MIN_JAVA && existsSync(join(h, 'bin/java')))
  if (home === undefined) {
    throw new Error(`${NAME} ${VERSION} needs Java ${MIN_JAVA} or newer: neither JAVA_HOME (${process.env.JAVA_HOME ?? 'unset'}) nor ${JVM_DIR} has one`)
  }
  return join(home, 'bin/java')
}

/** Copies the bridge and its runtime dependencies into libs once; throws with mvn's reason when that fails. */
async function install (root: string, dir: string): Promise<string> {
  const libs = join(dir, 'libs')
  const marker = join(libs, '.complete')
  if (existsSync(marker)) return libs
  log(`${NAME}: resolving io.strimzi:kafka-bridge:${VERSION} from Maven Central (once) ...`)
  const started = Date.now()
  await rm(libs, { recursive: true, force: true })
  const args = ['-q', '-B', '-U', '-f', join(root, 'scripts/peers/strimzi-bridge/pom.xml'), `-Dstrimzi.bridge.version=${VERSION}`,
    'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime']
  const { stdout, code, signal } = await runChild('mvn', args, INSTALL_TIMEOUT_MS).catch((err: unknown) => {
    throw new Error(`${NAME}: could not run mvn (${message(err)})`)
  })
  if (code !== 0) {
    // Maven colours its output even in batch mode
    const plain = stdout.replace(/\x1b\[[\d;]*m/g, '')
    const reason = plain.split('\n').find((line) => line.startsWith('[ERROR]')) ?? plain.slice(-500)
    throw new Error(`${NAME}: mvn could not resolve io.strimzi:kafka-bridge:${VERSION} (${signal ?? `exit code ${code}`}): ${reason}`)
  }
  await writeFile(marker, new Date().toISOString())
  log(`${NAME}: resolved in ${Math.round((Date.now() - started) / 1000)} s`)
  return libs
}

/** A port nothing listens on now (the kernel's pick), for the bridge's management listener. */
async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, HOST, resolve) })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * KastleX's producer settings (acks=all, linger.ms=1, idempotence); consumers are never closed for
 * being idle (http.timeoutSeconds=-1: the readers are prepared well before the run uses them). Newer
 * bridges serve /ready and /metrics on a separate management port (default 8081): a free one is given.
 */
const properties = (options: PeerOptions, managementPort: number): string => Object.entries({
  'kafka.bootstrap.servers': options.kafka,
  'kafka.producer.acks': 'all',
  'kafka.producer.linger.ms': 1,
  'kafka.producer.enable.idempotence': true,
  'kafka.consumer.max.poll.records': MAX_POLL_RECORDS,
  'http.host': HOST,
  'http.port': options.port,
  'http.management.port': managementPort,
  'http.timeoutSeconds': -1,
  'http.consumer.enabled': true,
  'http.producer.enabled': true
}).map(([key, value]) => `${key}=${value}`).join('\n') + '\n'

const LOG4J2 = `# Strimzi Kafka Bridge benchmark runs: warnings and errors only, to stderr.
status = warn
appender.console.type = Console
appender.console.name = STDERR
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.console.ref = STDERR
`

const answers2xx = async (port: number, path: string): Promise<boolean> => {
  const { status } = await request(port, { path, timeoutMs: 2_000 })
  return status >= 200 && status < 300
}

export async function startStrimziBridge (options: PeerOptions): Promise<StartedPeer> {
  const java = findJava()
  const dir = join(options.root, '.cache/peers/strimzi-bridge', VERSION)
  const libs = await install(options.root, dir)
  const managementPort = await freePort()
  const configFile = join(dir, `application-${options.port}.properties`)
  const log4j2File = join(dir, 'log4j2.properties')
  await mkdir(dir, { recursive: true })
  await writeFile(configFile, properties(options, managementPort))
  await writeFile(log4j2File, LOG4J2)
  log(`${NAME}: ${java}, management port ${managementPort}`)
  const args = [...JVM_FLAGS, `-Dlog4j2.configurationFile=${log4j2File}`, '-cp', `${libs}/*`, MAIN_CLASS, '--config-file', configFile]
  const ready = async (): Promise<boolean> =>
    await answers2xx(options.port, '/ready').catch(() => false) || await answers2xx(managementPort, '/ready')
  // cwd: Vert.x keeps its file cache (.vertx) in the working directory
  const server = await startServer(NAME, java, args, { cwd: dir }, ready, READY_TIMEOUT_MS)
  return {
    ...server,
    version: `${NAME} ${VERSION}`,
    produceRequest,
    readers: async (topic, partitions) => await readers(options.port, topic, partitions)
  }
}

/** One binary record (base64 in JSON), no key; the answer (200) carries its partition and offset. */
function produceRequest (topic: string, value: Buffer): RequestTemplate {
  return {
    method: 'POST',
    path: `/topics/${encodeURIComponent(topic)}`,
    headers: { 'Content-Type': KAFKA_BINARY },
    body: Buffer.from(JSON.stringify({ records: [{ value: value.toString('base64') }] }))
  }
}

async function post (port: number, path: string, body: unknown, expected: number): Promise<void> {
  const res = await request(port, { method: 'POST', path, headers: { 'Content-Type': KAFKA_JSON }, body: Buffer.from(JSON.stringify(body)) })
  if (res.status !== expected) throw new Error(`${NAME}: POST ${path} answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`)
}

/**
 * One consumer instance per partition, in a group of its own per call: assigned that partition (no
 * group rebalancing), at its beginning, without committing. Its records request answers the next
 * records (at most MAX_POLL_RECORDS) each time; maxBytes cannot change that after the start.
 */
async function readers (port: number, topic: string, partitions: number[]): Promise<RequestTemplate[]> {
  const group = `/consumers/kastlex-bench-${Date.now()}`
  const requests: RequestTemplate[] = []
  for (const partition of partitions) {
    const name = `reader-${partition}`
    await post(port, group, { name, format: 'binary', 'auto.offset.reset': 'earliest', 'enable.auto.commit': false }, 200)
    const instance = `${group}/instances/${name}`
    const assignment = { partitions: [{ topic, partition }] }
    await post(port, `${instance}/assignments`, assignment, 204)
    await post(port, `${instance}/positions/beginning`, assignment, 204)
    requests.push({ method: 'GET', path: `${instance}/records?timeout=${POLL_TIMEOUT_MS}`, headers: { Accept: KAFKA_BINARY } })
  }
  return requests
}
