// SPEC §7.1: `__consumer_offsets` records. Golden bytes from Kafka's own serializers
// (scripts/kafka/GenerateGroupFixtures.java → test/fixtures/consumer-offsets/records.json) and one
// record pair captured from a Kafka 4.1.1 broker (broker-4.1.1.json), plus hand-made malformed bytes.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { decodeOffsetsRecord, type OffsetsRecord } from '../../../src/groups/consumer-offsets.js'
import { decodeAssignment, decodeSubscription } from '../../../src/groups/consumer-protocol.js'

interface Fixture { name: string, key: string, value: string | null, expected: unknown }

const fixtures = (file: string): Fixture[] =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/consumer-offsets/${file}`, import.meta.url), 'utf8')).records

const GENERATED = fixtures('records.json')
const CAPTURED = fixtures('broker-4.1.1.json')
const hex = (s: string | null): Buffer | null => s === null ? null : Buffer.from(s, 'hex')

/** Buffers → hex, so a decoded record compares with the fixture's JSON. */
function plain (x: unknown): unknown {
  if (Buffer.isBuffer(x)) return x.toString('hex')
  if (Array.isArray(x)) return x.map(plain)
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]))
  return x
}

const decode = (key: Buffer | null, value: Buffer | null): unknown => plain(decodeOffsetsRecord(key, value))

const MALFORMED = { kind: 'skipped', reason: 'malformed' }
const UNKNOWN_KEY = { kind: 'skipped', reason: 'unknown_key_version' }
const UNKNOWN_VALUE = { kind: 'skipped', reason: 'unknown_value_version' }

test('fixtures cover every key version and every value version', (t) => {
  const versions = new Set(GENERATED.map((f) => {
    const r = decodeOffsetsRecord(hex(f.key), hex(f.value))
    return r.kind === 'skipped' ? `${r.kind}:${r.reason}` : `${r.kind}:${hex(f.key)!.readInt16BE(0)}:${r.value?.version ?? 'tombstone'}`
  }))
  for (const v of ['offset:0:0', 'offset:0:1', 'offset:0:3', 'offset:0:tombstone',
    'offset:1:0', 'offset:1:1', 'offset:1:2', 'offset:1:3', 'offset:1:4', 'offset:1:tombstone',
    'group:2:0', 'group:2:1', 'group:2:2', 'group:2:3', 'group:2:4', 'group:2:tombstone',
    'skipped:unknown_key_version']) {
    t.true(versions.has(v), v)
  }
})

for (const [source, list] of [['Kafka serializer', GENERATED], ['Kafka 4.1.1 broker', CAPTURED]] as const) {
  test(`golden records (${source}) decode to the expected values`, (t) => {
    t.true(list.length > 0)
    for (const f of list) t.deepEqual(decode(hex(f.key), hex(f.value)), f.expected, f.name)
  })
}

test('trailing bytes after a record\'s fields are ignored', (t) => {
  const garbage = Buffer.from('00ff00ff7f', 'hex')
  for (const f of GENERATED) {
    const key = Buffer.concat([hex(f.key)!, garbage])
    const value = f.value === null ? null : Buffer.concat([hex(f.value)!, garbage])
    t.deepEqual(decode(key, value), f.expected, f.name)
  }
})

test('every truncation of a decodable key or value is malformed, never an exception', (t) => {
  const failures: string[] = []
  let cases = 0
  const check = (name: string, key: Buffer, value: Buffer | null): void => {
    cases++
    try {
      if (!isMalformed(decodeOffsetsRecord(key, value))) failures.push(name)
    } catch (err) {
      failures.push(`${name}: threw ${String(err)}`)
    }
  }
  for (const f of [...GENERATED, ...CAPTURED]) {
    if ((f.expected as OffsetsRecord).kind === 'skipped') continue
    const key = hex(f.key)!
    const value = hex(f.value)
    for (let n = 0; n < key.length; n++) check(`${f.name}: key[0, ${n})`, key.subarray(0, n), value)
    if (value === null) continue
    for (let n = 0; n < value.length; n++) check(`${f.name}: value[0, ${n})`, key, value.subarray(0, n))
  }
  t.deepEqual(failures, [])
  t.true(cases > 10_000)
})

const isMalformed = (r: OffsetsRecord): boolean => r.kind === 'skipped' && r.reason === 'malformed'

// Hand-made bytes: a tiny writer for the grammar's primitives.
const i16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b }
const i32 = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b }
const i64 = (n: number): Buffer => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b }
const str = (s: string): Buffer => Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)])
const cstr = (s: string): Buffer => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s)]) // < 127 bytes
const bytes = (...parts: Array<Buffer | number[]>): Buffer => Buffer.concat(parts.map((p) => Buffer.isBuffer(p) ? p : Buffer.from(p)))

const OFFSET_KEY = bytes(i16(1), str('g'), str('t'), i32(0))
const GROUP_KEY = bytes(i16(2), str('g'))
/** Group metadata v3 up to the member array, then one member's fields. */
const GROUP_V3_HEAD = bytes(i16(3), str('consumer'), i32(1), str('range'), str('m'), i64(0))
const memberV3 = (subscription: Buffer): Buffer => bytes(str('m'), i16(-1), str('c'), str('/h'), i32(1), i32(2), subscription, i32(0))
const GROUP_V4_HEAD = bytes(i16(4), cstr('consumer'), i32(1), cstr('range'), cstr('m'), i64(0))

test('hand-made records', (t) => {
  const table: ReadonlyArray<readonly [string, Buffer | null | undefined, Buffer | null | undefined, unknown]> = [
    ['null key', null, null, MALFORMED],
    ['undefined key', undefined, bytes(i16(0)), MALFORMED],
    ['empty key', Buffer.alloc(0), null, MALFORMED],
    ['one-byte key', Buffer.from([0]), null, MALFORMED],
    ['key version -1', bytes(i16(-1), str('g')), null, UNKNOWN_KEY],
    ['key version 3, garbage value', bytes(i16(3), [1, 2, 3]), Buffer.from([0xff]), UNKNOWN_KEY],
    ['key version 32767', bytes(i16(32767)), null, UNKNOWN_KEY],
    ['offset key, undefined value = tombstone', OFFSET_KEY, undefined,
      { kind: 'offset', group: 'g', topic: 't', partition: 0, value: null }],
    ['offset key, empty (non-null) value', OFFSET_KEY, Buffer.alloc(0), MALFORMED],
    ['offset key, one-byte value', OFFSET_KEY, Buffer.from([0]), MALFORMED],
    ['offset value version 5', OFFSET_KEY, bytes(i16(5), i64(1), str(''), i64(1)), UNKNOWN_VALUE],
    ['offset value version -1', OFFSET_KEY, bytes(i16(-1), i64(1), str(''), i64(1)), UNKNOWN_VALUE],
    ['offset value version 32767', OFFSET_KEY, bytes(i16(32767)), UNKNOWN_VALUE],
    ['group value version 5', GROUP_KEY, bytes(i16(5)), UNKNOWN_VALUE],
    ['group value version -2', GROUP_KEY, bytes(i16(-2)), UNKNOWN_VALUE],
    ['unknown value version of a malformed key', bytes(i16(1), str('g')), bytes(i16(9)), MALFORMED],
    ['offset key: null group', bytes(i16(1), i16(-1), str('t'), i32(0)), null, MALFORMED],
    ['offset key: string length -2', bytes(i16(1), i16(-2), str('t'), i32(0)), null, MALFORMED],
    ['offset key: string longer than the key', bytes(i16(1), i16(100), [0x61, 0x62]), null, MALFORMED],
    ['group key: null group', bytes(i16(2), i16(-1)), null, MALFORMED],
    ['offset v3: null metadata', OFFSET_KEY, bytes(i16(3), i64(1), i32(0), i16(-1), i64(1)), MALFORMED],
    ['offset v4: null compact metadata', OFFSET_KEY, bytes(i16(4), i64(1), i32(0), [0], i64(1), [0]), MALFORMED],
    ['offset v4: missing tagged fields', OFFSET_KEY, bytes(i16(4), i64(1), i32(0), cstr(''), i64(1)), MALFORMED],
    ['offset v4: tagged field longer than the value', OFFSET_KEY,
      bytes(i16(4), i64(1), i32(0), cstr(''), i64(1), [1, 0, 10, 1, 2]), MALFORMED],
    ['offset v4: varint of 6 bytes', OFFSET_KEY,
      bytes(i16(4), i64(1), i32(0), [0x81, 0x80, 0x80, 0x80, 0x80, 0x00], i64(1), [0]), MALFORMED],
    ['offset v4: compact length past the end', OFFSET_KEY, bytes(i16(4), i64(1), i32(0), [0xff, 0xff, 0x03], [0x61]), MALFORMED],
    ['offset v4: two tagged fields', OFFSET_KEY, bytes(i16(4), i64(-2), i32(-1), cstr('m'), i64(3), [2, 0, 1, 9, 5, 0]),
      { kind: 'offset', group: 'g', topic: 't', partition: 0, value: { version: 4, offset: -2, leaderEpoch: null, metadata: 'm', commitTimestamp: 3, expireTimestamp: null } }],
    ['offset v0: invalid UTF-8 metadata reads as U+FFFD (as Java does)', OFFSET_KEY, bytes(i16(0), i64(1), i16(2), [0xc3, 0x28], i64(2)),
      { kind: 'offset', group: 'g', topic: 't', partition: 0, value: { version: 0, offset: 1, leaderEpoch: null, metadata: '\ufffd(', commitTimestamp: 2, expireTimestamp: null } }],
    ['group v3: member count -1', GROUP_KEY, bytes(GROUP_V3_HEAD, i32(-1)), MALFORMED],
    ['group v3: member count 2^31-1, one member', GROUP_KEY, bytes(GROUP_V3_HEAD, i32(0x7fffffff), memberV3(i32(0))), MALFORMED],
    ['group v3: null subscription', GROUP_KEY, bytes(GROUP_V3_HEAD, i32(1), memberV3(i32(-1))), MALFORMED],
    ['group v3: subscription length past the end', GROUP_KEY, bytes(GROUP_V3_HEAD, i32(1), memberV3(i32(1000))), MALFORMED],
    ['group v3: null member id', GROUP_KEY, bytes(GROUP_V3_HEAD, i32(1), i16(-1)), MALFORMED],
    ['group v3: one member', GROUP_KEY, bytes(GROUP_V3_HEAD, i32(1), memberV3(bytes(i32(2), [0xab, 0xcd]))),
      { kind: 'group', group: 'g', value: { version: 3, protocolType: 'consumer', generation: 1, protocol: 'range', leader: 'm', currentStateTimestamp: 0,
        members: [{ memberId: 'm', groupInstanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeout: 1, sessionTimeout: 2, subscription: 'abcd', assignment: '' }] } }],
    ['group v4: null compact member array', GROUP_KEY, bytes(GROUP_V4_HEAD, [0], [0]), MALFORMED],
    ['group v4: null compact subscription', GROUP_KEY,
      bytes(GROUP_V4_HEAD, [2], cstr('m'), [0], cstr('c'), cstr('h'), i32(1), i32(2), [0], [1], [0], [0]), MALFORMED],
    ['group v4: missing top-level tagged fields', GROUP_KEY, bytes(GROUP_V4_HEAD, [1]), MALFORMED],
    ['group v4: no members', GROUP_KEY, bytes(GROUP_V4_HEAD, [1], [0]),
      { kind: 'group', group: 'g', value: { version: 4, protocolType: 'consumer', generation: 1, protocol: 'range', leader: 'm', currentStateTimestamp: 0, members: [] } }]
  ]
  for (const [name, key, value, expected] of table) {
    t.deepEqual(plain(decodeOffsetsRecord(key, value)), expected, name)
  }
})

test('int64 fields are exact up to ±2^53', (t) => {
  for (const n of [0, 1, -1, -2, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_700_000_000_000]) {
    const r = decodeOffsetsRecord(OFFSET_KEY, bytes(i16(0), i64(n), str(''), i64(n)))
    t.true(r.kind === 'offset' && r.value?.offset === n && r.value.commitTimestamp === n, String(n))
  }
})

test('decoded member bytes are copies, not views of the record', (t) => {
  const value = bytes(GROUP_V3_HEAD, i32(1), memberV3(bytes(i32(2), [0xab, 0xcd])))
  const r = decodeOffsetsRecord(GROUP_KEY, value)
  value.fill(0)
  t.true(r.kind === 'group' && r.value?.members[0]?.subscription.toString('hex') === 'abcd')
})

test('corrupted golden records never throw and never decode to a bogus kind', (t) => {
  // Deterministic xorshift: overwrite 1–3 bytes of every golden record, many times.
  let seed = 0x9e3779b9
  const next = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0 }
  const kinds = new Set(['offset', 'group', 'skipped'])
  const failures: string[] = []
  for (const f of [...GENERATED, ...CAPTURED]) {
    for (let round = 0; round < 200; round++) {
      const key = hex(f.key)!
      const value = hex(f.value)
      const target = value === null || next() % 4 === 0 ? key : value
      for (let k = 0, n = 1 + next() % 3; k < n; k++) target[next() % target.length] = next() & 0xff
      try {
        if (!kinds.has(decodeOffsetsRecord(key, value).kind)) failures.push(`${f.name} #${round}`)
      } catch (err) {
        failures.push(`${f.name} #${round}: threw ${String(err)}`)
      }
    }
  }
  t.deepEqual(failures, [])
})

test('group-metadata members of protocol type consumer carry decodable consumer-protocol bytes', (t) => {
  let members = 0
  for (const f of [...GENERATED, ...CAPTURED]) {
    const r = decodeOffsetsRecord(hex(f.key), hex(f.value))
    if (r.kind !== 'group' || r.value?.protocolType !== 'consumer') continue
    for (const m of r.value.members) {
      members++
      t.is(decodeSubscription(m.subscription) === undefined, m.subscription.length === 0, `${f.name} ${m.memberId}`)
      t.is(decodeAssignment(m.assignment) === undefined, m.assignment.length === 0, `${f.name} ${m.memberId}`)
    }
  }
  t.true(members > 5)
})
