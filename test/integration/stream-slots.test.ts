// Property: KASTLEX_STREAM_MAX_CLIENTS slots are neither over-granted nor leaked, whatever a crowd of stream
// clients does at once (SPEC §10.4a, §10.5): produce and consume streams over WebSocket and SSE, start offsets
// outside the log (416), unknown partitions (404), handshakes abandoned before their answer, SSE responses
// dropped at once. After each round every slot is free again: a burst of MAX + 2 opens gets exactly MAX streams.
import test from 'ava'
import { connect } from 'node:net'
import { get } from 'node:http'
import { EventStreamClient } from '../helpers/event-stream.js'
import { startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'
import { StreamClient, type Refusal } from '../helpers/produce-stream.js'

const MAX = 6
const ROUNDS = 5
const CROWD = 30

interface Closable { close: () => void }

type Outcome = { kind: 'open', stream: Closable } | { kind: 'refused', status: number } | { kind: 'abandoned' }

const refusedWith = async (opening: Promise<Closable>): Promise<Outcome> => {
  try {
    return { kind: 'open', stream: await opening }
  } catch (err) {
    const refusal = (err as { refusal?: Refusal }).refusal
    if (refusal === undefined) throw err
    return { kind: 'refused', status: refusal.status }
  }
}

/** Sends a WebSocket handshake on a raw socket and leaves before (or right as) it is answered. */
const abandonedHandshake = (gateway: Gateway, path: string, afterMs: number): Promise<Outcome> => new Promise((resolve) => {
  const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1', () => {
    socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: upgrade\r\n` +
      'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n')
    setTimeout(() => { socket.destroy(); resolve({ kind: 'abandoned' }) }, afterMs)
  })
  socket.on('error', () => {})
})

/** An SSE request whose client goes away as soon as the head arrives (or before). */
const droppedEventStream = (gateway: Gateway, path: string): Promise<Outcome> => new Promise((resolve) => {
  const request = get(`${gateway.url}${path}`, { headers: { accept: 'text/event-stream' }, agent: false }, (res) => {
    res.destroy()
    resolve({ kind: 'abandoned' })
  })
  request.on('error', () => resolve({ kind: 'abandoned' }))
})

async function streamsActive (gateway: Gateway): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text()
  return [...text.matchAll(/^kastlex_streams_active\{transport="\w+"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
}

test('a crowd of stream clients: never more than KASTLEX_STREAM_MAX_CLIENTS open, every slot given back', async (t) => {
  const topic = await createTopic(t, 2)
  const gateway = await startGateway({ KASTLEX_STREAM_MAX_CLIENTS: String(MAX), KASTLEX_WORKERS: '1' })
  t.teardown(async () => { await gateway.stop() })
  const consume = (query = ''): string => `/api/v2/stream/${topic}/0${query}`
  const kinds: Array<() => Promise<Outcome>> = [
    async () => await refusedWith(StreamClient.open(`${gateway.url}/api/v2/produce/${topic}`)),
    async () => await refusedWith(StreamClient.open(gateway.url + consume())),
    async () => await refusedWith(EventStreamClient.open(gateway.url + consume('?offset=earliest'))),
    async () => await refusedWith(EventStreamClient.open(gateway.url + consume('?offset=999999'))),
    async () => await refusedWith(StreamClient.open(`${gateway.url}/api/v2/stream/${topic}/7`)),
    async () => await abandonedHandshake(gateway, consume(), 0),
    async () => await abandonedHandshake(gateway, `/api/v2/produce/${topic}`, 2),
    async () => await droppedEventStream(gateway, consume())
  ]
  const burst = async (): Promise<Outcome[]> => await Promise.all(Array.from({ length: MAX + 2 }, async () => await refusedWith(EventStreamClient.open(gateway.url + consume()))))
  const seen = new Map<string, number>()
  for (let round = 0; round < ROUNDS; round++) {
    const outcomes = await Promise.all(Array.from({ length: CROWD }, async (_, i) => await (kinds[(i * 7 + round) % kinds.length] as () => Promise<Outcome>)()))
    const open = outcomes.flatMap((o) => o.kind === 'open' ? [o.stream] : [])
    const statuses = outcomes.flatMap((o) => o.kind === 'refused' ? [o.status] : [])
    for (const o of outcomes) {
      const key = o.kind === 'refused' ? String(o.status) : o.kind
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
    t.true(open.length <= MAX, `round ${round}: ${open.length} streams open at once`)
    t.deepEqual([...new Set(statuses)].filter((s) => ![503, 404, 416].includes(s)), [], `round ${round}: refusals`)
    t.is(await streamsActive(gateway), open.length, `round ${round}: kastlex_streams_active`)
    for (const stream of open) stream.close()
    // The closes and the abandoned connections reach the gateway asynchronously.
    t.is(await eventually(async () => await streamsActive(gateway), (active) => active === 0, 10_000), 0, `round ${round}: open after the crowd left`)
    const clean = await burst()
    const cleanOpen = clean.flatMap((o) => o.kind === 'open' ? [o.stream] : [])
    t.is(cleanOpen.length, MAX, `round ${round}: a burst of ${MAX + 2} after the crowd got ${cleanOpen.length} streams (a slot leaked or over-granted)`)
    t.deepEqual(clean.flatMap((o) => o.kind === 'refused' ? [o.status] : []), [503, 503], `round ${round}: the burst's refusals`)
    for (const stream of cleanOpen) stream.close()
    t.is(await eventually(async () => await streamsActive(gateway), (active) => active === 0, 10_000), 0, `round ${round}: open after the burst`)
  }
  t.log(`outcomes of ${ROUNDS} × ${CROWD} clients: ${[...seen].map(([k, n]) => `${k} ${n}`).join(', ')}`)
})
