// The workloads of issues 5 and 11. Every request of a workload is one of two steps: produce one 1 KB
// record, or fetch: the next records of the connection's own partition (a sequential reader), or a
// random offset of a random partition (random access).

export type Step = 'produce' | 'fetch'
export type FetchFormat = 'json' | 'binary'

export interface Workload {
  name: string
  connections: number
  /** what each connection sends, in a loop */
  steps: Step[]
  /** fetch workloads: JSON (many records per answer) or binary (one record per answer) */
  format?: FetchFormat
  /**
   * fetch workloads: how readers pick offsets (default sequential, one reader per partition);
   * `fanin`: every reader on partition 0, in FANIN_POSITIONS groups spread over the partition
   */
  access?: 'sequential' | 'random' | 'fanin'
  /** produce workloads: many records per request on KastleX's batch route (SPEC §10.4) */
  batch?: { records: number, format: BatchBodyFormat }
  /** produce workloads on KastleX's produce stream (SPEC §10.4a): frames of records, records unanswered per connection */
  stream?: { recordsPerFrame: number, inFlightRecords: number }
  /**
   * KastleX's consume stream (SPEC §10.5): `connections` WebSocket streams over the produce topic's partitions,
   * while records are produced at `producedPerSec` through the produce stream; latency = produce → receipt
   */
  consume?: { producedPerSec: number }
  /**
   * produce workloads: a header given a unique value per request: `Idempotency-Key` (KastleX, SPEC
   * §10.6), or one the gateway ignores, to measure what formatting each request costs wrk
   */
  uniqueHeader?: 'Idempotency-Key' | 'X-Bench-Seq'
  description: string
}

/** Batch bodies: the binary framing, or a JSON array with base64 values */
export type BatchBodyFormat = 'binary' | 'json'

/** Records per batch of the batch workloads (issue 13) */
export const BATCH_RECORDS = 100
/** Connections of the batch workloads */
export const BATCH_CONNECTIONS = 16

export const RECORD_BYTES = 1024
/** Partitions of the produce topic */
export const PRODUCE_PARTITIONS = 8
/** Sequential readers: one connection per partition of the pre-filled fetch topic */
export const READERS = 32
/** max_bytes of a JSON fetch (KastleX's default) */
export const FETCH_MAX_BYTES = 102_400
/** The stream workload: consume streams, and the rate records are produced at meanwhile */
export const STREAM_CONSUMERS = 32
export const STREAM_PRODUCED_PER_SEC = 10_000
/** fetch-fanin: readers of the one partition, and the positions they start at (as many readers each) */
export const FANIN_READERS = 64
export const FANIN_POSITIONS = 8

export const WORKLOADS: readonly Workload[] = [
  { name: 'produce-64', connections: 64, steps: ['produce'], description: 'produce 1 KB binary, one record per request, acks=all, 64 keep-alive connections' },
  {
    name: 'produce-64-idem',
    connections: 64,
    steps: ['produce'],
    uniqueHeader: 'Idempotency-Key',
    description: 'produce-64 with a unique Idempotency-Key per request (every request runs and its answer is kept)'
  },
  {
    name: 'produce-64-seq',
    connections: 64,
    steps: ['produce'],
    uniqueHeader: 'X-Bench-Seq',
    description: 'produce-64 with a unique X-Bench-Seq header per request, which the gateway ignores: produce-64-idem\'s load generator cost without the key'
  },
  { name: 'produce-256', connections: 256, steps: ['produce'], description: 'the same over 256 connections' },
  { name: 'fetch-json', connections: READERS, steps: ['fetch'], format: 'json', description: `${READERS} sequential readers, one per partition, JSON (max_bytes ${FETCH_MAX_BYTES})` },
  { name: 'fetch-binary', connections: READERS, steps: ['fetch'], format: 'binary', description: `${READERS} sequential readers, one per partition, binary Accept (one record per answer)` },
  {
    name: 'fetch-random',
    connections: READERS,
    steps: ['fetch'],
    format: 'binary',
    access: 'random',
    description: `${READERS} connections, each reading a random offset of a random partition (of ${READERS}) per request, binary (one record per answer)`
  },
  {
    name: 'fetch-fanin',
    connections: FANIN_READERS,
    steps: ['fetch'],
    format: 'binary',
    access: 'fanin',
    description: `${FANIN_READERS} sequential readers of ONE partition, ${FANIN_READERS / FANIN_POSITIONS} at each of ${FANIN_POSITIONS} positions spread over it, binary (one record per answer)`
  },
  {
    name: 'batch-100',
    connections: BATCH_CONNECTIONS,
    steps: ['produce'],
    batch: { records: BATCH_RECORDS, format: 'binary' },
    description: `${BATCH_CONNECTIONS} connections, ${BATCH_RECORDS} records of 1 KB per request in the binary framing (application/vnd.kastlex.batch), acks=all; produced rec/s counts the records answered with an offset`
  },
  {
    name: 'batch-100-json',
    connections: BATCH_CONNECTIONS,
    steps: ['produce'],
    batch: { records: BATCH_RECORDS, format: 'json' },
    description: `the same as a JSON array of {"value":<base64>,"value_encoding":"base64"}`
  },
  {
    name: 'ws-produce',
    connections: BATCH_CONNECTIONS,
    steps: ['produce'],
    stream: { recordsPerFrame: 10, inFlightRecords: 1000 },
    description: `${BATCH_CONNECTIONS} WebSocket connections to the produce stream (GET /api/v2/produce/:topic), frames of 10 records of 1 KB, up to 1,000 records unanswered per connection, acks=all; p99 per frame`
  },
  {
    // ws-produce's latency is its window's (Little's law: 16,000 records in flight at 150,000 records/s wait
    // about 100 ms, the direct producer's too): this one keeps batch-100's records in flight.
    name: 'ws-produce-100',
    connections: BATCH_CONNECTIONS,
    steps: ['produce'],
    stream: { recordsPerFrame: 10, inFlightRecords: 100 },
    description: 'the same with up to 100 records unanswered per connection (as many records in flight as batch-100)'
  },
  {
    name: 'stream',
    connections: STREAM_CONSUMERS,
    steps: ['produce', 'fetch'],
    consume: { producedPerSec: STREAM_PRODUCED_PER_SEC },
    description: `${STREAM_CONSUMERS} WebSocket consume streams (GET /api/v2/stream/:topic/:partition, ${STREAM_CONSUMERS / PRODUCE_PARTITIONS} per partition of ${PRODUCE_PARTITIONS}) while ${STREAM_PRODUCED_PER_SEC.toLocaleString('en-US')} records/s of 1 KB are produced through the produce stream; fetched rec/s = records delivered (each once per stream of its partition); latency = produce → receipt`
  },
  {
    name: 'mixed',
    connections: READERS,
    steps: ['produce', 'produce', 'produce', 'produce', 'fetch'],
    format: 'json',
    description: `${READERS} connections, each sending 4 produce requests then one JSON fetch of its partition (80/20)`
  }
]

export const hasFetch = (w: Workload): boolean => w.steps.includes('fetch')
export const hasProduce = (w: Workload): boolean => w.steps.includes('produce')
/** Records a connection keeps unanswered: one request's, or a stream's window */
export const recordsInFlightPerConnection = (w: Workload): number => w.stream?.inFlightRecords ?? w.batch?.records ?? 1
/** Skip reason of contenders without KastleX's batch route, produce stream or Idempotency-Key */
export const kastlexOnly = (w: Workload): string | undefined =>
  w.batch !== undefined
    ? 'KastleX\'s batch route only (SPEC §10.4)'
    : w.stream !== undefined
      ? 'KastleX\'s produce stream only (SPEC §10.4a)'
      : w.consume !== undefined ? 'KastleX\'s consume stream only (SPEC §10.5)'
      : w.uniqueHeader === 'Idempotency-Key' ? 'KastleX\'s Idempotency-Key only (SPEC §10.6)' : undefined
