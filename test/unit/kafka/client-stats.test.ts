// librdkafka statistics → the numbers the metrics keep (client-stats.ts).
import test from 'ava'
import { clientStats, combineStats } from '../../../src/kafka/client-stats.js'

const producer = JSON.stringify({
  name: 'kastlex#producer-1',
  msg_cnt: 7,
  msg_size: 7168,
  brokers: {
    '127.0.0.1:9092/bootstrap': { nodeid: -1, rtt: { avg: 0, cnt: 0 } },
    '127.0.0.1:9092/1': { nodeid: 1, rtt: { avg: 1500, cnt: 12 } },
    '127.0.0.1:9093/2': { nodeid: 2, rtt: { avg: 0, cnt: 0 } }
  }
})

test('producer queue, records read ahead and RTT of brokers that have samples', (t) => {
  t.deepEqual(clientStats(producer, 12), {
    producerQueueMessages: 7,
    producerQueueBytes: 7168,
    fetchQueueMessages: 12,
    brokerRtt: [['127.0.0.1:9092/1', 0.0015]]
  })
})

test('missing or unparseable statistics count as zero', (t) => {
  const empty = { producerQueueMessages: 0, producerQueueBytes: 0, fetchQueueMessages: 0, brokerRtt: [] }
  t.deepEqual(clientStats(undefined, 0), empty)
  t.deepEqual(clientStats('{not json', 0), empty)
})

test('combined over workers: queues summed, RTT averaged per broker', (t) => {
  const a = clientStats(producer, 12)
  const b = { producerQueueMessages: 1, producerQueueBytes: 10, fetchQueueMessages: 2, brokerRtt: [['127.0.0.1:9092/1', 0.0025]] as const }
  t.deepEqual(combineStats([a, b]), {
    producerQueueMessages: 8, producerQueueBytes: 7178, fetchQueueMessages: 14, brokerRtt: [['127.0.0.1:9092/1', 0.002]]
  })
})
