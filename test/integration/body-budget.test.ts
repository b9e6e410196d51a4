// SPEC §10.6a: request bodies in flight across all connections stay under KASTLEX_MAX_BODY_BYTES_IN_FLIGHT;
// beyond → 503 overloaded (retry-after: 1), and no reservation outlives its request.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'

const BODY_BYTES = 8_000_000
/** Room for two bodies at a time. */
const IN_FLIGHT_BYTES = 2 * BODY_BYTES
const gateway = gatewayPerFile(test, { KASTLEX_MAX_BODY_BYTES: String(BODY_BYTES), KASTLEX_MAX_BODY_BYTES_IN_FLIGHT: String(IN_FLIGHT_BYTES) })

/** An upload on its own connection: headers and the first part now, the rest on demand. */
interface Upload {
  readonly socket: Socket
  /** The status line's code and the raw answer, once the answer's head arrived (0 if the connection ended without one). */
  readonly answer: Promise<{ status: number, text: string }>
  sendRest: () => void
}

function upload (path: string, bytes: number, firstPart: number): Upload {
  const { hostname, port } = new URL(gateway().url)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => { /* the gateway closes after answering an unread body: writes may fail */ })
  socket.write(`POST ${path} HTTP/1.1\r\nhost: test\r\ncontent-length: ${bytes}\r\n\r\n`)
  socket.write(Buffer.alloc(firstPart, 'a'))
  let text = ''
  const answer = new Promise<{ status: number, text: string }>((resolve) => {
    const done = (): void => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text })
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); if (text.includes('\r\n\r\n')) done() })
    socket.on('close', done)
  })
  return { socket, answer, sendRest: () => { if (!socket.destroyed) socket.write(Buffer.alloc(bytes - firstPart, 'b')) } }
}

const bodyBytesInFlight = async (): Promise<number> => {
  const text = await (await fetch(`${gateway().url}/metrics`)).text()
  return Number(/^kastlex_http_request_body_bytes_in_flight (\S+)$/m.exec(text)?.[1])
}
const rssKb = (field: 'VmRSS' | 'VmHWM'): number =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${gateway().process.pid ?? 0}/status`, 'utf8'))?.[1])

test.serial('concurrent large uploads: those beyond the budget → 503 overloaded, the rest 204; memory stays bounded', async (t) => {
  const topic = await createTopic(t, 1, { 'max.message.bytes': String(BODY_BYTES + 1024) })
  const connections = 30
  const before = rssKb('VmRSS')
  const uploads = Array.from({ length: connections }, () => upload(`/api/v1/messages/${topic}/0`, BODY_BYTES, 64 * 1024))
  const refused = await eventually(async () => await Promise.all(uploads.map(async (u) => await Promise.race([u.answer, 'pending' as const]))),
    (states) => states.filter((s) => s !== 'pending').length >= connections - 2, 10_000)
  for (const u of uploads) u.sendRest()
  const answers = await Promise.all(uploads.map(async (u) => await u.answer))
  const statuses = answers.map((a) => a.status)
  t.is(statuses.filter((s) => s === 204).length, 2, statuses.join(' '))
  t.is(statuses.filter((s) => s === 503).length, connections - 2)
  t.is(refused.filter((s) => s === 'pending').length, 2, 'the refusals came before the bodies did')
  const overloaded = answers.find((a) => a.status === 503)?.text ?? ''
  t.regex(overloaded, /\r\nretry-after: 1\r\n/i)
  // Answered while the body was still coming: the connection closes once the rest came, and the body ends with CRLF (exchange.ts).
  t.true(overloaded.endsWith('{"error":"overloaded"}\r\n'), overloaded)
  t.regex(overloaded, /\r\nconnection: close\r\n/)
  const growthMb = (rssKb('VmHWM') - before) / 1024
  t.log(`RSS ${Math.round(before / 1024)} MB → peak ${Math.round(rssKb('VmHWM') / 1024)} MB; ${connections} × ${BODY_BYTES / 1e6} MB offered`)
  t.true(growthMb < 120, `peak RSS grew by ${Math.round(growthMb)} MB`)
  for (const u of uploads) u.socket.destroy()
  t.is(await eventually(bodyBytesInFlight, (n) => n === 0), 0)
  const after = await fetch(`${gateway().url}/api/v1/messages/${topic}/0`, { method: 'POST', body: 'ordinary' })
  t.is(after.status, 204)
})

test.serial('uploads abandoned half-way leave nothing reserved, and full-size uploads pass again', async (t) => {
  const topic = await createTopic(t)
  const uploads = Array.from({ length: 40 }, () => upload(`/api/v1/messages/${topic}/0`, 1_000_000, 100_000))
  t.true(await eventually(bodyBytesInFlight, (n) => n > 0, 10_000) > 0)
  for (const u of uploads) u.socket.destroy()
  t.is(await eventually(bodyBytesInFlight, (n) => n === 0), 0)
  const full = await Promise.all(Array.from({ length: 2 }, async () =>
    (await fetch(`${gateway().url}/api/v1/messages/${topic}/0`, { method: 'POST', body: Buffer.alloc(1_000_000) })).status))
  t.deepEqual(full, [204, 204])
  t.is(await eventually(bodyBytesInFlight, (n) => n === 0), 0)
})
