// Everything a thread does with Kafka: one producer, the fetch path (its own Kafka client), the admin addon (also
// metadata), and (in one worker) the offsets tail. The Kafka workers run one each; with
// KASTLEX_WORKERS=0 the main thread runs one itself.
import { produceBatch } from '../batch/produce-batch.js'
import type { Config } from '../config.js'
import { HttpError, kafkaError } from '../http/errors.js'
import { fetchReply } from '../http/message-format.js'
import { OffsetsTail } from '../groups/offsets-tail.js'
import type { ClusterMetadata, FetchOp, FetchResult, HighWatermarksOp, KafkaOp, Outcome, PartitionOffset, ProduceOp, ResultOf } from './messages.js'
import { AdminClient } from '../kafka/admin-client.js'
import type { GroupDescription, GroupSnapshot } from './group-snapshot.js'
import { clientStats } from '../kafka/client-stats.js'
import { isRetriable } from '../kafka/errors.js'
import { Fetcher, type FetchedRecords } from '../kafka/fetcher.js'
import { isGroupId, isTopicName } from '../kafka/names.js'
import { OpError } from '../kafka/op-error.js'
import { Producer } from '../kafka/producer.js'

/** How often a group call that failed retriably (the coordinator moving or loading, …) is tried again. */
const GROUP_RETRY_MS = 200

/** A topic config entry that is a topic-level override (SPEC §4.4 `config`). */
const TOPIC_OVERRIDE = 'DYNAMIC_TOPIC_CONFIG'

/** What the contract answers for a failure: a batch body's client fault (400, 404, 413) is an HttpError already, found where the batch is decoded. */
function httpFailure (err: unknown): HttpError {
  if (err instanceof HttpError) return err
  const { error, extras } = OpError.fromKafka(err)
  return kafkaError(error, extras)
}

/** What each Kafka worker is started with. */
export interface WorkerData {
  readonly config: Config
  /** Whether this worker runs the offsets tail (exactly one does). */
  readonly offsetsTail: boolean
}

export class KafkaService {
  private readonly config: Config
  private readonly producer: Producer
  private readonly fetcher: Fetcher
  private readonly admin: AdminClient
  private readonly tail: OffsetsTail | undefined

  constructor ({ config, offsetsTail }: WorkerData) {
    this.config = config
    this.producer = new Producer(config.kafka)
    // One read budget for the process: each Kafka thread holds its share.
    this.fetcher = new Fetcher(config.kafka, Math.floor(config.fetchBufferBytes / Math.max(1, config.workers)))
    this.admin = new AdminClient({ ...config.kafka.common, 'client.id': 'kastlex' })
    this.tail = offsetsTail ? new OffsetsTail(config.kafka) : undefined
  }

  /** Runs an op; every failure comes back as data, never as a throw (what a Kafka worker answers). */
  execute<O extends KafkaOp> (op: O): Promise<Outcome<ResultOf<O>>> {
    return new Promise((resolve) => this.start(op,
      (value) => resolve({ ok: true, value: value as ResultOf<O> }),
      (err) => resolve({ ok: false, failure: httpFailure(err).data() })))
  }

  /** Runs an op on this thread: its result, or a rejection with the HttpError of its failure. */
  run<O extends KafkaOp> (op: O): Promise<ResultOf<O>> {
    return new Promise((resolve, reject) => this.start(op, resolve as (value: unknown) => void, (err) => reject(httpFailure(err))))
  }

  /**
   * Starts an op; `done` or `failed` is called once with its outcome. Callbacks rather than a promise: the
   * caller's one promise is settled by the outcome itself, with no link of a chain to resume per op (a
   * single-record produce, the path of every produce request, is settled by its delivery report).
   */
  private start (op: KafkaOp, done: (value: unknown) => void, failed: (err: unknown) => void): void {
    try {
      refuseImpossibleNames(op)
      if (op.op === 'produce') {
        this.producer.produceOne(op, done, failed)
        return
      }
      const result = this.dispatch(op)
      if (result instanceof Promise) result.then(done, failed)
      else done(result)
    } catch (err) {
      failed(err)
    }
  }

  /** The result of an op other than a single produce, or its promise: no async frame of its own per op. */
  private dispatch (op: Exclude<KafkaOp, ProduceOp>): unknown {
    const timeout = this.config.kafka.requestTimeoutMs
    switch (op.op) {
      case 'produceBatch': return produceBatch(this.producer, op)
      case 'fetch': return this.fetcher.fetch(op).then((fetched) => encoded(fetched, op))
      case 'offsets': return this.fetcher.offsets(op)
      case 'metadata': return this.metadata()
      case 'listGroups': return this.listGroups(Date.now() + timeout)
      case 'describeGroup': return this.describeGroup(op.group)
      case 'topicConfig': return this.topicConfig(op.topic)
      case 'highWatermarks': return this.highWatermarks(op)
      case 'clientStats': return clientStats(this.producer.statistics, this.fetcher.cachedRecords)
      case 'tailOffsets': {
        const tail = this.offsetsTail()
        return { offsets: tail.committedOffsetsSince(op.known), version: tail.version(), skipped: [...tail.skippedCounts()], progress: tail.progress() }
      }
    }
  }

  private offsetsTail (): OffsetsTail {
    if (this.tail === undefined) throw new OpError('offsets_tail_not_here')
    return this.tail
  }

  private async describeGroup (group: string): Promise<GroupSnapshot> {
    const timeout = this.config.kafka.requestTimeoutMs
    const [description, offsets] = await Promise.all([this.describeOne(group, Date.now() + timeout), this.admin.listGroupOffsets(group, timeout)])
    return { description, offsets, ...this.offsetsTail().group(group) }
  }

  private async listGroups (deadline: number): Promise<string[]> {
    return await whileRetriable(deadline, async (timeoutMs) =>
      (await this.admin.listGroups(timeoutMs)).map((group) => group.groupId))
  }

  /** DescribeGroups of one group; a group-level error fails the request with its name. */
  private async describeOne (group: string, deadline: number): Promise<GroupDescription> {
    return await whileRetriable(deadline, async (timeoutMs) => {
      const [description] = await this.admin.describeGroups([group], timeoutMs)
      if (description === undefined) throw new OpError('unknown_server_error')
      if (description.error !== null) throw new OpError(description.error)
      return description
    })
  }

  private async topicConfig (topic: string): Promise<Record<string, string | null> | null> {
    try {
      const [result] = await this.admin.describeTopicConfigs([topic], this.config.kafka.requestTimeoutMs)
      if (result === undefined || result.error !== null) return null
      return Object.fromEntries(result.entries.filter((entry) => entry.source === TOPIC_OVERRIDE)
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((entry) => [entry.name, entry.isSensitive ? null : entry.value]))
    } catch {
      return null
    }
  }

  private async highWatermarks (op: HighWatermarksOp): Promise<PartitionOffset[]> {
    if (op.partitions.length === 0) return []
    const listed = await this.admin.listOffsets(op.partitions.map((p) => ({ ...p, spec: 'latest' as const })),
      'read_uncommitted', this.config.kafka.requestTimeoutMs)
    return listed.filter((l) => l.error === null && l.offset >= 0).map(({ topic, partition, offset }) => ({ topic, partition, offset }))
  }

  private async metadata (): Promise<ClusterMetadata> {
    const raw = await this.admin.metadata(this.config.kafka.requestTimeoutMs)
    return {
      brokers: raw.brokers.map(({ id, host, port }) => ({ id, host, port })).sort((a, b) => a.id - b.id),
      topics: raw.topics.filter((topic) => topic.partitions.length > 0).map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => ({
          partition: p.id,
          leader: p.leader,
          replicas: [...p.replicas].sort(ascending),
          isr: [...p.isrs].sort(ascending)
        })).sort((a, b) => a.partition - b.partition)
      }))
    }
  }

  async close (): Promise<void> {
    await Promise.all([this.producer.close(10_000), this.fetcher.close(), this.tail?.close()])
    this.admin.close()
  }
}

const ascending = (a: number, b: number): number => a - b

/**
 * The last line of defence behind the routes' own checks (api/name-guard.ts): a name that cannot exist
 * is refused here instead of reaching librdkafka, which may crash on it.
 */
function refuseImpossibleNames (op: KafkaOp): void {
  switch (op.op) {
    case 'produce': case 'produceBatch': case 'fetch': case 'offsets': case 'topicConfig':
      if (!isTopicName(op.topic)) throw new OpError('unknown_topic_or_partition')
      return
    case 'highWatermarks':
      if (!op.partitions.every(({ topic }) => isTopicName(topic))) throw new OpError('unknown_topic_or_partition')
      return
    case 'describeGroup':
      if (!isGroupId(op.group)) throw new OpError('invalid_group_id')
  }
}

/**
 * Runs a group call again after a failure Kafka counts retriable (a broker that just started answers
 * not_coordinator / coordinator_load_in_progress while its coordinator moves or loads), until `deadline`;
 * any other failure is final.
 */
async function whileRetriable<T> (deadline: number, call: (timeoutMs: number) => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call(Math.max(1, deadline - Date.now()))
    } catch (err) {
      if (!(err instanceof OpError) || !isRetriable(err.error) || Date.now() + GROUP_RETRY_MS > deadline) throw err
    }
    await new Promise((resolve) => setTimeout(resolve, GROUP_RETRY_MS))
  }
}

/** A fetch's records encoded where it ran: JSON and binary encoding stay off the main thread. */
function encoded ({ fetched, highWatermark, records, bytes, next }: FetchedRecords, op: FetchOp): FetchResult {
  return { encoded: fetchReply(fetched, highWatermark, op.format), records, bytes, next }
}
