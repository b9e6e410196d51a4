// bcrypt password hashes (SPEC §4.1, §6.3, §6.5, §11 item 43).
//
// Only the asynchronous API of @node-rs/bcrypt is used: the work runs on the libuv thread pool, never on
// the main thread (a cost-12 comparison is ~0.25–0.45 s of CPU).
//
// bcrypt uses the first 72 bytes of the UTF-8 encoded password; anything after them is ignored both when
// hashing and when verifying (so two passwords sharing their first 72 bytes are the same password).
//
// `$2a$`, `$2b$` and `$2y$` hashes are accepted as they are: the library computes the three alike (and
// `$2y$` is by definition the corrected `$2a$` of crypt_blowfish, i.e. `$2b$`); the unit tests pin this
// with independent test vectors, so no prefix rewriting is needed. `$2x$` (crypt_blowfish's emulation of
// its old sign-extension bug) is not a valid users-file hash and never matches.
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt'

/** The cost of hashes made by `hashPassword` (and `kastlex hashpw`, SPEC §6.5). */
export const HASH_COST = 12

/** `$2a$`/`$2b$`/`$2y$`, cost 04–31, 22 characters of salt and 31 of hash (SPEC §6.3). */
export const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/

/**
 * Compared against when there is no hash to check (unknown user, no `password_hash`, `anonymous`), so
 * that the answer takes as long as a real cost-12 comparison and timing does not tell whether a user
 * exists. A constant (made once from 32 random bytes that were then discarded) rather than one computed
 * at first use, so even the first such login costs one comparison, not a hash plus a comparison. Its
 * result is never used: the answer for a missing hash is always false.
 */
const DUMMY_HASH = '$2b$12$bCj4LHjgf75dW1D5aJl.kul7oASFigH8c6MVl4Q7kW4QVqOrqOhZ2'

/**
 * True iff `password` matches `hash`. With `hash` undefined (or not a valid bcrypt hash) this still
 * performs one cost-12 comparison, then answers false. Timing matches a real comparison for users whose
 * hash has cost 12 (what `hashpw` makes); a users-file hash of another cost takes correspondingly
 * longer or shorter. Never rejects.
 */
export async function verifyPassword (password: string, hash: string | undefined): Promise<boolean> {
  const real = hash !== undefined && BCRYPT_HASH.test(hash)
  let matches: boolean
  try {
    matches = await bcryptVerify(password, real ? hash : DUMMY_HASH)
  } catch {
    matches = false
  }
  return real && matches
}

/** A new `$2b$12$…` hash of `password` (random salt; first 72 bytes used). */
export async function hashPassword (password: string): Promise<string> {
  return await bcryptHash(password, HASH_COST)
}
