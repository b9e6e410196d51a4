// The metadata cache under a crowd (SPEC §4.4, §10.6a): many clients looking up names while some of
// those topics are being created. Every answer is checked against what the broker held while the request
// was in flight: a name never created is never found, a topic is found with exactly its partitions once it
// has existed longer than a remembered miss lasts, and an answer received before the creation began does
// not find it.
import test from 'ava'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { MISS_TTL_MS } from '../../src/cluster/metadata-cache.js'
import { createTopic, deleteTopic } from '../../src/kafka/topic-admin.js'
import { gatewayPerFile } from '../helpers/gateway.js'
import { KAFKA } from '../helpers/kafka.js'

const gateway = gatewayPerFile(test)

const CLIENTS = 16
const CREATED = 8
const NEVER_CREATED = 8
/** Lookups of a topic go on this long after its creation: beyond a remembered miss, with room for answers. */
const AFTER_LAST_CREATION_MS = MISS_TTL_MS + 3_000
/** Between a creation's acknowledgement and its metadata on every broker path (one node: well under this). */
const PROPAGATION_MS = 1_000

interface Name { readonly topic: string, readonly partitions: number, created?: { readonly started: number, readonly acknowledged: number } }
interface Answer { readonly name: Name, readonly partition: number | undefined, readonly sent: number, readonly received: number, readonly status: number, readonly body: unknown }

test('topics created while 16 clients look them up: every answer matches what the broker held', async (t) => {
  const prefix = `test-metadata-crowd-${randomBytes(4).toString('hex')}`
  const names: Name[] = Array.from({ length: CREATED + NEVER_CREATED }, (_, i) => ({ topic: `${prefix}-${i}`, partitions: 1 + (i % 4) }))
  const toCreate = names.slice(0, CREATED)
  t.teardown(async () => { await Promise.all(toCreate.map(async (name) => await deleteTopic(KAFKA, name.topic).catch(() => {}))) })

  let creating = true
  const creations = (async () => {
    for (const name of toCreate) {
      await sleep(200 + Math.floor(Math.random() * 400))
      const started = Date.now()
      await createTopic(KAFKA, name.topic, name.partitions)
      name.created = { started, acknowledged: Date.now() }
    }
    await sleep(AFTER_LAST_CREATION_MS)
    creating = false
  })()

  const answers: Answer[] = []
  const client = async (): Promise<void> => {
    while (creating) {
      const name = names[Math.floor(Math.random() * names.length)]
      // Half the lookups ask for the topic, half for a partition (up to one past the last).
      const partition = Math.random() < 0.5 ? undefined : Math.floor(Math.random() * (name.partitions + 1))
      const path = partition === undefined ? `/api/v1/topics/${name.topic}` : `/api/v1/offsets/${name.topic}/${partition}`
      const sent = Date.now()
      const res = await fetch(gateway().url + path)
      const received = Date.now()
      answers.push({ name, partition, sent, received, status: res.status, body: await res.json() })
    }
  }
  await Promise.all([creations, ...Array.from({ length: CLIENTS }, client)])

  const wrong: string[] = []
  let settled = 0
  for (const answer of answers) {
    const { name, partition, sent, received, status, body } = answer
    const existed = name.created !== undefined && sent >= name.created.acknowledged + MISS_TTL_MS + PROPAGATION_MS
    const notYet = name.created === undefined || received < name.created.started
    const inRange = partition === undefined || partition < name.partitions
    interface Seen { readonly status: number, readonly body: unknown }
    const found: Seen = partition === undefined ? { status: 200, body: partitionsOf(name) } : { status: 200, body: { offset: 0 } }
    const missing: Seen = { status: 404, body: { error: partition === undefined ? 'Unknown topic' : 'unknown_topic_or_partition' } }
    const seen: Seen = { status, body: partition === undefined && status === 200 ? partitionsOf(body) : body }
    // Between creation and the end of a remembered miss, either answer is right (for partitions in range),
    // or the broker's own "no leader yet" while it elects the new partition's leader.
    const electing: Seen[] = ['not_leader_for_partition', 'leader_not_available'].map((error) => ({ status: 503, body: { error } }))
    const want = notYet || !inRange ? [missing] : existed ? [found] : [missing, found, ...electing]
    if (existed) settled++
    if (!want.some((w) => JSON.stringify(w) === JSON.stringify(seen))) {
      wrong.push(`${name.topic}${partition === undefined ? '' : `/${partition}`} sent ${name.created === undefined ? 'never created' : `${sent - name.created.acknowledged} ms after creation`}: ${JSON.stringify(seen)}`)
    }
  }
  t.log(`${answers.length} answers, ${settled} of them for topics that existed beyond a remembered miss`)
  t.true(settled > 100, 'enough lookups came after the creations to check them')
  t.true(answers.some((a) => a.name.created === undefined && a.status === 404), 'never-created names were asked')
  t.deepEqual(wrong.slice(0, 10), [], `${wrong.length} wrong answers`)
})

/** A topic view reduced to what the test knows: its name and partition count (or the name and count expected). */
function partitionsOf (value: unknown): { topic: string, partitions: number } {
  if (typeof value === 'object' && value !== null && 'topic' in value && 'partitions' in value) {
    const { topic, partitions } = value as { topic: string, partitions: unknown }
    return { topic, partitions: Array.isArray(partitions) ? partitions.length : Number(partitions) }
  }
  return { topic: '?', partitions: -1 }
}
