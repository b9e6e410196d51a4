// KASTLEX_PRODUCER_COMPRESSION's codecs, and whether this build can use one: records are written by
// librdkafka, whose build decides the codecs it has (the fetch path reads all of them back, zstd
// included: fetch/zstd.ts).
import Kafka from '@platformatic/rdkafka'

export const PRODUCER_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type ProducerCompression = typeof PRODUCER_COMPRESSIONS[number]

export function isProducerCompression (name: string): name is ProducerCompression {
  return (PRODUCER_COMPRESSIONS as readonly string[]).includes(name)
}

/**
 * What librdkafka needs at build time for a codec it can leave out: @platformatic/rdkafka builds it
 * at install, and its configure includes zstd only when it finds libzstd's headers.
 */
const BUILD_NEEDS: Partial<Record<ProducerCompression, string>> = { zstd: 'libzstd-dev' }

export interface LibrdkafkaBuild { readonly version: string, readonly features: readonly string[] }
const INSTALLED: LibrdkafkaBuild = { version: Kafka.librdkafkaVersion, features: Kafka.features }

/** Why `codec` cannot be used with this build (the installed one by default), or undefined when it can. */
export function compressionUnavailable (codec: ProducerCompression, build: LibrdkafkaBuild = INSTALLED): string | undefined {
  if (codec === 'none' || build.features.includes(codec)) return undefined
  const needs = BUILD_NEEDS[codec]
  const remedy = needs === undefined ? '' : ` (install ${needs}, then npm rebuild @platformatic/rdkafka)`
  return `librdkafka ${build.version} was built without ${codec}${remedy}`
}
