import { spawn } from 'node:child_process'
import { join } from 'node:path'

const KAFKA_UP_TIMEOUT_MS = 600_000 // the first run resolves Kafka from Maven Central

/** Runs `node scripts/kafka.mjs up` (idempotent) and waits for it to succeed. */
export async function ensureKafka (root: string): Promise<void> {
  await kafkaScript(root, 'up', process.env)
}

/** Runs `node scripts/kafka.mjs <command>` with `env` (EMBEDDED_KAFKA_PORT, EMBEDDED_KAFKA_DIR: another broker). */
export async function kafkaScript (root: string, command: 'up' | 'down', env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, [join(root, 'scripts/kafka.mjs'), command], { cwd: root, env, stdio: ['ignore', 2, 2] })
  const timer = setTimeout(() => child.kill('SIGKILL'), KAFKA_UP_TIMEOUT_MS)
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', (c, s) => resolve([c, s]))
    })
    if (code !== 0) throw new Error(`scripts/kafka.mjs ${command} failed (${signal ?? `exit code ${code}`})`)
  } finally {
    clearTimeout(timer)
  }
}

/** Topics of the benchmark: the gateway's own admin helper, which waits for partition leaders. */
export { createTopic, deleteTopic } from '../src/kafka/topic-admin.js'
