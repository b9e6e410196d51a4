// Stateless reads from the partition leaders through @platformatic/kafka's Fetch (v17) and ListOffsets
// (v9) APIs: one Kafka request per call, read_committed, no consumer position, no fetch session.
//
// A Kafka broker answers the requests of one connection one at a time, so a long poll would hold up
// every read behind it: each request gets a connection of its own among a few kept per broker ("lanes";
// a lane carries one request at a time, more are opened while all are busy, up to MAX_LANES).
// Leaders come from a metadata client refreshed when a broker says it no longer leads; every call retries
// leader changes and unreachable brokers until its deadline.
import type { API, Base, Connection, ConnectionPool, Reader } from '@platformatic/kafka'
import type { KafkaConfig } from '../../config.js'
import { kafkaErrorName } from '../errors.js'
import { OpError } from '../op-error.js'
import { fetchClientOptions, type BrokerAddress } from './client-options.js'
import { ChunkedBytes } from './chunked-bytes.js'
import { decodeBatches, decompressWith, type AbortedTransaction, type DecodedRecords, type Decompress } from './record-batches.js'
import { withZstd } from './zstd.js'

const READ_COMMITTED = 1
/** Sessionless fetch (KIP-227): session id 0 with the final epoch −1. */
const NO_SESSION_ID = 0
const NO_SESSION_EPOCH = -1
const EARLIEST_TIMESTAMP = -2n
const LATEST_TIMESTAMP = -1n
const MAX_LANES = 32
const RETRY_MS = 100
/** The longest max_wait_time a fetch accepts (src/api/messages.ts): connections must outlast it. */
const MAX_WAIT_MS = 60_000

/** Kafka error codes after which the partition's leader is looked up again and the request retried. */
const LEADER_MOVED = new Set([
  3, // UNKNOWN_TOPIC_OR_PARTITION (metadata not yet propagated; a deleted topic ends at the deadline)
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  9, // REPLICA_NOT_AVAILABLE
  13, // NETWORK_EXCEPTION
  56, // KAFKA_STORAGE_ERROR
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
  100 // UNKNOWN_TOPIC_ID
])
const OFFSET_OUT_OF_RANGE = 1

export interface PartitionRead extends DecodedRecords {
  /** The last stable offset (read_committed's end of the log) when the broker answered. */
  readonly lastStable: number
}

export interface ReadLimits {
  readonly maxWaitMs: number
  readonly minBytes: number
  readonly maxBytes: number
  /** Record bytes (as max_bytes counts them) worth decoding from the offset on; all when absent. */
  readonly decodeBytes?: number
}

interface Leader { readonly broker: BrokerAddress, readonly topicId: string }

interface Lane { readonly pool: ConnectionPool, busy: number }

type KafkaModule = typeof import('@platformatic/kafka')
let loading: Promise<KafkaModule> | undefined
/**
 * The library, loaded on a thread's first read: importing it costs about 0.7 s of CPU (it compiles
 * its option schemas), which a thread that never fetches should not pay, nor every start.
 */
const kafkaModule = (): Promise<KafkaModule> => (loading ??= import('@platformatic/kafka'))

interface FetchPartitionAnswer {
  readonly errorCode: number
  readonly highWatermark: bigint
  readonly lastStableOffset: bigint
  readonly abortedTransactions: AbortedTransaction[]
  /** The partition's record batches as the broker sent them, in the socket's chunks (views, not copies). */
  readonly records: ChunkedBytes
}

interface FetchAnswer {
  readonly errorCode: number
  readonly responses: Array<{ readonly partitions: FetchPartitionAnswer[] }>
}

type FetchArguments = [maxWaitMs: number, minBytes: number, maxBytes: number, isolationLevel: number, sessionId: number,
  sessionEpoch: number, topics: unknown[], forgottenTopicsData: unknown[], rackId: string]

/**
 * Fetch v17 as the library sends it, with its answer parsed here: the record batches are kept as bytes
 * (record-batches.ts reads only the records an answer needs) where the library decodes every record.
 * The response layout is the library's fetch-v17.js parseResponse's; errors are left in the answer.
 */
function rawFetchApi (kafka: KafkaModule): API<FetchArguments, FetchAnswer> {
  return kafka.createAPI<FetchArguments, FetchAnswer>(1, 17, kafka.fetchV17.createRequest, (_correlationId, _apiKey, _apiVersion, reader: Reader) => {
    reader.readInt32() // throttle_time_ms
    const errorCode = reader.readInt16()
    reader.readInt32() // session_id
    const responses = reader.readArray((r) => {
      r.readUUID() // topic_id
      return {
        partitions: r.readArray((r) => {
          r.readInt32() // partition_index
          const errorCode = r.readInt16()
          const highWatermark = r.readInt64()
          const lastStableOffset = r.readInt64()
          r.readInt64() // log_start_offset
          const abortedTransactions = r.readArray((r) => ({ producerId: r.readInt64(), firstOffset: r.readInt64() }))
          r.readInt32() // preferred_read_replica
          // COMPACT_RECORDS: length + 1, 0 for null.
          const size = Math.max(0, r.readUnsignedVarInt() - 1)
          const records = new ChunkedBytes(r.buffer.subarray(r.position, r.position + size).buffers)
          r.skip(size)
          return { errorCode, highWatermark, lastStableOffset, abortedTransactions, records }
        })
      }
    })
    return { errorCode, responses }
  })
}

/** A failure worth another try (leader moved, broker unreachable) until the deadline. */
class Retriable extends Error {
  constructor (readonly error: string) { super(error) }
}

export class BrokerReader {
  private readonly lanes: Lane[] = []
  private readonly connectionOptions: ConstructorParameters<typeof ConnectionPool>[1]
  private readonly bootstrapBrokers: BrokerAddress[]
  private readonly timeoutMs: number
  /** The library and the metadata client, created on the first call. */
  private started: Promise<{ kafka: KafkaModule, metadata: Base }> | undefined
  private closed = false
  /** The raw Fetch API and the library's decompression, made once the library is loaded. */
  private codecs: { fetch: API<FetchArguments, FetchAnswer>, decompress: Decompress } | undefined

  constructor (config: KafkaConfig) {
    const options = fetchClientOptions(config)
    this.bootstrapBrokers = options.bootstrapBrokers
    this.timeoutMs = config.requestTimeoutMs
    this.connectionOptions = {
      connectTimeout: config.requestTimeoutMs,
      requestTimeout: MAX_WAIT_MS + config.requestTimeoutMs,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.sasl === undefined ? {} : { sasl: options.sasl })
    }
  }

  private async start (): Promise<{ kafka: KafkaModule, metadata: Base }> {
    this.started ??= kafkaModule().then((kafka) => {
      const metadata = new kafka.Base({
        clientId: 'kastlex-fetch',
        bootstrapBrokers: this.bootstrapBrokers,
        // Retried here, against each request's own deadline.
        retries: 0,
        timeout: this.timeoutMs,
        ...this.connectionOptions
      })
      metadata.on('client:broker:connect', keepErrorsOnRequests)
      return { kafka, metadata }
    })
    return await this.started
  }

  /**
   * Records of one partition from `offset`: waits up to maxWaitMs for minBytes, as Kafka's Fetch does.
   * Decoding stops once the records taken reach `limits.decodeBytes` (the answer then ends after them).
   */
  async read (topic: string, partition: number, offset: number, limits: ReadLimits, deadline: number): Promise<PartitionRead> {
    return await this.retrying(topic, partition, deadline, async (leader, connection, kafka) => {
      const request = [{
        topicId: leader.topicId,
        partitions: [{ partition, fetchOffset: BigInt(offset), currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: limits.maxBytes }]
      }]
      const codecs = (this.codecs ??= { fetch: rawFetchApi(kafka), decompress: decompressWith(withZstd(kafka.compressionsAlgorithmsByBitmask)) })
      const response = await retriable(codecs.fetch.async(connection, limits.maxWaitMs, limits.minBytes, limits.maxBytes, READ_COMMITTED,
        NO_SESSION_ID, NO_SESSION_EPOCH, request, [], ''))
      failOn(response.errorCode)
      const answer = response.responses[0]?.partitions[0]
      if (answer === undefined) throw new Retriable('unknown_server_error')
      failOn(answer.errorCode)
      const decoded = decodeBatches(answer.records, answer.abortedTransactions, offset, limits.decodeBytes ?? Infinity, codecs.decompress)
      const lastStable = Number(answer.lastStableOffset >= 0n ? answer.lastStableOffset : answer.highWatermark)
      return { ...decoded, lastStable }
    })
  }

  /** The partition's earliest offset and its last stable offset (read_committed's `latest`). */
  async watermarks (topic: string, partition: number, deadline: number): Promise<{ earliest: number, latest: number }> {
    const [earliest, latest] = await Promise.all([
      this.listOffset(topic, partition, EARLIEST_TIMESTAMP, deadline),
      this.listOffset(topic, partition, LATEST_TIMESTAMP, deadline)
    ])
    return { earliest, latest }
  }

  /** ListOffsets: the first offset with a timestamp ≥ `timestamp` (−1 none), or −2 earliest / −1 latest. */
  async listOffset (topic: string, partition: number, timestamp: bigint, deadline: number): Promise<number> {
    return await this.retrying(topic, partition, deadline, async (_leader, connection, { listOffsetsV9 }) => {
      const response = await answerOf(listOffsetsV9.api.async(connection, -1, READ_COMMITTED,
        [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }]))
      const answer = response.topics[0]?.partitions[0]
      if (answer === undefined) throw new Retriable('unknown_server_error')
      failOn(answer.errorCode)
      return Number(answer.offset)
    })
  }

  async close (): Promise<void> {
    this.closed = true
    const started = this.started === undefined ? undefined : await this.started.catch(() => undefined)
    await Promise.allSettled([started?.metadata.close(), ...this.lanes.map(async (lane) => await lane.pool.close())])
  }

  /** Runs `call` against the partition's leader until it succeeds, fails for good, or the deadline passes. */
  private async retrying<T> (topic: string, partition: number, deadline: number, call: (leader: Leader, connection: Connection, kafka: KafkaModule) => Promise<T>): Promise<T> {
    // The first call of a thread loads the library: that counts against the request's deadline too.
    const { kafka, metadata } = await beforeDeadline(deadline, this.start()).catch((err: unknown) => {
      throw err instanceof Retriable ? new OpError('timeout') : err
    })
    let refresh = false
    for (;;) {
      if (this.closed) throw new OpError('broker_not_available')
      const lane = this.lane(kafka)
      lane.busy++
      try {
        return await beforeDeadline(deadline, (async () => {
          const leader = await this.leader(metadata, topic, partition, refresh)
          return await call(leader, await retriable(lane.pool.get(leader.broker)), kafka)
        })())
      } catch (err) {
        if (!(err instanceof Retriable)) throw err
        // Still failing at the deadline (leader unknown, broker unreachable): the request timed out.
        if (Date.now() + RETRY_MS >= deadline) throw new OpError('timeout')
        refresh = true
      } finally {
        lane.busy--
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
    }
  }

  private async leader (client: Base, topic: string, partition: number, refresh: boolean): Promise<Leader> {
    let metadata
    try {
      metadata = await client.metadata({ topics: [topic], forceUpdate: refresh })
    } catch (err) {
      // The library's "Unknown topic" (a UserError): final once a fresh lookup says so too.
      const unknown = (err as { code?: unknown }).code === 'PLT_KFK_USER'
      if (unknown && refresh) throw new OpError('unknown_topic_or_partition')
      throw new Retriable(unknown ? 'unknown_topic_or_partition' : 'broker_not_available')
    }
    const described = metadata.topics.get(topic)
    if (described === undefined) throw refresh ? new OpError('unknown_topic_or_partition') : new Retriable('unknown_topic_or_partition')
    const leaderId = described.partitions[partition]?.leader
    if (leaderId === undefined) throw new OpError('unknown_topic_or_partition')
    const broker = metadata.brokers.get(leaderId)
    if (broker === undefined || leaderId < 0) throw new Retriable('leader_not_available')
    return { broker: { host: broker.host, port: broker.port }, topicId: described.id }
  }

  /** An idle lane, a new one while fewer than MAX_LANES exist, else the least busy. */
  private lane (kafka: KafkaModule): Lane {
    let best: Lane | undefined
    for (const lane of this.lanes) {
      if (lane.busy === 0) return lane
      if (best === undefined || lane.busy < best.busy) best = lane
    }
    if (best === undefined || this.lanes.length < MAX_LANES) {
      best = { pool: new kafka.ConnectionPool('kastlex-fetch', this.connectionOptions), busy: 0 }
      best.pool.on('connect', keepErrorsOnRequests)
      this.lanes.push(best)
    }
    return best
  }
}

/**
 * A connection's failures reach the requests on it (their callbacks fail); its 'error' event, which the
 * library listens to only once, must not become an uncaught exception that ends the process.
 */
function keepErrorsOnRequests ({ connection }: { connection: Connection }): void {
  connection.on('error', () => {})
}

function failOn (errorCode: number): void {
  if (errorCode === 0) return
  if (errorCode === OFFSET_OUT_OF_RANGE) throw new OpError('offset_out_of_range')
  if (LEADER_MOVED.has(errorCode)) throw new Retriable(kafkaErrorName(errorCode))
  throw new OpError(kafkaErrorName(errorCode))
}

/** The library's promise; its failures (connection refused or lost, no metadata) are worth another try. */
async function retriable<T> (promise: Promise<T>): Promise<T> {
  try {
    return await promise
  } catch (err) {
    if (err instanceof OpError || err instanceof Retriable) throw err
    throw new Retriable('broker_not_available')
  }
}

/** A Fetch or ListOffsets response, also when the library rejected it for an error answer (ResponseError carries it). */
async function answerOf<T extends object> (promise: Promise<T>): Promise<T> {
  try {
    return await promise
  } catch (err) {
    const response = (err as { response?: unknown }).response
    if (response !== undefined && response !== null && typeof response === 'object') return response as T
    throw new Retriable('broker_not_available')
  }
}

function beforeDeadline<T> (deadline: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Retriable('timeout')), Math.max(0, deadline - Date.now()))
  })
  return Promise.race([work, expired]).finally(() => clearTimeout(timer))
}
