// The typed messages exchanged between the front end and the Kafka workers (import type on both sides): plain
// data only, a leaf that every layer may import (test/unit/layers.test.ts).
import type { MessagePort } from 'node:worker_threads'
import type { OffsetSpec } from '../offset-spec.js'
import type { GroupSnapshot } from './group-snapshot.js'

/** The body formats of SPEC §10.4, by media type. */
export type BatchFormat = 'json' | 'ndjson' | 'binary'

/** How a stream's records reach its client (SPEC §10.4a, §10.5). */
export type StreamTransport = 'websocket' | 'sse'

export interface ProduceOp {
  readonly op: 'produce'
  readonly topic: string
  /** −1: placed by librdkafka's murmur2_random partitioner (key hash, or random for null keys). */
  readonly partition: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** Already converted and sorted by name (SPEC §4.7). */
  readonly headers: ReadonlyArray<readonly [string, string]>
}

/** A batch body (SPEC §10.4), decoded and checked where it runs: the event loop only forwards the bytes. */
export interface ProduceBatchOp {
  readonly op: 'produceBatch'
  readonly topic: string
  /** The path's partition; −1 when the path has none. */
  readonly partition: number
  /** The topic's partition count; null = no such topic (404 once the body is found well-formed). */
  readonly partitionCount: number | null
  readonly format: BatchFormat
  readonly body: Buffer
  /** `x-message-headers`, for every record of a binary batch. */
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly maxRecords: number
  /**
   * The record counts of the parts the body joins (a produce stream's frames of one event-loop turn, SPEC
   * §10.4a), each answered on its own; absent = one part.
   */
  readonly parts?: readonly number[]
}

export type FetchFormat =
  | { readonly kind: 'json', readonly version: 1 | 2 }
  | { readonly kind: 'binary', readonly contentType: string }
  /** A consume stream's records (SPEC §10.5) as its transport sends them: message-format.ts streamBody. */
  | { readonly kind: 'stream', readonly transport: StreamTransport }

export interface FetchOp {
  readonly op: 'fetch'
  readonly topic: string
  readonly partition: number
  readonly offset: OffsetSpec
  readonly maxWaitMs: number
  readonly minBytes: number
  readonly maxBytes: number
  readonly format: FetchFormat
}

export interface OffsetsOp {
  readonly op: 'offsets'
  readonly topic: string
  readonly partition: number
  /** `exact` is a timestamp here (SPEC §5). */
  readonly at: OffsetSpec
}

/**
 * Every topic and broker. There is deliberately no single-topic form: librdkafka keeps a handle for each
 * topic asked for by name and re-queries the unknown ones for good (SPEC §10.6a).
 */
export interface MetadataOp { readonly op: 'metadata' }

export interface ListGroupsOp { readonly op: 'listGroups' }

/** Live description and committed offsets of a group, with what the offsets tail recorded. */
export interface DescribeGroupOp { readonly op: 'describeGroup', readonly group: string }

/** A topic's topic-level overrides: name → value (`null` if sensitive), or `null` if the lookup failed. */
export interface TopicConfigOp { readonly op: 'topicConfig', readonly topic: string }

/** ListOffsets(latest, read_uncommitted) of the given partitions; failed ones are left out. */
export interface HighWatermarksOp {
  readonly op: 'highWatermarks'
  readonly partitions: ReadonlyArray<{ readonly topic: string, readonly partition: number }>
}

/**
 * The offsets tail's committed offsets, skipped-record counts and progress (for the metrics). The offsets are
 * left out when `known` names the tail that answers and the records it had read then, and it has read none since.
 */
export interface TailOffsetsOp { readonly op: 'tailOffsets', readonly known?: TailVersion }

/** A state of an offsets tail: which tail (one per Kafka worker that ever ran it) and how many records it had read. */
export interface TailVersion { readonly tail: string, readonly records: number }

/** This thread's librdkafka statistics (sent to every worker: KafkaClient.runOnEach). */
export interface ClientStatsOp { readonly op: 'clientStats' }

export type KafkaOp = ProduceOp | ProduceBatchOp | FetchOp | OffsetsOp | MetadataOp | ListGroupsOp | DescribeGroupOp | TopicConfigOp | HighWatermarksOp | TailOffsetsOp | ClientStatsOp

/** Ops that read the offsets tail, which runs in one worker only. */
export const needsOffsetsTail = (op: KafkaOp): boolean => op.op === 'describeGroup' || op.op === 'tailOffsets'

export interface PartitionOffset { readonly topic: string, readonly partition: number, readonly offset: number }

export interface PartitionMetadata {
  readonly partition: number
  readonly leader: number
  readonly replicas: readonly number[]
  readonly isr: readonly number[]
}

export interface BrokerMetadata { readonly id: number, readonly host: string, readonly port: number }

export interface ClusterMetadata {
  readonly brokers: readonly BrokerMetadata[]
  /** Topics that exist, partitions ascending. */
  readonly topics: ReadonlyArray<{ readonly name: string, readonly partitions: readonly PartitionMetadata[] }>
}

/** A record as the fetch consumer delivers it (node-rdkafka's message, reduced to what we read). */
export interface FetchedRecord {
  readonly offset: number
  readonly key?: Buffer | string | null
  readonly value: Buffer | null
  /** −1 or absent when the record has none. */
  readonly timestamp?: number
  readonly headers?: ReadonlyArray<Readonly<Record<string, Buffer | string | null | undefined>>>
}

/** A fetch's records as HTTP sends them (SPEC §4.8); the front end answers them with status 200. */
export interface EncodedRecords {
  readonly contentType?: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  readonly body: string | Buffer
}

export interface FetchResult {
  /** Encoded in the worker: JSON and binary encoding stay off the main thread. */
  readonly encoded: EncodedRecords
  /** Records sent (binary: at most one) and their key + value bytes, for the metrics. */
  readonly records: number
  readonly bytes: number
  /**
   * Where a reader that goes on after this answer asks next: after its last record, or past what the log held
   * beyond it that read_committed leaves out; the resolved offset when there was nothing.
   */
  readonly next: number
}

/** A batch's answer: the `results` JSON of each part (encoded where the batch ran), and what was acknowledged. */
export interface BatchResult {
  /** `{"results":[…]}` per part of the op, in order (one without `parts`). */
  readonly bodies: readonly string[]
  readonly produced: number
  readonly producedBytes: number
}

export interface ClientStats {
  /** Messages (and their bytes) waiting in the producer's queue for delivery. */
  readonly producerQueueMessages: number
  readonly producerQueueBytes: number
  /** Records the fetch path holds read ahead (its read cache), all partitions. */
  readonly fetchQueueMessages: number
  /** Average round-trip time per broker (`host:port/id`), seconds, from the producer's connections. */
  readonly brokerRtt: ReadonlyArray<readonly [string, number]>
}

/** Set once the tail has read up to the end every partition had when it was assigned. */
export interface TailCatchUp { readonly records: number, readonly seconds: number }

/** The tail's progress (kastlex_offsets_tail_* metrics, the catch-up log line). */
export interface TailProgress {
  readonly records: number
  readonly caughtUp: TailCatchUp | undefined
}

export interface CommittedOffsetSample { readonly group: string, readonly topic: string, readonly partition: number, readonly offset: number }

export interface OpResults {
  produce: { readonly partition: number, readonly offset: number }
  produceBatch: BatchResult
  fetch: FetchResult
  offsets: { readonly offset: number }
  metadata: ClusterMetadata
  listGroups: readonly string[]
  describeGroup: GroupSnapshot
  topicConfig: Readonly<Record<string, string | null>> | null
  highWatermarks: readonly PartitionOffset[]
  clientStats: ClientStats
  tailOffsets: {
    /** Undefined when unchanged since the version asked with. */
    readonly offsets: readonly CommittedOffsetSample[] | undefined
    readonly version: TailVersion
    readonly skipped: ReadonlyArray<readonly [string, number]>
    readonly progress: TailProgress
  }
}

export type ResultOf<O extends KafkaOp> = OpResults[O['op']]

export type ErrorExtras = Readonly<Record<string, string | number | null | Readonly<Record<string, string>>>>

/** An HttpError as plain data, which crosses threads (errors do not clone): a Kafka thread's failure. */
export interface ErrorData {
  readonly status: number
  readonly error: string
  readonly extras: ErrorExtras
}

/**
 * A failure as the HttpError the front end answers, in plain data: a Kafka failure with the status SPEC §2.6
 * gives its name, or a client fault found where the op ran (a batch body) with its own.
 */
export type Outcome<T> = { readonly ok: true, readonly value: T } | { readonly ok: false, readonly failure: ErrorData }

/** BroadcastChannel on which the front end asks the workers to close ('close') and they confirm ('closed'). */
export const SHUTDOWN_CHANNEL = 'kastlex-worker-shutdown'

/** One Piscina task: the ops that arrived in one event-loop turn, answered one by one on `port`. */
export interface BatchTask {
  readonly ops: readonly KafkaOp[]
  readonly port: MessagePort
}

/** Posted on a batch's port: outcomes by index in `ops`, as they complete. */
export type BatchProgress = ReadonlyArray<readonly [number, Outcome<unknown>]>
