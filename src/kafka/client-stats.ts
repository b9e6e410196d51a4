// What the metrics keep of librdkafka's statistics (`statistics.interval.ms`, JSON per client):
// producer queue depth, the fetch consumer's pre-fetched messages, and broker round-trip times.

export interface ClientStats {
  /** Messages (and their bytes) waiting in the producer's queue for delivery. */
  readonly producerQueueMessages: number
  readonly producerQueueBytes: number
  /** Messages the fetch consumer holds pre-fetched, all partitions. */
  readonly fetchQueueMessages: number
  /** Average round-trip time per broker (`host:port/id`), seconds, from the producer's connections. */
  readonly brokerRtt: ReadonlyArray<readonly [string, number]>
}

interface RawStats {
  msg_cnt?: number
  msg_size?: number
  brokers?: Record<string, { nodeid?: number, rtt?: { avg?: number, cnt?: number } }>
  topics?: Record<string, { partitions?: Record<string, { fetchq_cnt?: number }> }>
}

export const EMPTY_STATS: ClientStats = { producerQueueMessages: 0, producerQueueBytes: 0, fetchQueueMessages: 0, brokerRtt: [] }

function parse (json: string): RawStats | undefined {
  try {
    const value: unknown = JSON.parse(json)
    return value !== null && typeof value === 'object' ? value as RawStats : undefined
  } catch {
    return undefined
  }
}

/** Combines the latest statistics JSON of a thread's producer and fetch consumer. */
export function clientStats (producerJson: string | undefined, consumerJson: string | undefined): ClientStats {
  const producer = producerJson === undefined ? undefined : parse(producerJson)
  const consumer = consumerJson === undefined ? undefined : parse(consumerJson)
  let fetchQueueMessages = 0
  for (const topic of Object.values(consumer?.topics ?? {})) {
    for (const partition of Object.values(topic.partitions ?? {})) fetchQueueMessages += Math.max(0, partition.fetchq_cnt ?? 0)
  }
  const brokerRtt: Array<[string, number]> = []
  for (const [name, broker] of Object.entries(producer?.brokers ?? {})) {
    // Bootstrap entries (node id −1) and brokers without samples have no meaningful RTT.
    if ((broker.nodeid ?? -1) < 0 || (broker.rtt?.cnt ?? 0) === 0) continue
    brokerRtt.push([name, (broker.rtt?.avg ?? 0) / 1e6])
  }
  return {
    producerQueueMessages: producer?.msg_cnt ?? 0,
    producerQueueBytes: producer?.msg_size ?? 0,
    fetchQueueMessages,
    brokerRtt
  }
}

/** Sums queue depths over threads; averages each broker's RTT over the threads that measured it. */
export function combineStats (all: readonly ClientStats[]): ClientStats {
  const rtt = new Map<string, number[]>()
  for (const stats of all) for (const [broker, seconds] of stats.brokerRtt) rtt.set(broker, [...(rtt.get(broker) ?? []), seconds])
  return {
    producerQueueMessages: all.reduce((sum, s) => sum + s.producerQueueMessages, 0),
    producerQueueBytes: all.reduce((sum, s) => sum + s.producerQueueBytes, 0),
    fetchQueueMessages: all.reduce((sum, s) => sum + s.fetchQueueMessages, 0),
    brokerRtt: [...rtt].map(([broker, samples]) => [broker, samples.reduce((a, b) => a + b, 0) / samples.length])
  }
}
