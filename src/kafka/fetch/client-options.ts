// The fetch path's Kafka client (@platformatic/kafka) connects exactly as the librdkafka clients do:
// its options are derived from the same librdkafka properties (KafkaConfig.common, built in config.ts),
// so bootstrap, TLS and SASL are configured in one place.
import { readFileSync } from 'node:fs'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import type { KafkaConfig } from '../../config.js'

export interface BrokerAddress { readonly host: string, readonly port: number }

export interface FetchClientOptions {
  readonly bootstrapBrokers: BrokerAddress[]
  readonly tls?: TlsOptions
  readonly sasl?: { readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', readonly username: string, readonly password: string }
}

const MECHANISMS = new Set(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'])

/** `host:port` / `[ipv6]:port` entries of `bootstrap.servers` (already validated by config.ts). */
export function bootstrapBrokers (servers: string): BrokerAddress[] {
  return servers.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':')
    const host = entry.slice(0, colon)
    return { host: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(entry.slice(colon + 1)) }
  })
}

export function fetchClientOptions (config: Pick<KafkaConfig, 'common'>, readFile: (path: string) => Buffer = readFileSync): FetchClientOptions {
  const common = config.common
  const text = (name: string): string | undefined => (common[name] === undefined ? undefined : String(common[name]))
  const protocol = (text('security.protocol') ?? 'plaintext').toLowerCase()
  const options: { -readonly [K in keyof FetchClientOptions]: FetchClientOptions[K] } = { bootstrapBrokers: bootstrapBrokers(text('bootstrap.servers') ?? '') }
  if (protocol === 'ssl' || protocol === 'sasl_ssl') {
    const file = (name: string): Buffer | undefined => { const path = text(name); return path === undefined ? undefined : readFile(path) }
    const tls: TlsOptions = {}
    const ca = file('ssl.ca.location')
    const cert = file('ssl.certificate.location')
    const key = file('ssl.key.location')
    if (ca !== undefined) tls.ca = ca
    if (cert !== undefined) tls.cert = cert
    if (key !== undefined) tls.key = key
    options.tls = tls
  }
  if (protocol === 'sasl_plaintext' || protocol === 'sasl_ssl') {
    const mechanism = text('sasl.mechanisms') ?? 'PLAIN'
    if (!MECHANISMS.has(mechanism)) throw new Error(`unsupported SASL mechanism ${mechanism}`)
    options.sasl = {
      mechanism: mechanism as 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
      username: text('sasl.username') ?? '',
      password: text('sasl.password') ?? ''
    }
  }
  return options
}
