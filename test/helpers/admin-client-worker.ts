// Worker-thread body for the admin-client test: its own AdminClient (so its own addon instance),
// a barrier so that every worker's calls are in flight together, then close and post the outcome
// back as plain data.
import { parentPort, workerData } from 'node:worker_threads'
import { AdminClient } from '../../src/kafka/admin-client.js'

const { brokers, groupId, topic, barrier, parties } = workerData as { brokers: string, groupId: string, topic: string, barrier: SharedArrayBuffer, parties: number }
const admin = new AdminClient({ 'bootstrap.servers': brokers, log_level: 0 })
try {
  const arrived = new Int32Array(barrier)
  Atomics.add(arrived, 0, 1)
  Atomics.notify(arrived, 0)
  const deadline = Date.now() + 10_000
  for (let seen = Atomics.load(arrived, 0); seen < parties; seen = Atomics.load(arrived, 0)) {
    if (Date.now() > deadline) throw new Error('the other workers never arrived')
    Atomics.wait(arrived, 0, seen, 100)
  }
  const [groups, [described], [config]] = await Promise.all([
    admin.listGroups(10_000),
    admin.describeGroups([groupId], 10_000),
    admin.describeTopicConfigs([topic], 10_000)
  ])
  parentPort?.postMessage({ ok: true, listed: groups.some((g) => g.groupId === groupId), state: described?.state, configError: config?.error })
} catch (err) {
  parentPort?.postMessage({ ok: false, error: String(err) })
} finally {
  admin.close()
}
