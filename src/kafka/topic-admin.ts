// Creating and deleting topics: the token topic (SPEC §6.7, the only topic the gateway creates), the
// tests and the benchmark.
import Kafka from '@platformatic/rdkafka'

const TIMEOUT_MS = 30_000

// @platformatic/rdkafka 4.1.2 aborts the process when a disconnected client is garbage collected
// ("Assertion failed: (env) != nullptr" in ~Connection): keep every client reachable.
const clients: unknown[] = []

/** A bootstrap address, or the librdkafka properties of the gateway (TLS, SASL). */
export type Cluster = string | Readonly<Record<string, string | number | boolean>>

const properties = (cluster: Cluster): Record<string, string | number | boolean> =>
  typeof cluster === 'string' ? { 'bootstrap.servers': cluster } : { ...cluster }

function admin (cluster: Cluster): Kafka.IAdminClient {
  const client = Kafka.AdminClient.create({ ...properties(cluster), 'client.id': 'kastlex-admin', log_level: 0 } as Kafka.GlobalConfig)
  clients.push(client)
  return client
}

async function withAdmin (brokers: Cluster, use: (client: Kafka.IAdminClient, done: (err: Kafka.LibrdKafkaError | undefined) => void) => void): Promise<void> {
  const client = admin(brokers)
  try {
    await new Promise<void>((resolve, reject) => use(client, (err) => { if (err) reject(err); else resolve() }))
  } finally {
    client.disconnect()
  }
}

/**
 * Creates a topic (an existing one is fine) and waits until every partition has a leader.
 * `replicationFactor` −1 is the broker's default.
 */
export async function createTopic (brokers: Cluster, topic: string, partitions: number, config: Record<string, string> = {}, replicationFactor = 1): Promise<void> {
  await withAdmin(brokers, (client, done) => client.createTopic({ topic, num_partitions: partitions, replication_factor: replicationFactor, config }, TIMEOUT_MS,
    (err) => done(err?.code === Kafka.CODES.ERRORS.ERR_TOPIC_ALREADY_EXISTS ? undefined : err)))
  await waitForLeaders(brokers, topic, partitions)
}

export async function deleteTopic (brokers: Cluster, topic: string): Promise<void> {
  await withAdmin(brokers, (client, done) => client.deleteTopic(topic, TIMEOUT_MS, (err) => done(err)))
}

/** Polls metadata until the topic shows `partitions` partitions with leaders (creation propagates asynchronously). */
async function waitForLeaders (brokers: Cluster, topic: string, partitions: number): Promise<void> {
  const producer = new Kafka.Producer({ ...properties(brokers), 'allow.auto.create.topics': false, log_level: 0 } as Kafka.ProducerGlobalConfig)
  clients.push(producer)
  await new Promise<void>((resolve, reject) => producer.connect({ timeout: TIMEOUT_MS, allTopics: false }, (err) => { if (err) reject(err); else resolve() }))
  try {
    const deadline = Date.now() + TIMEOUT_MS
    for (;;) {
      const metadata = await new Promise<Kafka.Metadata | undefined>((resolve) =>
        producer.getMetadata({ topic, timeout: 5000 }, (err, data) => resolve(err ? undefined : data)))
      const found = metadata?.topics.find((t) => t.name === topic)
      if (found?.partitions.length === partitions && found.partitions.every((p) => p.leader >= 0)) return
      if (Date.now() > deadline) throw new Error(`topic ${topic} has no leaders after ${TIMEOUT_MS} ms`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()))
  }
}
