// KASTLEX_PRODUCER_COMPRESSION's codecs, and whether this build can use one: records are written by
// librdkafka (whose build decides the codecs it has) and read back by the fetch path through
// @platformatic/kafka, which decompresses zstd with node:zlib (Node ≥ 22.15 has it, Node 20 not).
import Kafka from '@platformatic/rdkafka'
import zlib from 'node:zlib'

export const PRODUCER_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type ProducerCompression = typeof PRODUCER_COMPRESSIONS[number]

export function isProducerCompression (name: string): name is ProducerCompression {
  return (PRODUCER_COMPRESSIONS as readonly string[]).includes(name)
}

/** Why `codec` cannot be used here, or undefined when it can. */
export function compressionUnavailable (codec: ProducerCompression): string | undefined {
  if (codec === 'none') return undefined
  if (!Kafka.features.includes(codec)) return `librdkafka ${Kafka.librdkafkaVersion} was built without ${codec}`
  if (codec === 'zstd' && typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync !== 'function') {
    return `Node ${process.version} has no zstd: fetches could not read the records back`
  }
  return undefined
}
