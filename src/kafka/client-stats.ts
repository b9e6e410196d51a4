// What the metrics keep of librdkafka's statistics (`statistics.interval.ms`, JSON per client):
// producer queue depth, broker round-trip times; with the records the fetch path holds read ahead.
import type { ClientStats } from '../pool/messages.js'

interface RawStats {
  msg_cnt?: number
  msg_size?: number
  brokers?: Record<string, { nodeid?: number, rtt?: { avg?: number, cnt?: number } }>
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

/** A thread's numbers: its producer's latest statistics JSON and the records its read cache holds. */
export function clientStats (producerJson: string | undefined, fetchCachedRecords: number): ClientStats {
  const producer = producerJson === undefined ? undefined : parse(producerJson)
  const brokerRtt: Array<[string, number]> = []
  for (const [name, broker] of Object.entries(producer?.brokers ?? {})) {
    // Bootstrap entries (node id −1) and brokers without samples have no meaningful RTT.
    if ((broker.nodeid ?? -1) < 0 || (broker.rtt?.cnt ?? 0) === 0) continue
    brokerRtt.push([name, (broker.rtt?.avg ?? 0) / 1e6])
  }
  return {
    producerQueueMessages: producer?.msg_cnt ?? 0,
    producerQueueBytes: producer?.msg_size ?? 0,
    fetchQueueMessages: fetchCachedRecords,
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
