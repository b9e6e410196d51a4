// Valid traffic between the junk, with its answers checked: a gateway that "survives" by refusing
// everything fails the run.
import type { HttpAnswer, Outcome } from './connection.js'
import type { FuzzRequest, Topology } from './generate.js'
import { describe, describeOutcome, type Tally } from './judge.js'
import type { Prng } from './prng.js'

export type Sender = (request: FuzzRequest) => Promise<Outcome>

const get = (target: string): FuzzRequest => ({ category: 'valid', method: 'GET', target, headers: [], waitMs: 0, expect: 'none', auth: false })

/** One valid exchange; a wrong answer or an unexpected status is a failure, a 503 is counted (bounded at the end). */
export async function validCheck (rng: Prng, topology: Topology, send: Sender, tally: Tally): Promise<void> {
  const topic = rng.pick(topology.topics)
  const partition = rng.int(0, topic.partitions - 1)
  tally.validChecks++
  const expectStatus = async (request: FuzzRequest, status: number): Promise<HttpAnswer | undefined> => {
    const outcome = await send(request)
    if (outcome.kind !== 'response') return undefined // judged by the sender
    if (outcome.status === status) return outcome
    if (outcome.status === 503) tally.count(tally.statuses, 'valid 503')
    else tally.fail('valid request not served', `${describe(request)} → ${describeOutcome(outcome)} (expected ${status})`)
    return undefined
  }
  const kind = rng.weighted([[50, 'roundtrip'], [10, 'health'], [15, 'topic'], [15, 'offsets'], [10, 'topics']] as const)
  if (kind === 'health') { await expectStatus(get('/health'), 200); return }
  if (kind === 'topics') { await expectStatus(get('/api/v1/topics'), 200); return }
  if (kind === 'topic') {
    const answer = await expectStatus(get(`/api/v1/topics/${topic.name}`), 200)
    if (answer !== undefined && !answer.body.toString().includes(`"${topic.name}"`)) tally.fail('valid answer wrong', `topic ${topic.name} → ${answer.body.toString().slice(0, 200)}`)
    return
  }
  if (kind === 'offsets') {
    const answer = await expectStatus(get(`/api/v1/offsets/${topic.name}/${partition}`), 200)
    if (answer !== undefined && !/^\{"offset":\d+\}$/.test(answer.body.toString())) tally.fail('valid answer wrong', `offsets → ${answer.body.toString().slice(0, 200)}`)
    return
  }
  const value = `valid-${rng.int(0, 1e9)}-${'v'.repeat(rng.int(0, 2000))}`
  const key = `k${rng.int(0, 1e6)}`
  const header = String(rng.int(0, 1e6))
  const produced = await expectStatus({
    category: 'valid', method: 'POST', target: `/api/v2/messages/${topic.name}/${partition}?key=${key}`,
    headers: [['x-message-headers', `{"h":"${header}"}`], ['content-type', 'application/binary']], body: Buffer.from(value), waitMs: 0, expect: 'none', auth: false
  }, 204)
  if (produced === undefined) return
  const offset = produced.headers.get('x-message-offset')
  // The record is there (acknowledged): a fetch answers as soon as it has it, max_wait_time is only an upper bound.
  const fetched = await expectStatus({ ...get(`/api/v2/messages/${topic.name}/${partition}/${offset ?? 'x'}?max_wait_time=1000`), waitMs: 1000 }, 200)
  if (fetched === undefined) return
  let first: { value?: unknown, key?: unknown, offset?: unknown, headers?: Record<string, unknown> } | undefined
  try {
    first = (JSON.parse(fetched.body.toString()) as typeof first[])[0]
  } catch { }
  if (first?.value !== value || first.key !== key || String(first.offset) !== offset || first.headers?.h !== header) {
    tally.fail('valid answer wrong', `produced ${value.slice(0, 40)}… key ${key} at ${topic.name}/${partition}@${offset ?? '?'}, fetched first ` +
      `{offset ${String(first?.offset)}, key ${String(first?.key)}, value ${String(first?.value).slice(0, 40)}…} of ${fetched.body.length} B`)
  }
}

