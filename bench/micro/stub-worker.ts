// A Kafka worker thread of the micro-benchmark's gateway (KASTLEX_WORKERS ≥ 1): the real batch protocol
// on a stub that answers at once.
import { serveBatches } from '../../src/pool/batch-runner.js'
import { StubKafka } from './stub-kafka.js'

export default serveBatches(new StubKafka())
