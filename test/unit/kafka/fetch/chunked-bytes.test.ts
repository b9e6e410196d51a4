// The socket's chunks of a Fetch answer, read in place (chunked-bytes.ts).
import test from 'ava'
import { ChunkedBytes, VarintReader } from '../../../../src/kafka/fetch/chunked-bytes.js'

const whole = Buffer.from(Array.from({ length: 40 }, (_, i) => i))
/** `whole` in chunks of 7, 1, 0 (dropped), 12 and the rest, each an ArrayBuffer of its own. */
const pieces = [whole.subarray(0, 7), whole.subarray(7, 8), Buffer.alloc(0), whole.subarray(8, 20), whole.subarray(20)].map((p) => {
  const own = Buffer.allocUnsafeSlow(p.length)
  p.copy(own)
  return own
})
const bytes = new ChunkedBytes(pieces)

test('length and the chunk holding each position', (t) => {
  t.is(bytes.length, 40)
  t.deepEqual([0, 6, 7, 8, 19, 20, 39].map((p) => bytes.chunkIndex(p)), [0, 0, 1, 2, 2, 3, 3])
  t.throws(() => bytes.chunkIndex(40), { instanceOf: RangeError })
  t.throws(() => bytes.chunkIndex(-1), { instanceOf: RangeError })
})

test('integers read within a chunk and across chunk boundaries', (t) => {
  for (let at = 0; at + 8 <= 40; at++) {
    t.is(bytes.readInt16BE(at), whole.readInt16BE(at))
    t.is(bytes.readInt32BE(at), whole.readInt32BE(at))
    t.is(bytes.readBigInt64BE(at), whole.readBigInt64BE(at))
  }
  t.throws(() => bytes.readInt32BE(37), { instanceOf: RangeError })
})

test('view: the chunk\'s memory when one chunk holds the range, else a copy; copy: always memory of its own', (t) => {
  const inside = bytes.view(9, 15)
  t.deepEqual(inside, whole.subarray(9, 15))
  t.is(inside.buffer, pieces[3]?.buffer)
  const across = bytes.view(5, 25)
  t.deepEqual(across, whole.subarray(5, 25))
  t.false(pieces.some((p) => p.buffer === across.buffer))
  const copy = bytes.copy(9, 15)
  t.deepEqual(copy, whole.subarray(9, 15))
  t.not(copy.buffer, pieces[3]?.buffer)
  t.deepEqual(bytes.copy(0, 40), whole)
  t.is(bytes.view(12, 12).length, 0)
  t.throws(() => bytes.copy(30, 41), { instanceOf: RangeError })
})

test('varints and varint-prefixed strings across chunks; a truncated varint or string is an error', (t) => {
  // 300 as an unsigned varint (0xac 0x02), zigzag −2 (0x03), then a string of length 3 (zigzag 6) "abc".
  const encoded = Buffer.from([0xac, 0x02, 0x03, 0x06, 0x61, 0x62, 0x63])
  for (let cut = 1; cut < encoded.length; cut++) {
    const reader = new VarintReader(new ChunkedBytes([encoded.subarray(0, cut), encoded.subarray(cut)]))
    t.is(reader.unsigned(), 300)
    t.is(reader.signed(), -2)
    t.deepEqual(reader.bytes(), Buffer.from('abc'))
    t.is(reader.position, encoded.length)
  }
  const plain = new VarintReader(encoded)
  t.deepEqual([plain.unsigned(), plain.signed(), plain.bytes()], [300, -2, Buffer.from('abc')], 'read from one Buffer as well')
  t.is(new VarintReader(encoded.subarray(3)).bytes()?.buffer, encoded.buffer, 'a string of one Buffer is a view of it')
  t.throws(() => new VarintReader(Buffer.from([0x80])).unsigned(), { message: /truncated varint/ })
  t.throws(() => new VarintReader(ChunkedBytes.of(Buffer.from([0x80]))).unsigned(), { message: /truncated varint/ })
  t.throws(() => new VarintReader(ChunkedBytes.of(Buffer.from([0x08, 0x61]))).bytes(), { message: /runs past/ })
  t.is(new VarintReader(ChunkedBytes.of(Buffer.from([0x01]))).bytes(), null, 'length −1 is null')
})
