// Prepares the scale benchmark's broker: `topics` topics of `partitions` partitions, and `groups` groups
// that each own an equal share of the topics and commit offsets for all of their partitions `commits`
// times (commit n sets every offset to n), so `__consumer_offsets` holds topics × partitions × commits
// offset records while the live state is topics × partitions entries. Each group is a librdkafka consumer
// that joins no group and commits without consuming (a "simple" consumer's OffsetCommit, one record
// batch per commit); its commits are sent asynchronously, many in flight, which is the fastest way found
// here (an admin client's AlterConsumerGroupOffsets, one call at a time per group: 6–7k records/s).
import { Admin } from '@platformatic/kafka'
import Kafka from '@platformatic/rdkafka'

export interface ScaleSize {
  readonly name: string
  readonly topics: number
  readonly partitions: number
  readonly groups: number
  /** Commits per group, each of every partition the group owns. */
  readonly commits: number
}

/** Offset-commit records written to `__consumer_offsets` by fill(). */
export const commitRecords = (size: ScaleSize): number => size.topics * size.partitions * size.commits

export const topicName = (index: number): string => `scale-${String(index).padStart(5, '0')}`
export const GROUP_PREFIX = 'scale-group-'
export const groupName = (index: number): string => `${GROUP_PREFIX}${String(index).padStart(4, '0')}`

/** The partitions of group `g`: topics are dealt to the groups in turn. */
export function groupPartitions (size: ScaleSize, g: number): Array<{ topic: string, partition: number }> {
  const partitions: Array<{ topic: string, partition: number }> = []
  for (let t = g; t < size.topics; t += size.groups) {
    for (let partition = 0; partition < size.partitions; partition++) partitions.push({ topic: topicName(t), partition })
  }
  return partitions
}

const CREATE_CHUNK = 100
/** Kafka's TOPIC_ALREADY_EXISTS: the client retries a CreateTopics that timed out while the broker created the topics. */
const TOPIC_ALREADY_EXISTS = 36
/** Groups committing at the same time (a librdkafka client each). */
const GROUPS_AT_ONCE = 20
/** Commits of one group in flight. */
const COMMITS_IN_FLIGHT = 100
const POLL_MS = 5
const COORDINATOR_RETRY_MS = 200
const TIMEOUT_MS = 60_000
/** The binding aborts the process when a disconnected client is garbage collected: keep them. */
const finished: Kafka.KafkaConsumer[] = []

export async function fill (kafka: string, size: ScaleSize, progress: (message: string) => void): Promise<void> {
  if (size.groups > size.topics) throw new Error(`${size.name}: more groups (${size.groups}) than topics (${size.topics})`)
  await createTopics(kafka, size)
  progress(`${size.topics} topics of ${size.partitions} partitions created`)
  let records = 0
  for (let first = 0; first < size.groups; first += GROUPS_AT_ONCE) {
    const groups = Array.from({ length: Math.min(GROUPS_AT_ONCE, size.groups - first) }, (_, i) => first + i)
    await Promise.all(groups.map(async (g) => {
      await commitGroup(kafka, groupName(g), groupPartitions(size, g), size.commits)
      records += groupPartitions(size, g).length * size.commits
    }))
    progress(`${records} records committed`)
  }
}

async function createTopics (kafka: string, size: ScaleSize): Promise<void> {
  const admin = new Admin({ clientId: 'kastlex-bench-scale', bootstrapBrokers: [kafka], timeout: TIMEOUT_MS })
  try {
    const existing = new Set(await admin.listTopics())
    const names = Array.from({ length: size.topics }, (_, i) => topicName(i)).filter((name) => !existing.has(name))
    for (let i = 0; i < names.length; i += CREATE_CHUNK) {
      await admin.createTopics({ topics: names.slice(i, i + CREATE_CHUNK), partitions: size.partitions, replicas: 1 }).catch(onlyExisting)
    }
  } finally {
    await admin.close()
  }
}

/** Rethrows a CreateTopics failure unless every topic in it was created or existed already. */
function onlyExisting (err: unknown): void {
  const topics = (err as { response?: { topics?: Array<{ errorCode: number }> } }).response?.topics
  if (topics === undefined || !topics.every((t) => t.errorCode === 0 || t.errorCode === TOPIC_ALREADY_EXISTS)) throw err
}

/** Commits 1, 2, … `commits` as the offset of every partition, COMMITS_IN_FLIGHT at a time. */
async function commitGroup (kafka: string, group: string, partitions: ReadonlyArray<{ topic: string, partition: number }>, commits: number): Promise<void> {
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': kafka,
    'group.id': group,
    'client.id': 'kastlex-bench-scale',
    'enable.auto.commit': false,
    offset_commit_cb: true,
    log_level: 3
  } as Kafka.ConsumerGlobalConfig, {})
  finished.push(consumer)
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: TIMEOUT_MS }, (err) => { if (err) reject(err); else resolve() }))
  // Commit results arrive through the consumer's poll; nothing is assigned, so nothing is read.
  consumer.setDefaultConsumeTimeout(POLL_MS)
  const poller = setInterval(() => consumer.consume(1, () => {}), POLL_MS)
  try {
    // The first commit waits for the group's coordinator (a fresh broker is still creating __consumer_offsets);
    // the others go out asynchronously, in order.
    await firstCommit(consumer, group, partitions)
    let sent = 1
    let acknowledged = 1
    await new Promise<void>((resolve, reject) => {
      const send = (): void => {
        while (sent < commits && sent - acknowledged < COMMITS_IN_FLIGHT) {
          const offset = ++sent
          consumer.commit(partitions.map((p) => ({ ...p, offset })))
        }
      }
      consumer.on('offset.commit', (err: Kafka.LibrdKafkaError | null) => {
        if (err) return reject(new Error(`commit of ${group}: ${err.message}`))
        if (++acknowledged === commits) resolve()
        else send()
      })
      if (commits === 1) resolve()
      else send()
    })
  } finally {
    clearInterval(poller)
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()))
  }
}

/** Commits offset 1 synchronously, again every COORDINATOR_RETRY_MS while the coordinator is not known. */
async function firstCommit (consumer: Kafka.KafkaConsumer, group: string, partitions: ReadonlyArray<{ topic: string, partition: number }>): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS
  for (;;) {
    try {
      consumer.commitSync(partitions.map((p) => ({ ...p, offset: 1 })))
      return
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`first commit of ${group}: ${err instanceof Error ? err.message : String(err)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, COORDINATOR_RETRY_MS))
  }
}
