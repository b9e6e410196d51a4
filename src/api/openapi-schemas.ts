// The JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the bodies in SPEC.md, for the OpenAPI document.

export type Schema = Readonly<Record<string, unknown>>

/** A reference to one of SCHEMAS. */
export const ref = (name: keyof typeof SCHEMAS): Schema => inner(name)
/** The same, inside SCHEMAS (whose type cannot name its own keys); the document test resolves every reference. */
const inner = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })

const integer = (description?: string): Schema => description === undefined ? { type: 'integer' } : { type: 'integer', description }
const int64 = (description: string): Schema => ({ type: 'integer', format: 'int64', description })
const nullable = (type: string, description: string): Schema => ({ type: [type, 'null'], description })
const strings: Schema = { type: 'array', items: { type: 'string' } }
const integers: Schema = { type: 'array', items: { type: 'integer' } }
/** An object with these members, all required unless `required` says otherwise. */
const object = (properties: Readonly<Record<string, Schema>>, required: readonly string[] = Object.keys(properties), description?: string): Schema =>
  ({ type: 'object', ...(description === undefined ? {} : { description }), required, properties })
const ENCODING: Schema = { enum: ['text', 'base64'], description: '`text` when printable (SPEC §7.3), else `base64`' }
const BASE64_MARKER: Schema = { const: 'base64', description: 'present only when the bytes are not valid UTF-8 and came as standard base64' }

/** SPEC §7.4/§7.5 member data (consumer protocol), `{}` when empty or undecodable. */
const memberData = (partitions: Schema): Schema => ({
  type: 'object',
  description: 'Decoded consumer-protocol bytes (SPEC §7.3); `{}` when empty, of another protocol type or undecodable',
  properties: { version: integer(), ...partitions, user_data: { type: 'string' }, user_data_encoding: ENCODING }
})

/** A group member's identity, in both versions of the group view (SPEC §7.4, §7.5). */
const MEMBER_IDENTITY = { member_id: { type: 'string' }, client_id: { type: 'string' }, client_host: { type: 'string' } }

export const SCHEMAS = {
  Error: {
    type: 'object',
    description: 'Every error answer (SPEC §2.1). 400 messages start with `invalid <name>`; clients match the prefix.',
    required: ['error'],
    properties: { error: { type: 'string' } },
    additionalProperties: true
  },
  OffsetOutOfRange: object({
    error: { const: 'offset_out_of_range' },
    earliest: int64('log start offset (E)'),
    latest: int64('last stable offset (L)')
  }, ['error', 'earliest', 'latest'], 'SPEC §5: the offset lies outside [E, L]'),
  Token: object({ token: { type: 'string', description: 'ES512 JWT (SPEC §6.2); send as `authorization: Bearer <token>`' } }),
  Credentials: object({ username: { type: 'string' }, password: { type: 'string' } }),
  Health: object({ status: { const: 'ok' } }),
  Checks: object({
    kafka: { enum: ['ok', 'failing'] },
    token_store: { enum: ['ok', 'failing', 'pending', 'disabled'] }
  }),
  Ready: object({ status: { const: 'ready' }, checks: inner('Checks') }),
  NotReady: object({ error: { const: 'not ready' }, checks: inner('Checks') }),
  Names: { ...strings, description: 'sorted by byte order' },
  Partition: object({
    partition: integer(),
    leader: integer('broker id, -1 when none'),
    replicas: { ...integers, description: 'ascending' },
    isr: { ...integers, description: 'ascending' }
  }),
  Topic: object({
    topic: { type: 'string' },
    partitions: { type: 'array', items: inner('Partition'), description: 'ascending' },
    config: {
      type: ['object', 'null'],
      description: 'topic-level overrides (`null` value when sensitive); `null` when the config lookup failed',
      additionalProperties: { type: ['string', 'null'] }
    }
  }),
  Broker: object({
    id: integer(),
    node_id: integer(),
    host: { type: 'string' },
    port: integer(),
    rack: { type: 'string', description: '`""` when unset' },
    endpoints: { ...strings, description: '`<PROTOCOL>://<host>:<port>`' }
  }),
  Brokers: { type: 'array', items: inner('Broker'), description: 'sorted by id' },
  Offset: object({ offset: int64('resolved offset, or -1 (SPEC §5)') }),
  Urp: object({ topic: { type: 'string' }, urp: { type: 'array', items: inner('Partition') } }),
  Urps: { type: 'array', items: inner('Urp'), description: 'only topics with under-replicated partitions, ascending' },
  Message: {
    type: 'object',
    description: 'A record (SPEC §4.8)',
    required: ['value', 'key', 'offset', 'ts', 'ts_type', 'headers'],
    properties: {
      value: nullable('string', 'UTF-8 text, or base64 (see value_encoding); `null` when null or empty'),
      value_encoding: BASE64_MARKER,
      key: nullable('string', 'UTF-8 text, or base64 (see key_encoding); `null` when null or empty'),
      key_encoding: BASE64_MARKER,
      offset: int64('the record\'s offset'),
      ts: nullable('integer', 'timestamp, ms'),
      ts_type: { enum: ['create', 'append', null] },
      headers: {
        type: 'object',
        description: 'record headers; duplicates: last wins; `{}` when none',
        additionalProperties: { type: ['string', 'null'] }
      },
      headers_encoding: {
        type: 'object',
        description: 'names of headers whose value came as base64; absent when none',
        additionalProperties: { const: 'base64' }
      }
    }
  },
  MessagesV1: object({
    size: { type: 'null' },
    messages: { type: 'array', items: inner('Message') },
    highWmOffset: int64('high watermark'),
    error_code: { const: 'no_error' }
  }, undefined, 'v1 fetch answer'),
  MessagesV2: { type: 'array', items: inner('Message'), description: 'v2 fetch answer' },
  BatchRecord: {
    type: 'object',
    description: 'One record of a JSON or NDJSON batch (SPEC §10.4); every member optional, others refused',
    additionalProperties: false,
    properties: {
      key: { type: ['string', 'null'], description: 'empty = null key' },
      key_encoding: { enum: ['text', 'base64'], default: 'text' },
      value: { type: ['string', 'null'], description: 'absent, null or empty = null value' },
      value_encoding: { enum: ['text', 'base64'], default: 'text' },
      partition: { type: 'integer', minimum: 0 },
      headers: { type: 'object', description: 'converted as x-message-headers (SPEC §4.7)' }
    }
  },
  BatchResult: {
    oneOf: [
      object({ partition: integer(), offset: int64('the record\'s offset; -1 when Kafka acknowledged it without one (acks 0; README, Known limits)') }),
      object({ error: { type: 'string', description: 'Kafka error name (SPEC §2.6)' }, status: integer('what the single-record route would answer') })
    ]
  },
  BatchResults: object({ results: { type: 'array', items: inner('BatchResult'), description: 'in request order' } }),
  ProduceStreamAnswer: {
    description: 'WebSocket text frame answering binary frame `seq` of the produce stream (SPEC §10.4a)',
    oneOf: [
      object({ seq: integer(), results: { type: 'array', items: inner('BatchResult') } }),
      object({ seq: integer(), error: { type: 'string' }, status: integer() })
    ]
  },
  GroupV1: object({
    group_id: { type: 'string' },
    state: { type: 'string', description: 'Stable, Empty, PreparingRebalance, CompletingRebalance, …' },
    generation_id: nullable('integer', 'from the group-metadata record'),
    leader: nullable('string', '`""` when the group has none'),
    protocol: { type: 'string' },
    maxlag: nullable('integer', 'largest non-null lag'),
    members: {
      type: 'array',
      items: object({
        ...MEMBER_IDENTITY,
        session_timeout: nullable('integer', '`null` when only DescribeGroups knows the member'),
        subscription: memberData({ topics: strings }),
        assignment: memberData({ topic_partitions: { type: 'object', additionalProperties: integers } })
      })
    },
    partitions: {
      type: 'array',
      items: object({
        topic: { type: 'string' },
        partition: integer(),
        offset: int64('committed offset (the next to consume)'),
        metadata: { type: 'string' },
        metadata_encoding: ENCODING,
        high_wm_offset: nullable('integer', 'high watermark, `null` when unknown'),
        commit_time: nullable('integer', 'ms'),
        expire_time: nullable('integer', 'ms'),
        lag: nullable('integer', 'SPEC §7.6, `null` when the high watermark is unknown')
      })
    }
  }, undefined, 'SPEC §7.4'),
  GroupV2: object({
    group_id: { type: 'string' },
    state: { type: 'string' },
    protocol: { type: 'string' },
    protocol_type: { type: 'string' },
    error_code: { type: 'string' },
    members: {
      type: 'array',
      items: object({
        ...MEMBER_IDENTITY,
        member_metadata: memberData({ topics: strings }),
        member_assignment: memberData({
          topic_partitions: { type: 'array', items: object({ topic: { type: 'string' }, partitions: integers }) }
        })
      })
    },
    committed_offsets: {
      type: 'array',
      items: object({
        topic: { type: 'string' },
        partition_responses: {
          type: 'array',
          items: object({
            partition: integer(),
            offset: int64('committed offset'),
            metadata: { type: 'string' },
            metadata_encoding: ENCODING,
            error_code: { type: 'string', description: 'Kafka error name' },
            lag: nullable('integer', 'SPEC §7.6')
          })
        }
      })
    }
  }, undefined, 'SPEC §7.5')
} as const satisfies Readonly<Record<string, Schema>>
