// The binary batch framing (SPEC §10.4, content-type application/vnd.kastlex.batch): records one after
// another, each `key length` (int32 BE, −1 = null) · key bytes · `value length` (int32 BE, −1 = null) ·
// value bytes. Keys and values are views of the body, never copies.
import { invalid } from '../http/errors.js'
import { emptyBatch, tooManyRecords } from './records.js'

export interface FramedRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
}

/** The records of a framed body; 400 `invalid body: <detail>` for broken framing, 413 past `maxRecords`. */
export function decodeFramedRecords (body: Buffer, maxRecords: number): FramedRecord[] {
  if (body.length === 0) throw emptyBatch()
  const records: FramedRecord[] = []
  let at = 0
  while (at < body.length) {
    if (records.length === maxRecords) throw tooManyRecords()
    const index = records.length
    if (index > 0 && body.length - at < 4) throw invalid('body', `${body.length - at} bytes left over after record ${index - 1}`)
    const key = readField(body, at, index, 'key')
    at = key.end
    const value = readField(body, at, index, 'value')
    at = value.end
    records.push({ key: key.bytes, value: value.bytes })
  }
  return records
}

function readField (body: Buffer, at: number, index: number, name: 'key' | 'value'): { bytes: Buffer | null, end: number } {
  if (at + 4 > body.length) throw invalid('body', `record ${index} cut short in its ${name} length`)
  const length = body.readInt32BE(at)
  if (length === -1) return { bytes: null, end: at + 4 }
  if (length < -1) throw invalid('body', `record ${index} has ${name} length ${length}`)
  const end = at + 4 + length
  if (end > body.length) throw invalid('body', `record ${index} cut short in its ${name} (${length} bytes announced, ${body.length - at - 4} left)`)
  return { bytes: body.subarray(at + 4, end), end }
}

/** The framing of `records` (for clients and tests). */
export function encodeFramedRecords (records: readonly FramedRecord[]): Buffer {
  let size = 0
  for (const { key, value } of records) size += 8 + (key?.length ?? 0) + (value?.length ?? 0)
  const body = Buffer.allocUnsafe(size)
  let at = 0
  for (const { key, value } of records) {
    for (const field of [key, value]) {
      at = body.writeInt32BE(field === null ? -1 : field.length, at)
      if (field !== null) at += field.copy(body, at)
    }
  }
  return body
}
