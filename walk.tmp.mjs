// Walks every partition of a 2,000-partition topic through one gateway and reports its peak RSS.
import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { startGateway } from './dist/test/helpers/gateway.js'
import { createTopic, deleteTopic } from './dist/src/kafka/topic-admin.js'
import { prefill } from './dist/bench/compare/prefill.js'
const PARTITIONS = 2000, RECORDS = Number(process.env.WALK_RECORDS ?? 100)
const topic = 'walk-' + Date.now()
await createTopic('127.0.0.1:9092', topic, PARTITIONS)
try {
  await prefill('127.0.0.1:9092', topic, Array.from({ length: PARTITIONS }, (_, i) => i), RECORDS, randomBytes(1024))
  const gw = await startGateway({ KASTLEX_WORKERS: process.env.WALK_WORKERS ?? '0', KASTLEX_LOG_LEVEL: 'warn' })
  const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${gw.process.pid}/status`, 'utf8'))[1]) / 1024
  const started = Date.now(); let records = 0
  for (let p = 0; p < PARTITIONS; p++) {
    let offset = 0
    for (;;) {
      const res = await fetch(`${gw.url}/api/v2/messages/${topic}/${p}/${offset}?max_wait_time=0`)
      const body = await res.json()
      if (res.status !== 200) throw new Error(`${p}/${offset}: ${res.status} ${JSON.stringify(body)}`)
      if (body.length === 0) break
      records += body.length
      offset = body.at(-1).offset + 1
    }
    if (offset !== RECORDS) throw new Error(`partition ${p}: read ${offset} of ${RECORDS}`)
    if (p % 500 === 0) console.log(`partition ${p}: peak RSS ${hwm().toFixed(0)} MB`)
  }
  console.log(`walked ${PARTITIONS} partitions, ${records} records in ${((Date.now() - started) / 1000).toFixed(1)} s; gateway peak RSS ${hwm().toFixed(0)} MB`)
  await gw.stop()
} finally {
  await deleteTopic('127.0.0.1:9092', topic)
}
process.exit(0)
