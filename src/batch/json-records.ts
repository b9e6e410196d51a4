// JSON batch bodies (SPEC §10.4): an array of record objects (application/json) or one object per
// non-blank line (application/x-ndjson). Every record is checked; any fault refuses the whole batch.
import { invalid, invalidRecord, tooManyRecords } from '../http/errors.js'
import { INT32_MAX } from '../integers.js'
import { emptyBatch, recordHeaders, type BatchRecord } from './records.js'

const MEMBERS = new Set(['key', 'key_encoding', 'value', 'value_encoding', 'partition', 'headers'])

/** `application/json`: an array of record objects. */
export function decodeJsonRecords (body: Buffer, maxRecords: number): BatchRecord[] {
  const text = body.toString('utf8')
  if (text.trim() === '') throw emptyBatch()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw invalid('body', (err as Error).message)
  }
  if (!Array.isArray(parsed)) throw invalid('body', 'not a JSON array')
  if (parsed.length === 0) throw emptyBatch()
  if (parsed.length > maxRecords) throw tooManyRecords()
  return parsed.map((member, index) => recordFromJson(member, index))
}

/** `application/x-ndjson`: one record object per line; lines of only whitespace are skipped. */
export function decodeNdjsonRecords (body: Buffer, maxRecords: number): BatchRecord[] {
  const lines = body.toString('utf8').split('\n').filter((line) => line.trim() !== '')
  if (lines.length === 0) throw emptyBatch()
  if (lines.length > maxRecords) throw tooManyRecords()
  return lines.map((line, index) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (err) {
      throw invalidRecord(index, (err as Error).message)
    }
    return recordFromJson(parsed, index)
  })
}

/** One record object (SPEC §10.4 members, all optional); 400 `invalid record <index>: …` otherwise. */
export function recordFromJson (member: unknown, index: number): BatchRecord {
  if (member === null || typeof member !== 'object' || Array.isArray(member)) throw invalidRecord(index, 'not a JSON object')
  const record = member as Record<string, unknown>
  for (const name of Object.keys(record)) {
    if (!MEMBERS.has(name)) throw invalidRecord(index, `unknown member ${JSON.stringify(name)}`)
  }
  const key = bytesMember(record, 'key', index)
  const value = bytesMember(record, 'value', index)
  const partition = record.partition
  if (partition !== undefined && (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0)) {
    throw invalidRecord(index, 'partition is not an integer ≥ 0')
  }
  const headers = record.headers
  if (headers !== undefined && (headers === null || typeof headers !== 'object' || Array.isArray(headers))) {
    throw invalidRecord(index, 'headers is not a JSON object')
  }
  return {
    key,
    value,
    // Beyond any partition count (404 later), without passing int32 on its way.
    partition: partition === undefined ? -1 : Math.min(partition, INT32_MAX),
    headers: headers === undefined ? [] : recordHeaders(headers as Record<string, unknown>)
  }
}

/** `key`/`value` with its `*_encoding`: null, absent and empty are null. */
function bytesMember (record: Record<string, unknown>, name: 'key' | 'value', index: number): Buffer | null {
  const text = record[name]
  const encoding = record[`${name}_encoding`]
  if (encoding !== undefined && encoding !== 'text' && encoding !== 'base64') {
    throw invalidRecord(index, `${name}_encoding is not "text" or "base64"`)
  }
  if (text === undefined || text === null) return null
  if (typeof text !== 'string') throw invalidRecord(index, `${name} is not a string or null`)
  if (text === '') return null
  if (encoding !== 'base64') return Buffer.from(text, 'utf8')
  const bytes = Buffer.from(text, 'base64')
  if (!isBase64Of(text, bytes)) throw invalidRecord(index, `${name} is not base64`)
  return bytes
}

/**
 * Whether `text` is the standard base64 of `bytes`, padded or not. Buffer.from skips characters
 * outside the alphabet silently; encoding back and comparing catches them. Measured: 1.6 µs per 1 KB
 * value, where a validating regular expression took 14 µs (and with it a JSON batch of 100 records 4 ms).
 */
function isBase64Of (text: string, bytes: Buffer): boolean {
  const canonical = bytes.toString('base64')
  if (canonical === text) return true
  const unpadded = canonical.length - (canonical.endsWith('==') ? 2 : canonical.endsWith('=') ? 1 : 0)
  return text.length === unpadded && canonical.startsWith(text)
}
