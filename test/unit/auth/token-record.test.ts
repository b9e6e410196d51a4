// SPEC §6.7: the token-storage record — byte-exact encoding, the Erlang and JSON forms readers accept,
// tombstones, unreadable values (never a throw) and the `user:<name>` key.
import test from 'ava'
import { createHash } from 'node:crypto'
import {
  decodeTokenRecord, encodeTokenRecord, tokenHash, tokenKey, usernameOfKey, type TokenEntry
} from '../../../src/auth/token-record.js'

const HASH = Buffer.from(Array.from({ length: 32 }, (_, i) => i))
const HASH_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

// Hand-written from the SPEC layout.
const MAP2 = '83 74 00000002'
const EXP_ATOM = '64 0003 657870' // 'exp'
const HASH_ATOM = '64 000A 746f6b656e5f68617368' // 'token_hash'
const HASH_BIN = `6D 00000020 ${HASH_HEX}`
const GOLDEN = hex(`${MAP2} ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} ${HASH_BIN}`) // exp 1700000000 = 0x6553F100

const entry = (exp: number): TokenEntry => ({ exp, tokenHash: HASH })

test('golden vector: typical exp, 67 bytes', t => {
  t.is(GOLDEN.length, 67)
  const out = encodeTokenRecord(entry(1700000000))
  t.is(out.length, 67)
  t.is(out.toString('hex'), GOLDEN.toString('hex'))
  t.deepEqual(decodeTokenRecord(GOLDEN), entry(1700000000))
})

test('int32 boundaries use INTEGER_EXT', t => {
  t.is(encodeTokenRecord(entry(0x7fffffff)).toString('hex'),
    hex(`${MAP2} ${EXP_ATOM} 62 7fffffff ${HASH_ATOM} ${HASH_BIN}`).toString('hex'))
  t.is(encodeTokenRecord(entry(-0x80000000)).toString('hex'),
    hex(`${MAP2} ${EXP_ATOM} 62 80000000 ${HASH_ATOM} ${HASH_BIN}`).toString('hex'))
  t.is(encodeTokenRecord(entry(0)).length, 67)
})

test('exp ≥ 2^31 uses SMALL_BIG_EXT with the smallest n', t => {
  const cases: Array<[number, string]> = [
    [2 ** 31, '6E 04 00 00000080'],
    [2 ** 32 - 1, '6E 04 00 ffffffff'],
    [2 ** 32, '6E 05 00 0000000001'],
    [Number.MAX_SAFE_INTEGER, '6E 07 00 ffffffffffff1f'],
    [-(2 ** 31) - 1, '6E 04 01 01000080']
  ]
  for (const [exp, int] of cases) {
    const expected = hex(`${MAP2} ${EXP_ATOM} ${int} ${HASH_ATOM} ${HASH_BIN}`)
    const out = encodeTokenRecord(entry(exp))
    t.is(out.toString('hex'), expected.toString('hex'), String(exp))
    t.deepEqual(decodeTokenRecord(out), entry(exp), String(exp))
  }
  t.is(encodeTokenRecord(entry(2 ** 31)).length, 69)
})

test('round trips', t => {
  for (const exp of [0, 1, 255, 256, 1700000000, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 7, -1, -(2 ** 31), -(2 ** 33),
    Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    const e = { exp, tokenHash: tokenHash(`token-${exp}`) }
    t.deepEqual(decodeTokenRecord(encodeTokenRecord(e)), e, String(exp))
  }
})

test('decoded hash is a copy, not a view of the input', t => {
  const buf = Buffer.from(GOLDEN)
  const d = decodeTokenRecord(buf) as TokenEntry
  buf.fill(0xff)
  t.deepEqual(d.tokenHash, HASH)
})

test('encode rejects invalid entries', t => {
  t.throws(() => encodeTokenRecord(entry(1.5)), { instanceOf: RangeError })
  t.throws(() => encodeTokenRecord(entry(Number.NaN)), { instanceOf: RangeError })
  t.throws(() => encodeTokenRecord(entry(2 ** 53)), { instanceOf: RangeError })
  t.throws(() => encodeTokenRecord({ exp: 1, tokenHash: Buffer.alloc(31) }), { instanceOf: RangeError })
})

test('other atom tags decode', t => {
  const atoms: Array<[string, string]> = [
    ['73 03 657870', '73 0A 746f6b656e5f68617368'], // SMALL_ATOM_EXT
    ['76 0003 657870', '76 000A 746f6b656e5f68617368'], // ATOM_UTF8_EXT
    ['77 03 657870', '77 0A 746f6b656e5f68617368'] // SMALL_ATOM_UTF8_EXT
  ]
  for (const [e, h] of atoms) {
    t.deepEqual(decodeTokenRecord(hex(`${MAP2} ${e} 62 6553F100 ${h} ${HASH_BIN}`)), entry(1700000000), e)
  }
})

test('other integer tags decode', t => {
  const ints: Array<[string, number]> = [
    ['61 2a', 42], // SMALL_INTEGER_EXT
    ['61 ff', 255],
    ['62 ffffffff', -1], // INTEGER_EXT
    ['6E 04 00 00f15365', 1700000000], // SMALL_BIG_EXT for a small value
    ['6E 00 00', 0],
    ['6E 06 00 0000000001 00', 2 ** 32], // non-minimal leading zero digit
    ['6E 04 01 00000080', -(2 ** 31)],
    ['6F 00000004 00 00000080', 2 ** 31], // LARGE_BIG_EXT
    ['6F 00000005 01 0000000001', -(2 ** 32)]
  ]
  for (const [int, exp] of ints) {
    t.deepEqual(decodeTokenRecord(hex(`${MAP2} ${EXP_ATOM} ${int} ${HASH_ATOM} ${HASH_BIN}`)), entry(exp), int)
  }
})

test('reversed key order and extra keys decode', t => {
  t.deepEqual(decodeTokenRecord(hex(`${MAP2} ${HASH_ATOM} ${HASH_BIN} ${EXP_ATOM} 62 6553F100`)), entry(1700000000))
  const extras = [
    '73 03 666f6f 61 01', // foo => 1
    '64 0003 666f6f 6D 00000003 616263', // foo => <<"abc">>
    '77 03 666f6f 73 03 626172', // foo => bar
    '76 0003 666f6f 6F 00000010 00 ffffffffffffffffffffffffffffffff', // foo => huge bignum
    '61 07 62 00000001', // 7 => 1 (non-atom key)
    '6D 00000001 78 6E 01 01 05' // <<"x">> => -5
  ]
  for (const extra of extras) {
    const first = hex(`83 74 00000003 ${extra} ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} ${HASH_BIN}`)
    const middle = hex(`83 74 00000003 ${HASH_ATOM} ${HASH_BIN} ${extra} ${EXP_ATOM} 62 6553F100`)
    const last = hex(`83 74 00000003 ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} ${HASH_BIN} ${extra}`)
    for (const v of [first, middle, last]) t.deepEqual(decodeTokenRecord(v), entry(1700000000), extra)
  }
})

test('unreadable Erlang terms → undefined', t => {
  const bad = [
    `82 74 00000002 ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} ${HASH_BIN}`, // wrong version
    `83 68 02 ${EXP_ATOM} 62 6553F100`, // not a map
    `83 74 00000001 ${EXP_ATOM} 62 6553F100`, // no token_hash
    `83 74 00000001 ${HASH_ATOM} ${HASH_BIN}`, // no exp
    `83 74 00000000`,
    `83 74 00000003 ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} ${HASH_BIN} ${EXP_ATOM} 61 01`, // duplicate key
    `${MAP2} ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} 6D 0000001f ${HASH_HEX.slice(2)}`, // 31-byte hash
    `${MAP2} ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} 6D 00000021 ${HASH_HEX}00`, // 33-byte hash
    `${MAP2} ${EXP_ATOM} 6D 00000001 00 ${HASH_ATOM} ${HASH_BIN}`, // exp a binary
    `${MAP2} ${EXP_ATOM} 73 01 61 ${HASH_ATOM} ${HASH_BIN}`, // exp an atom
    `${MAP2} ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} 61 01`, // hash an integer
    `${MAP2} ${EXP_ATOM} 46 41d954fc40000000 ${HASH_ATOM} ${HASH_BIN}`, // exp a float (unsupported tag)
    `${MAP2} ${EXP_ATOM} 6E 07 00 00000000000020 ${HASH_ATOM} ${HASH_BIN}`, // 2^53: not a safe integer
    `${MAP2} ${EXP_ATOM} 6E 09 00 ffffffffffffffffff ${HASH_ATOM} ${HASH_BIN}`, // way too big
    `${MAP2} ${EXP_ATOM} 6E 01 02 05 ${HASH_ATOM} ${HASH_BIN}`, // bad bignum sign
    `83 74 00000003 6A 61 01 ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} ${HASH_BIN}`, // unskippable key (nil)
    `83 74 00000003 73 01 78 68 00 ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} ${HASH_BIN}`, // unskippable value (tuple)
    `${MAP2} ${EXP_ATOM} 62 6553F100 ${HASH_ATOM} ${HASH_BIN} 00`, // trailing byte
    `83 74 ffffffff ${EXP_ATOM} 62 6553F100`, // arity larger than the content
    `83 74 00000002 ${EXP_ATOM} 6F ffffffff 00 00`, // bignum length past the end
    `83 74 00000002 6D ffffffff`, // binary length past the end
    '83', '00', 'ff', '7a', '8374'
  ]
  for (const b of bad) t.is(decodeTokenRecord(hex(b)), undefined, b)
})

test('every truncation of a valid record → undefined', t => {
  for (const valid of [GOLDEN, encodeTokenRecord(entry(2 ** 40)), encodeTokenRecord(entry(-(2 ** 40)))]) {
    for (let n = 1; n < valid.length; n++) {
      t.is(decodeTokenRecord(valid.subarray(0, n)), undefined, `length ${n}`)
    }
  }
})

test('every single-byte corruption → undefined or a well-formed entry', t => {
  const outcomes = { refused: 0, decoded: 0 }
  for (let i = 0; i < GOLDEN.length; i++) {
    for (const b of [0x00, 0x01, 0x7b, 0x83, 0xff]) {
      const v = Buffer.from(GOLDEN)
      v[i] = b
      const decoded = decodeTokenRecord(v)
      if (decoded === undefined) outcomes.refused++
      else {
        outcomes.decoded++
        t.true(decoded !== 'tombstone' && Number.isSafeInteger(decoded.exp) && decoded.tokenHash.length === 32, `byte ${i} = ${b}: ${String(decoded)}`)
      }
    }
  }
  // Corrupted structure is refused; a corrupted hash or expiry byte still reads as an entry.
  t.true(outcomes.refused > 0 && outcomes.decoded > 0, JSON.stringify(outcomes))
})

test('JSON form decodes', t => {
  const json = (s: string): Buffer => Buffer.from(s, 'utf8')
  t.deepEqual(decodeTokenRecord(json(`{"exp":1700000000,"token_hash":"${HASH_HEX}"}`)), entry(1700000000))
  t.deepEqual(decodeTokenRecord(json(`{"token_hash":"${HASH_HEX.toUpperCase()}","exp":-5,"x":[1]}`)), entry(-5))
  t.deepEqual(decodeTokenRecord(json(`{ "exp" : 4102444800 , "token_hash" : "${HASH_HEX}" }\n`)), entry(4102444800))
})

test('bad JSON forms → undefined', t => {
  const bad = [
    `{"exp":1700000000,"token_hash":"${HASH_HEX.slice(2)}"}`, // 62 hex
    `{"exp":1700000000,"token_hash":"${HASH_HEX}00"}`, // 66 hex
    `{"exp":1700000000,"token_hash":"${HASH_HEX.slice(1)}g"}`, // not hex
    `{"exp":1700000000,"token_hash":"${HASH_HEX.slice(1)} "}`,
    `{"exp":1700000000}`,
    `{"token_hash":"${HASH_HEX}"}`,
    `{"exp":"1700000000","token_hash":"${HASH_HEX}"}`,
    `{"exp":1.5,"token_hash":"${HASH_HEX}"}`,
    `{"exp":1e300,"token_hash":"${HASH_HEX}"}`,
    `{"exp":null,"token_hash":"${HASH_HEX}"}`,
    `{"exp":1700000000,"token_hash":null}`,
    `{"exp":1700000000,"token_hash":"${HASH_HEX}"`, // truncated
    '{', '{}', '{garbage',
    ` {"exp":1,"token_hash":"${HASH_HEX}"}`, // first byte not `{`
    `[{"exp":1,"token_hash":"${HASH_HEX}"}]`
  ]
  for (const b of bad) t.is(decodeTokenRecord(Buffer.from(b, 'utf8')), undefined, b)
})

test('null / undefined / empty → tombstone', t => {
  t.is(decodeTokenRecord(null), 'tombstone')
  t.is(decodeTokenRecord(undefined), 'tombstone')
  t.is(decodeTokenRecord(Buffer.alloc(0)), 'tombstone')
})

test('garbage → undefined, never throws', t => {
  t.is(decodeTokenRecord(Buffer.from('hello')), undefined)
  t.is(decodeTokenRecord(Buffer.from([0x83])), undefined)
  t.is(decodeTokenRecord('not a buffer' as unknown as Buffer), undefined)
  t.is(decodeTokenRecord(42 as unknown as Buffer), undefined)
  for (let seed = 1; seed <= 200; seed++) {
    const v = createHash('sha256').update(String(seed)).digest()
    v[0] = 0x83
    v[1] = 0x74
    const cut = v.subarray(0, seed % 33)
    t.is(decodeTokenRecord(cut), cut.length === 0 ? 'tombstone' : undefined, `seed ${seed}`)
  }
})

test('tokenKey and usernameOfKey', t => {
  t.is(tokenKey('alice'), 'user:alice')
  t.is(usernameOfKey('user:alice'), 'alice')
  t.is(usernameOfKey(Buffer.from('user:alice')), 'alice')
  t.is(usernameOfKey(Buffer.from(tokenKey('zoë:x'), 'utf8')), 'zoë:x')
  t.is(usernameOfKey('user:user:bob'), 'user:bob')
  t.is(usernameOfKey('user:'), undefined)
  t.is(usernameOfKey('User:alice'), undefined)
  t.is(usernameOfKey('alice'), undefined)
  t.is(usernameOfKey(' user:alice'), undefined)
  t.is(usernameOfKey(''), undefined)
  t.is(usernameOfKey(Buffer.alloc(0)), undefined)
  t.is(usernameOfKey(Buffer.from([0x75, 0x73, 0x65, 0x72, 0x3a, 0xff])), undefined) // invalid UTF-8
  t.is(usernameOfKey(null), undefined)
  t.is(usernameOfKey(undefined), undefined)
})

test('tokenHash is SHA-256 of the compact token text', t => {
  const token = 'eyJhbGciOiJFUzUxMiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln'
  const h = tokenHash(token)
  t.is(h.length, 32)
  t.is(h.toString('hex'), createHash('sha256').update(token).digest('hex'))
  t.is(tokenHash('').toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
})
