// What a KASTLEX_* variable's text may be (SPEC §9): each parser turns the text of a set variable (or its
// default) into a value, or throws Invalid saying what was expected; the loader puts the variable's name
// in front. Booleans and integers follow SPEC §9 and §2.3.
import { existsSync, readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { parseCorsOrigins, type CorsOrigins } from '../http/cors.js'
import { parseInteger } from '../integers.js'
import { compressionUnavailable, PRODUCER_COMPRESSIONS, type ProducerCompression } from '../kafka/compression.js'
import { isTopicName } from '../kafka/names.js'

export type Parser<T> = (raw: string) => T

/** A variable's text that its parser refuses; the message is what follows `NAME: `. */
export class Invalid extends Error {}

export function integer (min: number, max: number): Parser<number> {
  return (raw) => parseInteger(raw, min, max) ??
    fail(`expected an integer in ${min}…${max}, got ${JSON.stringify(raw)}`)
}

/** Digits with an optional fraction (`0.5`, `2`), in min…max: librdkafka's float properties, e.g. `linger.ms`. */
export function decimal (min: number, max: number): Parser<number> {
  return (raw) => {
    const value = /^[0-9]{1,9}(\.[0-9]{1,6})?$/.test(raw) ? Number(raw) : Number.NaN
    return value >= min && value <= max ? value : fail(`expected a number in ${min}…${max}, got ${JSON.stringify(raw)}`)
  }
}

export const boolean: Parser<boolean> = (raw) => {
  switch (raw.toLowerCase()) {
    case 'true': case '1': return true
    case 'false': case '0': return false
  }
  return fail(`expected true, false, 1 or 0, got ${JSON.stringify(raw)}`)
}

/** One of `choices`, in any case. */
export function oneOf<T extends string> (choices: readonly T[]): Parser<T> {
  return (raw) => {
    const choice = raw.toLowerCase()
    return (choices as readonly string[]).includes(choice) ? choice as T : fail(`expected one of ${choices.join(', ')}`)
  }
}

/** A listen address: an IP literal (no host names: one name can stand for several addresses). */
export const ipAddress: Parser<string> = (raw) =>
  isIP(raw) !== 0 ? raw : fail(`expected an IP address such as ::, 0.0.0.0, 127.0.0.1 or ::1, got ${JSON.stringify(raw)}`)

/** A path the gateway can read now (a file of a feature that is on, SPEC §9). */
export const readableFile: Parser<string> = (path) => {
  try {
    readFileSync(path)
  } catch (err) {
    fail(`cannot read ${path}: ${(err as Error).message}`)
  }
  return path
}

/** A path used only when something is there. */
export const fileIfPresent: Parser<string | undefined> = (path) => existsSync(path) ? path : undefined

/** `host:port` / `[ipv6]:port`, comma-separated and trimmed. */
export const hostPorts: Parser<string> = (raw) => {
  const entries = raw.split(',').map((entry) => entry.trim())
  const valid = entries.every((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):([0-9]{1,5})$/.exec(entry)
    return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535
  })
  return valid ? entries.join(',') : fail('expected comma-separated host:port or [ipv6]:port')
}

export const regExp: Parser<RegExp> = (raw) => {
  try {
    return new RegExp(raw)
  } catch (err) {
    return fail(`does not compile: ${(err as Error).message}`)
  }
}

export const topicName: Parser<string> = (raw) =>
  isTopicName(raw) ? raw : fail('not a legal topic name ([a-zA-Z0-9._-], 1–249 characters)')

export const corsOrigins: Parser<CorsOrigins> = (raw) => {
  const parsed = parseCorsOrigins(raw)
  return 'origins' in parsed
    ? parsed.origins
    : fail(`expected * or comma-separated origins scheme://host[:port] (no path, no trailing slash), got ${JSON.stringify(parsed.invalid)}`)
}

/** A hop count; `false` = 0 and `true` = 1 (its meaning before it was a count). */
export function hopCount (max: number): Parser<number> {
  const count = integer(0, max)
  return (raw) => {
    const flag = raw.toLowerCase()
    return flag === 'true' ? 1 : flag === 'false' ? 0 : count(raw)
  }
}

const codec = oneOf(PRODUCER_COMPRESSIONS)

/** A codec the installed librdkafka has: refused here rather than when each thread creates its producer. */
export const producerCompression: Parser<ProducerCompression> = (raw) => {
  const name = codec(raw)
  const unavailable = compressionUnavailable(name)
  return unavailable === undefined ? name : fail(`${name} is not available: ${unavailable}`)
}

export function fail (message: string): never {
  throw new Invalid(message)
}
