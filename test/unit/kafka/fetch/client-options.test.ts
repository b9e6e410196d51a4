// The fetch client's connection options come from the same librdkafka properties as every other client.
import test from 'ava'
import { loadConfig } from '../../../../src/config.js'
import { bootstrapBrokers, fetchClientOptions } from '../../../../src/kafka/fetch/client-options.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'kastlex-client-options-'))
const file = (name: string, content: string): string => { writeFileSync(join(dir, name), content); return join(dir, name) }
const AUTH = { KASTLEX_JWK_FILE: file('jwk', 'k'), KASTLEX_PERMISSIONS_FILE_PATH: file('p', '{}'), KASTLEX_PASSWD_FILE_PATH: file('w', '{}') }

test('bootstrap servers, IPv6 included', (t) => {
  t.deepEqual(bootstrapBrokers('a:9092,[::1]:9093,10.0.0.1:1'), [{ host: 'a', port: 9092 }, { host: '::1', port: 9093 }, { host: '10.0.0.1', port: 1 }])
})

test('plaintext: no TLS, no SASL', (t) => {
  const config = loadConfig({ ...AUTH, KASTLEX_KAFKA_CLUSTER: '127.0.0.1:9092' })
  t.deepEqual(fetchClientOptions(config.kafka), { bootstrapBrokers: [{ host: '127.0.0.1', port: 9092 }] })
})

test('SASL mechanisms and credentials from KASTLEX_KAFKA_SASL_FILE', (t) => {
  for (const [mechanism, name] of [['plain', 'PLAIN'], ['scram_sha_256', 'SCRAM-SHA-256'], ['scram_sha_512', 'SCRAM-SHA-512']] as const) {
    const sasl = file(`sasl-${mechanism}`, `username: u\npassword: "p:w"\nmechanism: ${mechanism}\n`)
    const config = loadConfig({ ...AUTH, KASTLEX_KAFKA_CLUSTER: 'k:9094', KASTLEX_KAFKA_SASL_FILE: sasl })
    const options = fetchClientOptions(config.kafka)
    t.deepEqual(options.sasl, { mechanism: name, username: 'u', password: 'p:w' })
    t.is(options.tls, undefined, 'SASL_PLAINTEXT')
  }
})

test('TLS: CA, certificate and key files read from the configured paths, with SASL over it', (t) => {
  const config = loadConfig({
    ...AUTH,
    KASTLEX_KAFKA_CLUSTER: 'k:9093',
    KASTLEX_KAFKA_CACERTFILE: file('ca.pem', 'CA'),
    KASTLEX_KAFKA_CERTFILE: file('cert.pem', 'CERT'),
    KASTLEX_KAFKA_KEYFILE: file('key.pem', 'KEY'),
    KASTLEX_KAFKA_SASL_FILE: file('sasl-tls', 'username: u\npassword: p\n')
  })
  const options = fetchClientOptions(config.kafka)
  t.deepEqual(options.tls, { ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY') })
  t.deepEqual(options.sasl, { mechanism: 'PLAIN', username: 'u', password: 'p' })

  const systemCas = fetchClientOptions(loadConfig({ ...AUTH, KASTLEX_KAFKA_USE_SSL: 'true' }).kafka)
  t.deepEqual(systemCas.tls, {}, 'TLS with the system CAs')
})
