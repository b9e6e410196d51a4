// Admin calls @platformatic/rdkafka lacks (consumer groups, committed offsets, topic configs,
// ListOffsets) and cluster metadata, through the project's own N-API addon (addon.ts). The addon is
// context-aware, so every worker thread may hold its own AdminClient; each client owns one
// rd_kafka_t until close() (or until it is garbage collected). Arguments are validated here, before
// native code sees them; whole-call failures reject with AdminError, per-item ones are `error` fields.
// Each call in flight waits for its result on a libuv pool thread (UV_THREADPOOL_SIZE, default 4,
// shared with fs, dns, crypto): at most its timeout plus 5 s. A worker thread being terminated
// waits for its calls in flight too.
import type { CommittedOffset, GroupDescription } from '../pool/group-snapshot.js'
import { loadAddon } from './addon.js'
import { kafkaErrorName } from './errors.js'
import { OpError } from './op-error.js'
import { isGroupId, isTopicName, MAX_GROUP_ID_BYTES } from './names.js'

const MAX_TIMEOUT_MS = 3_600_000 // librdkafka's limit for an admin request timeout
const ERR_INVALID_ARG = -186 // RD_KAFKA_RESP_ERR__INVALID_ARG
const ERR_DESTROY = -197 // RD_KAFKA_RESP_ERR__DESTROY
const ERR_FAIL = -196 // RD_KAFKA_RESP_ERR__FAIL
const ERR_NOENT = -156 // RD_KAFKA_RESP_ERR__NOENT
const OFFSET_INVALID = -1001 // RD_KAFKA_OFFSET_INVALID

/** A whole admin call failed: a Kafka failure (`error` its SPEC name) with librdkafka's `code` (positive = Kafka protocol) and text. */
export class AdminError extends OpError {
  constructor (readonly code: number, message: string) {
    super(kafkaErrorName(code), undefined, message)
    this.name = 'AdminError'
  }
}

export interface GroupListing {
  groupId: string
  state: string
  isSimpleConsumerGroup: boolean
  type: string
}

export interface ConfigEntry {
  name: string
  value: string | null
  /** As librdkafka names it: 'DYNAMIC_TOPIC_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', … */
  source: string
  isDefault: boolean
  isSensitive: boolean
  isReadOnly: boolean
}

export interface TopicConfig {
  topic: string
  error: string | null
  entries: ConfigEntry[]
}

/** librdkafka's metadata: every broker, every topic's partitions (replicas and ISR in the broker's order). */
export interface RawMetadata {
  brokers: Array<{ id: number, host: string, port: number }>
  topics: Array<{ name: string, partitions: Array<{ id: number, leader: number, replicas: number[], isrs: number[] }> }>
}

export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number }

export interface ListedOffset {
  topic: string
  partition: number
  offset: number
  timestamp: number
  error: string | null
}

// ---- the addon's shapes: as above, but per-item errors are librdkafka codes (0 = none) ----

type Native<T> = Omit<T, 'error'> & { error: number }

export interface NativeAdminHandle {
  listGroups (timeoutMs: number): Promise<GroupListing[]>
  describeGroups (groupIds: string[], timeoutMs: number): Promise<Array<Native<GroupDescription>>>
  listGroupOffsets (groupId: string, timeoutMs: number): Promise<Array<Native<CommittedOffset>>>
  describeTopicConfigs (topics: string[], timeoutMs: number): Promise<Array<Native<TopicConfig>>>
  listOffsets (partitions: Array<{ topic: string, partition: number, spec: number }>, readCommitted: boolean, timeoutMs: number): Promise<Array<Native<ListedOffset>>>
  metadata (timeoutMs: number): Promise<RawMetadata>
  close (): void
}

// ---- validation: no bad argument reaches native code ----

function invalid (message: string): AdminError {
  return new AdminError(ERR_INVALID_ARG, message)
}

function checkTimeout (timeoutMs: unknown): number {
  if (!Number.isInteger(timeoutMs) || (timeoutMs as number) < 1 || (timeoutMs as number) > MAX_TIMEOUT_MS) {
    throw invalid(`timeoutMs must be an integer from 1 to ${MAX_TIMEOUT_MS}`)
  }
  return timeoutMs as number
}

function checkGroupId (value: unknown): string {
  if (typeof value !== 'string' || !isGroupId(value)) throw invalid(`groupId must be a non-empty string without NUL of at most ${MAX_GROUP_ID_BYTES} bytes`)
  return value
}

function checkTopic (value: unknown): string {
  if (typeof value !== 'string' || !isTopicName(value)) throw invalid('topic must be a legal Kafka topic name')
  return value
}

function checkNames (values: unknown, check: (value: unknown) => string, what: string): string[] {
  if (!Array.isArray(values)) throw invalid(`${what}s must be an array`)
  const names = values.map(check)
  if (new Set(names).size !== names.length) throw invalid(`${what}s must not repeat`)
  return names
}

function checkPartition (value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 0x7fffffff) throw invalid('partition must be an integer from 0 to 2^31-1')
  return value as number
}

const EARLIEST = -2 // RD_KAFKA_OFFSET_SPEC_EARLIEST
const LATEST = -1 // RD_KAFKA_OFFSET_SPEC_LATEST

function checkSpec (spec: unknown): number {
  if (spec === 'earliest') return EARLIEST
  if (spec === 'latest') return LATEST
  const timestamp = (spec as { timestamp?: unknown } | null)?.timestamp
  if (typeof spec === 'object' && Number.isSafeInteger(timestamp) && (timestamp as number) >= 0) return timestamp as number
  throw invalid("spec must be 'earliest', 'latest' or { timestamp } with an integer timestamp >= 0")
}

export function stringifyProperties (properties: unknown): Record<string, string> {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) throw invalid('properties must be an object')
  const strings: Record<string, string> = {}
  for (const [name, value] of Object.entries(properties)) {
    if (name.length === 0 || name.includes('\0')) throw invalid('property names must be non-empty strings without NUL')
    if (typeof value === 'string') {
      if (value.includes('\0')) throw invalid(`property ${name} must not contain NUL`)
      strings[name] = value
    } else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      strings[name] = String(value)
    } else {
      throw invalid(`property ${name} must be a string, a finite number or a boolean`)
    }
  }
  return strings
}

/** What the addon threw or rejected with, as an AdminError (it sets a numeric `code`). */
function toAdminError (err: unknown): AdminError {
  if (err instanceof AdminError) return err
  const { code, message } = (err ?? {}) as { code?: unknown, message?: unknown }
  return new AdminError(typeof code === 'number' ? code : ERR_FAIL, typeof message === 'string' ? message : String(err))
}

function errorName (code: number): string | null {
  return code === 0 ? null : kafkaErrorName(code)
}

/** `items` in the order of `keys` (librdkafka does not promise request order); extras last. */
function inOrder<T> (keys: string[], items: T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map(items.map((item) => [keyOf(item), item]))
  const ordered: T[] = []
  for (const key of keys) {
    const item = byKey.get(key)
    if (item !== undefined) { ordered.push(item); byKey.delete(key) }
  }
  return ordered.concat([...byKey.values()])
}

const partitionKey = (p: { topic: string, partition: number }): string => `${p.partition}:${p.topic}`

export class AdminClient {
  #handle: NativeAdminHandle | null

  /**
   * librdkafka properties (bootstrap.servers, security.protocol, sasl.*, …); values are stringified.
   * Throws AdminError (invalid_arg) on a bad or unknown property; connects lazily.
   */
  constructor (properties: Readonly<Record<string, string | number | boolean>>) {
    const strings = stringifyProperties(properties)
    const { AdminHandle } = loadAddon()
    try {
      this.#handle = new AdminHandle(strings)
    } catch (err) {
      throw toAdminError(err)
    }
  }

  /** Every group the cluster knows (all brokers, all types and states); fails if any broker does not answer. */
  async listGroups (timeoutMs: number): Promise<GroupListing[]> {
    const timeout = checkTimeout(timeoutMs)
    return await this.#call((handle) => handle.listGroups(timeout))
  }

  /** One description per group, in the order asked. An unknown group is described, not an error. */
  async describeGroups (groupIds: string[], timeoutMs: number): Promise<GroupDescription[]> {
    const ids = checkNames(groupIds, checkGroupId, 'groupId')
    const timeout = checkTimeout(timeoutMs)
    if (ids.length === 0) return []
    const groups = await this.#call((handle) => handle.describeGroups(ids, timeout))
    return inOrder(ids, groups, (group) => group.groupId).map((group) => ({ ...group, error: errorName(group.error) }))
  }

  /** The group's committed offsets, every topic. An unknown group has none ([]). */
  async listGroupOffsets (groupId: string, timeoutMs: number): Promise<CommittedOffset[]> {
    const id = checkGroupId(groupId)
    const timeout = checkTimeout(timeoutMs)
    const offsets = await this.#call((handle) => handle.listGroupOffsets(id, timeout))
    return offsets.map((offset) => ({ ...offset, error: errorName(offset.error) }))
  }

  /** Every config entry of each topic, in the order asked; a missing topic has `error` set. */
  async describeTopicConfigs (topics: string[], timeoutMs: number): Promise<TopicConfig[]> {
    const names = checkNames(topics, checkTopic, 'topic')
    const timeout = checkTimeout(timeoutMs)
    if (names.length === 0) return []
    const configs = await this.#call((handle) => handle.describeTopicConfigs(names, timeout))
    return inOrder(names, configs, (config) => config.topic).map((config) => ({ ...config, error: errorName(config.error) }))
  }

  /**
   * Earliest, latest, or the first offset whose timestamp is at or after the one given (offset -1
   * when there is none), per partition, in the order asked. The timestamp is the record's for a
   * timestamp query, else -1. An unknown topic or partition is a per-partition error.
   */
  async listOffsets (partitions: Array<{ topic: string, partition: number, spec: OffsetSpec }>, isolation: 'read_committed' | 'read_uncommitted', timeoutMs: number): Promise<ListedOffset[]> {
    if (!Array.isArray(partitions)) throw invalid('partitions must be an array')
    const queries = partitions.map((p) => {
      if (typeof p !== 'object' || p === null) throw invalid('partitions must hold { topic, partition, spec } objects')
      // An illegal name would have librdkafka wait for its leader until the timeout.
      return { topic: checkTopic(p.topic), partition: checkPartition(p.partition), spec: checkSpec(p.spec) }
    })
    const keys = queries.map(partitionKey)
    if (new Set(keys).size !== keys.length) throw invalid('partitions must not repeat')
    if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') throw invalid("isolation must be 'read_committed' or 'read_uncommitted'")
    const timeout = checkTimeout(timeoutMs)
    if (queries.length === 0) return []
    let offsets: Array<Native<ListedOffset>>
    try {
      offsets = await this.#call((handle) => handle.listOffsets(queries, isolation === 'read_committed', timeout))
    } catch (err) {
      // librdkafka fails the whole call with ERR__NOENT ("No leaders found") when no partition asked
      // for has a leader (unknown topics or partitions), but gives per-partition errors when some do:
      // report the per-partition form either way.
      if (!(err instanceof AdminError) || err.code !== ERR_NOENT) throw err
      return queries.map(({ topic, partition }) => ({ topic, partition, offset: OFFSET_INVALID, timestamp: -1, error: 'unknown_topic_or_partition' }))
    }
    return inOrder(keys, offsets, partitionKey).map((offset) => ({ ...offset, error: errorName(offset.error) }))
  }

  /** Cluster metadata of every topic (never of one by name: librdkafka would keep querying an unknown one). */
  async metadata (timeoutMs: number): Promise<RawMetadata> {
    const timeout = checkTimeout(timeoutMs)
    return await this.#call((handle) => handle.metadata(timeout))
  }

  /** Idempotent. Destroys the rd_kafka_t now, or when the last call in flight settles. */
  close (): void {
    const handle = this.#handle
    this.#handle = null
    handle?.close()
  }

  async #call<T> (request: (handle: NativeAdminHandle) => Promise<T>): Promise<T> {
    if (this.#handle === null) throw new AdminError(ERR_DESTROY, 'admin client is closed')
    try {
      return await request(this.#handle)
    } catch (err) {
      throw toAdminError(err)
    }
  }
}
