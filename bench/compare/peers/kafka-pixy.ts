// kafka-pixy (mailgun) as a producer-only contender: built with the Go toolchain into
// <root>/.cache/peers/kafka-pixy/ and run with a generated YAML config against the embedded broker.
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { log, message, runChild, startServer } from '../processes.js'
import type { PeerOptions, RequestTemplate, StartedPeer } from './peer.js'

const MODULE = 'github.com/mailgun/kafka-pixy'
const VERSION = 'v0.18.0'
/** The first build takes about a minute on 2 cores, downloads included. */
const INSTALL_TIMEOUT_MS = 10 * 60_000
const READY_TIMEOUT_MS = 30_000
/**
 * The smallest version for which its sarama (1.23.1) sends Produce v3: Kafka 4 removed Produce v0–v2,
 * and with "0.10.2.1" (pixy's default) every produce answers 500 "EOF" (the broker logs
 * UnsupportedVersionException: … (Produce) and unsupported version 2, and closes the connection).
 */
const KAFKA_VERSION = '0.11.0.0'

/** `go` on PATH, else the standard install location. */
function goBinary (): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''), '/usr/local/go/bin']
  return dirs.map((dir) => join(dir, 'go')).find((file) => existsSync(file))
}

async function go (file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { code, signal } = await runChild(file, args, INSTALL_TIMEOUT_MS, { env: { ...process.env, ...env } })
    .catch((err: unknown) => { throw new Error(`kafka-pixy: cannot run ${file}: ${message(err)}`) })
  if (code !== 0) throw new Error(`kafka-pixy: go ${args.join(' ')} failed (${signal ?? `exit code ${code}`}; its output is above)`)
}

/** Builds the binary once; throws with the reason when Go is missing or the build fails. */
async function install (cache: string): Promise<string> {
  const binary = join(cache, VERSION, 'bin/kafka-pixy')
  if (existsSync(binary)) return binary
  const file = goBinary()
  if (file === undefined) throw new Error('kafka-pixy: no Go toolchain (go is neither on PATH nor in /usr/local/go/bin)')
  const modCache = join(cache, 'go/pkg/mod')
  const env = {
    GOBIN: join(cache, VERSION, 'bin'),
    GOPATH: join(cache, 'go'),
    GOMODCACHE: modCache,
    GOFLAGS: `${process.env.GOFLAGS ?? ''} -modcacherw`.trim()
  }
  log(`kafka-pixy: building ${MODULE}@${VERSION} with ${file} (once, about a minute) ...`)
  const started = Date.now()
  await go(file, ['mod', 'download', `${MODULE}@${VERSION}`], env)
  // `go install m@v` reads m's version list to check for a deprecation, and the module proxy refuses
  // that list for kafka-pixy (403) though it serves the version: the download above left a list in
  // the module cache, which is read first as a proxy.
  const proxy = `file://${join(modCache, 'cache/download')},${process.env.GOPROXY ?? 'https://proxy.golang.org,direct'}`
  await go(file, ['install', `${MODULE}@${VERSION}`], { ...env, GOPROXY: proxy })
  log(`kafka-pixy: built in ${Math.round((Date.now() - started) / 1000)} s`)
  return binary
}

/**
 * acks=all and a flush every 1 ms like KastleX's linger.ms=1, no compression as KastleX, retries after
 * 100 ms (as librdkafka) instead of 10 s; the consumer side is disabled, so nothing connects to
 * ZooKeeper (pixy's consumers keep their state there); no gRPC listener. Without the console logger
 * pixy discards its log, errors included (it logs at info whatever the severity).
 */
const config = (options: PeerOptions): string => `grpc_addr: ""
tcp_addr: 127.0.0.1:${options.port}
proxies:
  default:
    kafka:
      seed_peers: ${JSON.stringify(options.kafka.split(','))}
      version: "${KAFKA_VERSION}"
    consumer:
      disabled: true
    producer:
      required_acks: wait_for_all
      flush_frequency: 1ms
      compression: none
      retry_backoff: 100ms
logging:
  - name: console
`

export async function startKafkaPixy (options: PeerOptions): Promise<StartedPeer> {
  const cache = join(options.root, '.cache/peers/kafka-pixy')
  const binary = await install(cache)
  const configFile = join(cache, `kafka-pixy-${options.port}.yaml`)
  await writeFile(configFile, config(options))
  // The HTTP listener opens only after the Kafka client has read the cluster's metadata.
  const ready = async (): Promise<boolean> =>
    (await fetch(`http://127.0.0.1:${options.port}/_ping`, { signal: AbortSignal.timeout(2_000) })).ok
  const server = await startServer('kafka-pixy', binary, ['-config', configFile], {}, ready, READY_TIMEOUT_MS)
  return {
    ...server,
    version: `kafka-pixy ${VERSION}`,
    produceRequest
  }
}

/**
 * Synchronous produce: answers 200 {"partition","offset"} once the broker acknowledged. Pixy takes the
 * body as raw bytes only with exactly "text/plain" (or JSON); application/octet-stream is refused.
 */
function produceRequest (topic: string, value: Buffer): RequestTemplate {
  return {
    method: 'POST',
    path: `/topics/${encodeURIComponent(topic)}/messages?sync`,
    headers: { 'Content-Type': 'text/plain' },
    body: value
  }
}
