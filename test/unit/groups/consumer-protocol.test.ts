// SPEC §7.3: the consumer embedded protocol. Golden bytes from Kafka's ConsumerProtocol and generated
// messages (scripts/kafka/GenerateGroupFixtures.java protocol → test/fixtures/consumer-protocol/members.json).
import test from 'ava'
import { readFileSync } from 'node:fs'
import { decodeAssignment, decodeSubscription } from '../../../src/groups/consumer-protocol.js'

interface Fixture { name: string, bytes: string, expected: { version: number } }

const FIXTURES: { subscriptions: Fixture[], assignments: Fixture[] } =
  JSON.parse(readFileSync(new URL('../../../../test/fixtures/consumer-protocol/members.json', import.meta.url), 'utf8'))

/** Buffers → hex, so a decoded value compares with the fixture's JSON. */
function plain (x: unknown): unknown {
  if (Buffer.isBuffer(x)) return x.toString('hex')
  if (Array.isArray(x)) return x.map(plain)
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]))
  return x
}

const DECODERS = [
  ['subscription', FIXTURES.subscriptions, decodeSubscription],
  ['assignment', FIXTURES.assignments, decodeAssignment]
] as const

const withVersion = (bytes: Buffer, version: number): Buffer => {
  const copy = Buffer.from(bytes)
  copy.writeInt16BE(version, 0)
  return copy
}

for (const [what, fixtures, decode] of DECODERS) {
  test(`${what}: golden bytes v0–v3 decode to the expected values`, (t) => {
    const versions = new Set(fixtures.map((f) => f.expected.version))
    t.deepEqual([...versions].sort(), [0, 1, 2, 3])
    for (const f of fixtures) t.deepEqual(plain(decode(Buffer.from(f.bytes, 'hex'))), f.expected, f.name)
  })

  test(`${what}: versions above 3 decode the common prefix, negative versions do not decode`, (t) => {
    for (const f of fixtures) {
      const bytes = Buffer.from(f.bytes, 'hex')
      for (const version of [4, 100, 32767]) {
        t.deepEqual(plain(decode(withVersion(bytes, version))), { ...f.expected, version }, `${f.name} as v${version}`)
      }
      for (const version of [-1, -32768]) t.is(decode(withVersion(bytes, version)), undefined, `${f.name} as v${version}`)
    }
  })

  test(`${what}: absent or empty bytes → undefined`, (t) => {
    for (const bytes of [null, undefined, Buffer.alloc(0), Buffer.from([0]), Buffer.from([0, 0])]) {
      t.is(decode(bytes), undefined, String(bytes?.toString('hex')))
    }
  })

  // Only subscriptions v1+ have fields after user_data; cutting those still decodes, as they are not read.
  const laterFields = what === 'subscription'
  test(`${what}: truncations never throw; they fail${laterFields ? ' or decode the same value (later fields are not read)' : ''}`, (t) => {
    const failures: string[] = []
    let cut = 0
    for (const f of fixtures) {
      const bytes = Buffer.from(f.bytes, 'hex')
      for (let n = 0; n < bytes.length; n++) {
        try {
          const r = decode(bytes.subarray(0, n))
          if (r === undefined) continue
          cut++
          if (!laterFields || f.expected.version === 0) failures.push(`${f.name}: decoded from [0, ${n})`)
          else t.deepEqual(plain(r), f.expected, `${f.name}: [0, ${n})`)
        } catch (err) {
          failures.push(`${f.name}: [0, ${n}) threw ${String(err)}`)
        }
      }
    }
    t.deepEqual(failures, [])
    t.is(cut > 0, laterFields)
  })

  test(`${what}: trailing bytes are ignored`, (t) => {
    for (const f of fixtures) {
      t.deepEqual(plain(decode(Buffer.concat([Buffer.from(f.bytes, 'hex'), Buffer.from('ffffffff00', 'hex')]))), f.expected, f.name)
    }
  })
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

test('subscription: hand-made bytes', (t) => {
  const table: ReadonlyArray<readonly [string, string, unknown]> = [
    ['minimal v0', '0000 00000000 ffffffff', { version: 0, topics: [], userData: null }],
    ['topic, empty user data', '0001 00000001 0001 61 00000000', { version: 1, topics: ['a'], userData: '' }],
    ['topic array -1 (not nullable)', '0000 ffffffff ffffffff', undefined],
    ['topic array -2', '0000 fffffffe ffffffff', undefined],
    ['null topic', '0000 00000001 ffff ffffffff', undefined],
    ['topic longer than the bytes', '0000 00000001 0005 6162 ffffffff', undefined],
    ['topic count beyond the bytes', '0000 7fffffff 0001 61 ffffffff', undefined],
    ['user data length -2', '0000 00000000 fffffffe', undefined],
    ['user data longer than the bytes', '0000 00000000 00000003 0102', undefined],
    ['user data missing', '0000 00000001 0001 61', undefined],
    ['v3 with garbage where owned partitions should be', '0003 00000001 0001 61 ffffffff ff', { version: 3, topics: ['a'], userData: null }]
  ]
  for (const [name, bytes, expected] of table) t.deepEqual(plain(decodeSubscription(hex(bytes))), expected, name)
})

test('assignment: hand-made bytes', (t) => {
  const table: ReadonlyArray<readonly [string, string, unknown]> = [
    ['minimal v0', '0000 00000000 ffffffff', { version: 0, topicPartitions: [], userData: null }],
    ['one topic, partitions [-1, 7]', '0002 00000001 0001 61 00000002 ffffffff 00000007 00000001 ff',
      { version: 2, topicPartitions: [{ topic: 'a', partitions: [-1, 7] }], userData: 'ff' }],
    ['topic-partition array -1', '0000 ffffffff ffffffff', undefined],
    ['partition array -1', '0000 00000001 0001 61 ffffffff ffffffff', undefined],
    ['partition count beyond the bytes', '0000 00000001 0001 61 00000003 00000000 ffffffff', undefined],
    ['null topic', '0000 00000001 ffff 00000000 ffffffff', undefined],
    ['user data missing', '0000 00000000', undefined],
    ['user data length -2', '0000 00000000 fffffffe', undefined]
  ]
  for (const [name, bytes, expected] of table) t.deepEqual(plain(decodeAssignment(hex(bytes))), expected, name)
})

test('decoded user data is a copy', (t) => {
  const bytes = hex('0000 00000000 00000002 abcd')
  const s = decodeSubscription(bytes)
  bytes.fill(0)
  t.is(s?.userData?.toString('hex'), 'abcd')
})
