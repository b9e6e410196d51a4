// The entries of a PartitionReader pull (native/partition-reader.cc), read back from packed bytes.
import test from 'ava'
import { PULL_END_OF_PARTITION, PULL_HEADER_BYTES, PULL_RECORD } from '../../../src/kafka/addon.js'
import { forEachPulledEntry } from '../../../src/kafka/pulled-entries.js'

type Entry = ['record', number, string | null, string | null] | ['end', number]

function entry (kind: number, partition: number, key: Buffer | null, value: Buffer | null): Buffer {
  const header = Buffer.alloc(PULL_HEADER_BYTES)
  header.writeInt32LE(kind, 0)
  header.writeInt32LE(partition, 4)
  header.writeInt32LE(key === null ? -1 : key.length, 8)
  header.writeInt32LE(value === null ? -1 : value.length, 12)
  return Buffer.concat([header, key ?? Buffer.alloc(0), value ?? Buffer.alloc(0)])
}

function read (pulled: Buffer): Entry[] {
  const entries: Entry[] = []
  forEachPulledEntry(pulled, {
    record: (partition, key, value) => entries.push(['record', partition, key?.toString() ?? null, value?.toString() ?? null]),
    endOfPartition: (partition) => entries.push(['end', partition])
  })
  return entries
}

test('records (null, empty and non-empty keys and values) and ends of partitions come back in order', (t) => {
  const pulled = Buffer.concat([
    entry(PULL_RECORD, 3, Buffer.from('k1'), Buffer.from('value one')),
    entry(PULL_RECORD, 0, Buffer.from('k2'), null),
    entry(PULL_END_OF_PARTITION, 0, null, null),
    entry(PULL_RECORD, 49, null, Buffer.alloc(0)),
    entry(PULL_RECORD, 1, Buffer.alloc(0), Buffer.from('v'))
  ])
  t.deepEqual(read(pulled), [
    ['record', 3, 'k1', 'value one'],
    ['record', 0, 'k2', null],
    ['end', 0],
    ['record', 49, null, ''],
    ['record', 1, '', 'v']
  ])
  t.deepEqual(read(Buffer.alloc(0)), [])
})

test('keys and values are views of the pull, not copies', (t) => {
  const pulled = entry(PULL_RECORD, 0, Buffer.from('key'), Buffer.from('value'))
  forEachPulledEntry(pulled, {
    record: (_partition, key, value) => {
      t.is(key?.buffer, pulled.buffer)
      t.is(value?.byteOffset, pulled.byteOffset + PULL_HEADER_BYTES + 3)
    },
    endOfPartition: () => t.fail()
  })
})

test('a truncated header, a length past the end, a negative length or an unknown kind throws RangeError', (t) => {
  const good = entry(PULL_RECORD, 0, Buffer.from('key'), Buffer.from('value'))
  t.throws(() => read(good.subarray(0, PULL_HEADER_BYTES - 1)), { instanceOf: RangeError })
  t.throws(() => read(good.subarray(0, good.length - 1)), { instanceOf: RangeError })
  const negative = Buffer.from(good)
  negative.writeInt32LE(-2, 8)
  t.throws(() => read(negative), { instanceOf: RangeError })
  const unknown = Buffer.from(good)
  unknown.writeInt32LE(7, 0)
  t.throws(() => read(unknown), { instanceOf: RangeError })
})
