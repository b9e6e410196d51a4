// x-request-id (SPEC §2.2): a client's id of 1–200 characters in 0x21–0x7E is echoed, else a random one.
import { randomFillSync } from 'node:crypto'

const PRINTABLE = /^[\x21-\x7e]{1,200}$/
const ID_BYTES = 15 // 20 base64url characters
const POOL_IDS = 1024

let pool = Buffer.alloc(0)
let next = POOL_IDS

/** Random ids come from a refilled pool: one crypto call per 1024 requests. */
function randomId (): string {
  if (next === POOL_IDS) {
    pool = randomFillSync(Buffer.allocUnsafe(ID_BYTES * POOL_IDS))
    next = 0
  }
  const start = ID_BYTES * next++
  return pool.toString('base64url', start, start + ID_BYTES)
}

export function requestIdFor (given: string | undefined): string {
  return given !== undefined && PRINTABLE.test(given) ? given : randomId()
}
