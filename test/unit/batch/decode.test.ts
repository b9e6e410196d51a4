// SPEC §10.4: a batch body's format by media type, and where its records may go (path partition, partition count).
import test from 'ava'
import { encodeFramedRecords } from '../../../src/batch/binary-framing.js'
import { decodeBatch, type BatchBody } from '../../../src/batch/decode.js'
import { batchFormat } from '../../../src/batch/records.js'
import { HttpError } from '../../../src/http/errors.js'

test('batchFormat: by media type, case-insensitive, parameters ignored; anything else undefined (415)', (t) => {
  t.is(batchFormat('application/json'), 'json')
  t.is(batchFormat('Application/JSON; charset=utf-8'), 'json')
  t.is(batchFormat('application/x-ndjson'), 'ndjson')
  t.is(batchFormat(' application/vnd.kastlex.batch ;v=1'), 'binary')
  for (const other of [undefined, '', 'text/plain', 'application/octet-stream', 'application/binary', 'application/jsonx', 'application/*']) {
    t.is(batchFormat(other), undefined, String(other))
  }
})

const batch = (over: Partial<BatchBody>): BatchBody => ({
  format: 'ndjson', body: Buffer.from('{"value":"a"}'), maxRecords: 10, headers: [], partition: -1, partitionCount: 3, ...over
})

test('binary records take x-message-headers, empty keys and values become null', (t) => {
  const body = encodeFramedRecords([{ key: Buffer.alloc(0), value: Buffer.from('v') }, { key: Buffer.from('k'), value: Buffer.alloc(0) }])
  t.deepEqual(decodeBatch(batch({ format: 'binary', body, headers: [['h', '1']] })), [
    { key: null, value: Buffer.from('v'), partition: -1, headers: [['h', '1']] },
    { key: Buffer.from('k'), value: null, partition: -1, headers: [['h', '1']] }
  ])
})

test('with a path partition, a record partition must be absent or the same (else 400)', (t) => {
  const body = Buffer.from('{"value":"a"}\n{"partition":2}\n{"partition":1}')
  t.like(t.throws(() => decodeBatch(batch({ body, partition: 2 })), { instanceOf: HttpError }),
    { status: 400, error: "invalid record 2: partition is not the path's 2" })
  t.is(decodeBatch(batch({ body: Buffer.from('{}\n{"partition":2}'), partition: 2 })).length, 2)
})

test('unknown topic, or a partition outside 0…count−1 → 404, but only once the body is found valid', (t) => {
  const notFound = { status: 404, error: 'unknown_topic_or_partition' }
  t.like(t.throws(() => decodeBatch(batch({ partitionCount: null })), { instanceOf: HttpError }), notFound)
  t.like(t.throws(() => decodeBatch(batch({ partition: 3 })), { instanceOf: HttpError }), notFound)
  t.like(t.throws(() => decodeBatch(batch({ body: Buffer.from('{}\n{"partition":3}') })), { instanceOf: HttpError }), notFound)
  t.like(t.throws(() => decodeBatch(batch({ partitionCount: null, body: Buffer.from('{"x":1}') })), { instanceOf: HttpError }), { status: 400 })
  t.is(decodeBatch(batch({ body: Buffer.from('{"partition":2}'), partition: -1 })).length, 1)
})
