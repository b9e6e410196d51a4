import { spawn } from 'node:child_process'
import { join } from 'node:path'
import Kafka, { type IAdminClient } from '@platformatic/rdkafka'

const KAFKA_UP_TIMEOUT_MS = 600_000 // the first run resolves Kafka from Maven Central
const ADMIN_TIMEOUT_MS = 15_000

/** Runs `node scripts/kafka.mjs up` (idempotent) and waits for it to succeed. */
export async function ensureKafka (root: string): Promise<void> {
  const child = spawn(process.execPath, [join(root, 'scripts/kafka.mjs'), 'up'], { cwd: root, stdio: ['ignore', 2, 2] })
  const timer = setTimeout(() => child.kill('SIGKILL'), KAFKA_UP_TIMEOUT_MS)
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', (c, s) => resolve([c, s]))
    })
    if (code !== 0) throw new Error(`scripts/kafka.mjs up failed (${signal ?? `exit code ${code}`})`)
  } finally {
    clearTimeout(timer)
  }
}

async function withAdmin<T> (brokers: string, use: (admin: IAdminClient) => Promise<T>): Promise<T> {
  const admin = Kafka.AdminClient.create({ 'bootstrap.servers': brokers, 'client.id': 'kastlex-bench', log_level: 0 })
  try {
    return await use(admin)
  } finally {
    admin.disconnect()
  }
}

export function createTopic (brokers: string, topic: string, partitions: number): Promise<void> {
  return withAdmin(brokers, (admin) => new Promise((resolve, reject) => {
    admin.createTopic({ topic, num_partitions: partitions, replication_factor: 1 }, ADMIN_TIMEOUT_MS, (err) => {
      if (err && err.code !== Kafka.CODES.ERRORS.ERR_TOPIC_ALREADY_EXISTS) reject(new Error(`creating topic ${topic}: ${err.message}`))
      else resolve()
    })
  }))
}

export function deleteTopic (brokers: string, topic: string): Promise<void> {
  return withAdmin(brokers, (admin) => new Promise((resolve, reject) => {
    admin.deleteTopic(topic, ADMIN_TIMEOUT_MS, (err) => {
      if (err) reject(new Error(`deleting topic ${topic}: ${err.message}`))
      else resolve()
    })
  }))
}
