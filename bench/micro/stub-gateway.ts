// The gateway as `node dist/src/main.js` starts it, on a stub Kafka client (bench/micro/stub-kafka.ts):
// inline with KASTLEX_WORKERS=0, else a pool of stub worker threads. Spawned by bench/micro/main.ts.
import { fileURLToPath } from 'node:url'
import { presetRuntimeEnv } from '../../src/runtime-env.js'
presetRuntimeEnv()

const STUB_WORKER = fileURLToPath(new URL('./stub-worker.js', import.meta.url))
// BENCH_ALLOCATIONS_FILE: the micro-benchmark measures garbage per request (allocation-sampler.ts)
if (process.env.BENCH_ALLOCATIONS_FILE !== undefined) {
  const { installAllocationSampler } = await import('./allocation-sampler.js')
  installAllocationSampler(process.env.BENCH_ALLOCATIONS_FILE)
}
const { start } = await import('../../src/gateway.js')
const { InlineKafkaClient, PooledKafkaClient } = await import('../../src/pool/kafka-client.js')
const { StubKafka } = await import('./stub-kafka.js')

await start(process.env, (config) => config.workers === 0
  ? new InlineKafkaClient(new StubKafka())
  : new PooledKafkaClient({ filename: STUB_WORKER, threads: config.workers, workerData: () => undefined }))
