// What bench/compare needs from a peer gateway (Strimzi Kafka Bridge, kafka-pixy): a started server
// and the exact HTTP requests that produce one record and read one partition, so that the same load
// generator (wrk) can drive it like KastleX.
import type { ServerProcess } from '../processes.js'

export interface PeerOptions {
  /** repository root; install caches go under <root>/.cache/peers/<peer>/ (git-ignored) */
  root: string
  /** HTTP port the peer listens on (127.0.0.1) */
  port: number
  /** Kafka bootstrap, e.g. 127.0.0.1:9092 (the embedded broker, PLAINTEXT) */
  kafka: string
}

/** One HTTP request as wrk sends it (no Content-Length: wrk adds it). */
export interface RequestTemplate {
  method: 'GET' | 'POST'
  /** path and query, e.g. /topics/t/messages?sync */
  path: string
  headers: Record<string, string>
  body?: Buffer
}

export interface StartedPeer extends ServerProcess {
  /** e.g. "Strimzi Kafka Bridge 0.33.1" */
  version: string
  /** Produce one record (the value is the given bytes, no key) with acks=all; success = 2xx. */
  produceRequest (topic: string, value: Buffer): RequestTemplate
  /**
   * Peers with a read path: prepares one sequential reader per partition (from the earliest offset)
   * and returns, per reader, the request that answers that reader's next records each time it is
   * sent (up to about maxBytes of record data), the way a client of that peer would read.
   */
  readers? (topic: string, partitions: number[], maxBytes: number): Promise<RequestTemplate[]>
}
