// x-request-id (SPEC §2.2): a client's id of 1–200 characters in 0x21–0x7E is echoed, else a random one.
import { randomFillSync } from 'node:crypto'

const PRINTABLE = /^[\x21-\x7e]{1,200}$/
const ID_BYTES = 15 // 20 base64url characters
const POOL_IDS = 1024

/** Characters of one id: 15 bytes are 20 base64url characters, without padding. */
const ID_CHARS = ID_BYTES / 3 * 4

let pool = ''
let next = POOL_IDS

/**
 * Random ids come from a refilled pool: one crypto call and one encoding per 1024 requests. 15 bytes being a
 * multiple of 3, the text of the whole pool is the text of each id in turn, and an id is a slice of it.
 */
function randomId (): string {
  if (next === POOL_IDS) {
    pool = randomFillSync(Buffer.allocUnsafe(ID_BYTES * POOL_IDS)).toString('base64url')
    next = 0
  }
  const start = ID_CHARS * next++
  return pool.slice(start, start + ID_CHARS)
}

export function requestIdFor (given: string | undefined): string {
  return given !== undefined && PRINTABLE.test(given) ? given : randomId()
}
