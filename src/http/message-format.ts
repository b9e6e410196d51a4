// Fetch replies (SPEC §4.8): records as JSON message objects, or the first record as raw bytes. Built where
// the fetch ran (a Kafka worker) as plain data; the route answers it with status 200.
import { isUtf8 } from 'node:buffer'
import type { EncodedRecords, FetchedRecord, FetchFormat, StreamTransport } from '../pool/messages.js'

type Text = { text: string | null, base64: boolean }

/** `null` for null/empty, text when strict UTF-8, else standard base64 (flagged). */
function textOrBase64 (bytes: Buffer | string | null | undefined): Text {
  if (bytes === null || bytes === undefined || bytes.length === 0) return { text: null, base64: false }
  if (typeof bytes === 'string') return { text: bytes, base64: false }
  return isUtf8(bytes) ? { text: bytes.toString('utf8'), base64: false } : { text: bytes.toString('base64'), base64: true }
}

interface DecodedHeaders { values: Record<string, string | null>, encodings: Record<string, 'base64'> | undefined }

function decodeHeaders (headers: FetchedRecord['headers']): DecodedHeaders {
  const values: Record<string, string | null> = {}
  const base64 = new Set<string>()
  for (const header of headers ?? []) {
    for (const [name, raw] of Object.entries(header)) {
      // Later duplicates win. An empty header value is "" (only a record's key and value map empty → null).
      const decoded = raw === null || raw === undefined ? { text: null, base64: false } : textOrBase64(raw)
      values[name] = raw === null || raw === undefined ? null : decoded.text ?? ''
      if (decoded.base64) base64.add(name)
      else base64.delete(name)
    }
  }
  if (base64.size === 0) return { values, encodings: undefined }
  return { values, encodings: Object.fromEntries([...base64].map((name) => [name, 'base64' as const])) }
}

function timestampOf (record: FetchedRecord): number | null {
  return record.timestamp === undefined || record.timestamp < 0 ? null : record.timestamp
}

/**
 * The §4.8 message object. node-rdkafka does not expose the timestamp type, so a record with a
 * timestamp is reported as `create` (the broker default, `message.timestamp.type=CreateTime`).
 */
export function messageObject (record: FetchedRecord): Record<string, unknown> {
  const key = textOrBase64(record.key)
  const value = textOrBase64(record.value)
  const headers = decodeHeaders(record.headers)
  const ts = timestampOf(record)
  const object: Record<string, unknown> = {
    value: value.text, ts_type: ts === null ? null : 'create', ts, offset: record.offset, key: key.text, headers: headers.values
  }
  if (key.base64) object.key_encoding = 'base64'
  if (value.base64) object.value_encoding = 'base64'
  if (headers.encodings !== undefined) object.headers_encoding = headers.encodings
  return object
}

/** The JSON (v1 or v2), binary or stream reply for the records of one fetch. */
export function fetchReply (records: readonly FetchedRecord[], highWatermark: number, format: FetchFormat): EncodedRecords {
  const highWm: [string, string] = ['x-high-wm-offset', String(highWatermark)]
  if (format.kind === 'binary') return binaryReply(records[0], highWm, format.contentType)
  if (format.kind === 'stream') return { headers: [highWm], body: streamBody(records, format.transport) }
  const messages = records.map(messageObject)
  const body = format.version === 1
    ? { size: null, messages, highWmOffset: highWatermark, error_code: 'no_error' }
    : messages
  return { contentType: 'application/json; charset=utf-8', headers: [highWm], body: JSON.stringify(body) }
}

/**
 * Records as a consume stream sends them (SPEC §10.5): Server-Sent Events (`id`, `event: message`, `data`),
 * or for a WebSocket the message objects one per line, a text frame each (JSON text holds no raw newline).
 */
export function streamBody (records: readonly FetchedRecord[], transport: StreamTransport): string {
  let body = ''
  for (const record of records) {
    const json = JSON.stringify(messageObject(record))
    body += transport === 'sse' ? `id: ${record.offset}\nevent: message\ndata: ${json}\n\n` : (body === '' ? json : `\n${json}`)
  }
  return body
}

function binaryReply (record: FetchedRecord | undefined, highWm: [string, string], contentType: string): EncodedRecords {
  const type = `${contentType}; charset=utf-8`
  if (record === undefined) return { contentType: type, headers: [highWm], body: Buffer.alloc(0) }
  const headers = decodeHeaders(record.headers)
  const ts = timestampOf(record)
  const replyHeaders: Array<[string, string]> = [
    highWm,
    ['x-message-offset', String(record.offset)],
    ['x-message-headers', asciiJson(headers.values)],
    ['x-message-ts', ts === null ? 'nil' : String(ts)],
    ['x-message-ts-type', ts === null ? 'nil' : ':create']
  ]
  if (headers.encodings !== undefined) replyHeaders.push(['x-message-headers-encoding', asciiJson(headers.encodings)])
  const key = record.key
  if (key !== null && key !== undefined && key.length > 0) replyHeaders.push(['x-message-key', percentEncode(key)])
  return { contentType: type, headers: replyHeaders, body: record.value ?? Buffer.alloc(0) }
}

/** JSON text of a string map with every non-ASCII or control character as `\uXXXX` (a valid header value). */
export function asciiJson (map: Readonly<Record<string, string | null>>): string {
  const parts: string[] = []
  for (const [name, value] of Object.entries(map)) parts.push(`${asciiString(name)}:${value === null ? 'null' : asciiString(value)}`)
  return `{${parts.join(',')}}`
}

function asciiString (text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code >= 0x7f) out += '\\u' + code.toString(16).padStart(4, '0')
    else if (code === 0x22) out += '\\"'
    else if (code === 0x5c) out += '\\\\'
    else out += text[i]
  }
  return out + '"'
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/** Bytes outside `A–Z a–z 0–9 - . _ ~` as `%XX` (uppercase). */
export function percentEncode (bytes: Buffer | string): string {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes
  let out = ''
  for (const byte of buffer) {
    const char = String.fromCharCode(byte)
    out += UNRESERVED.test(char) ? char : '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}
