// KASTLEX_KAFKA_SASL_FILE (SPEC §9): a YAML map of username, password and mechanism → librdkafka's sasl.*.
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { fail, type Parser } from './parsers.js'

const SASL_MECHANISMS: Readonly<Record<string, string>> = {
  plain: 'PLAIN', scram_sha_256: 'SCRAM-SHA-256', scram_sha_512: 'SCRAM-SHA-512'
}

export type SaslProperties = Readonly<Record<'sasl.mechanisms' | 'sasl.username' | 'sasl.password', string>>

export const saslFile: Parser<SaslProperties> = (path) => {
  const refuse = (detail: string): never => fail(`${path}: ${detail}`)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    return refuse((err as Error).message)
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    // The parser's message quotes the offending line, which may hold the password: give only the position.
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line
    return refuse(`not valid YAML${line === undefined ? '' : ` (line ${line})`}`)
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return refuse('expected a YAML map')
  const { username, password, mechanism = 'plain' } = doc as Record<string, unknown>
  if (typeof username !== 'string' || username === '') return refuse('username must be a non-empty string')
  if (typeof password !== 'string') return refuse('password must be a string')
  // Own keys only: `constructor`, `toString`, … are found in any plain object.
  const saslMechanism = typeof mechanism === 'string' && Object.hasOwn(SASL_MECHANISMS, mechanism) ? SASL_MECHANISMS[mechanism] : undefined
  if (saslMechanism === undefined) return refuse(`mechanism must be one of ${Object.keys(SASL_MECHANISMS).join(', ')}`)
  return { 'sasl.mechanisms': saslMechanism, 'sasl.username': username, 'sasl.password': password }
}
