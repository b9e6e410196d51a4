// The binary batch framing (SPEC §10.4, content-type application/vnd.kastlex.batch): records one after
// another, each `key length` (int32 BE, −1 = null) · key bytes · `value length` (int32 BE, −1 = null) ·
// value bytes. Keys and values are views of the body, never copies.
import { invalid, tooManyRecords } from '../http/errors.js'
import { emptyBatch } from './records.js'

export interface FramedRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
}

/** The records of a framed body; 400 `invalid body: <detail>` for broken framing, 413 past `maxRecords`. */
export function decodeFramedRecords (body: Buffer, maxRecords: number): FramedRecord[] {
  const records: FramedRecord[] = []
  walkFramedRecords(body, maxRecords, (key, value) => { records.push({ key, value }) })
  return records
}

/**
 * How many records a framed body holds, with the checks of decodeFramedRecords and no allocation (the
 * produce stream counts a frame's records where it arrives, before handing the bytes on).
 */
export function countFramedRecords (body: Buffer, maxRecords: number): number {
  return walkFramedRecords(body, maxRecords)
}

/** Checks the framing record by record, handing each to `visit` if given; returns the count. */
function walkFramedRecords (body: Buffer, maxRecords: number, visit?: (key: Buffer | null, value: Buffer | null) => void): number {
  if (body.length === 0) throw emptyBatch()
  let count = 0
  let at = 0
  while (at < body.length) {
    if (count === maxRecords) throw tooManyRecords()
    if (count > 0 && body.length - at < 4) throw invalid('body', `${body.length - at} bytes left over after record ${count - 1}`)
    const keyAt = at
    at = fieldEnd(body, at, count, 'key')
    const valueAt = at
    at = fieldEnd(body, at, count, 'value')
    visit?.(fieldBytes(body, keyAt, valueAt), fieldBytes(body, valueAt, at))
    count++
  }
  return count
}

/** Where the field (length, bytes) starting at `at` ends; 400 when it does not fit. */
function fieldEnd (body: Buffer, at: number, index: number, name: 'key' | 'value'): number {
  if (at + 4 > body.length) throw invalid('body', `record ${index} cut short in its ${name} length`)
  const length = body.readInt32BE(at)
  if (length === -1) return at + 4
  if (length < -1) throw invalid('body', `record ${index} has ${name} length ${length}`)
  const end = at + 4 + length
  if (end > body.length) throw invalid('body', `record ${index} cut short in its ${name} (${length} bytes announced, ${body.length - at - 4} left)`)
  return end
}

/** The bytes of a checked field from `at` to `end` (a view): null for length −1. */
function fieldBytes (body: Buffer, at: number, end: number): Buffer | null {
  return body.readInt32BE(at) === -1 ? null : body.subarray(at + 4, end)
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
