// A Kafka worker thread: the pool's batch tasks, run on this thread's own KafkaService.
import { workerData } from 'node:worker_threads'
import { KafkaService, type WorkerData } from '../src/pool/service.js'
import { serveBatches } from '../src/pool/batch-runner.js'

export default serveBatches(new KafkaService(workerData as WorkerData))
