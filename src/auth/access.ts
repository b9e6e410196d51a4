// SPEC §2.4 steps 5–6 for every route with an action: who is asking (a valid ES512 token of a known
// user, or anonymous) and whether that is allowed. The users table is one immutable snapshot, swapped
// whole by reload(): a request sees the old table or the new one, never a mix.
import type { AuthConfig } from '../config.js'
import { forbidden, HttpError, tokenStoreNotReady, unauthenticated } from '../http/errors.js'
import type { Route } from '../http/router.js'
import { AuthFailureLimiter } from './failure-limit.js'
import type { TokenVerifier } from './jwt.js'
import { allowed } from './permissions.js'
import type { TokenStore } from './token-store.js'
import { loadUsers, type User, type UsersTable } from './users.js'

/** Which path parameter a scoped action is checked against (SPEC §3, "Scope"). */
const SCOPE_PARAM: Readonly<Record<string, string>> = {
  show_topic: 'topic',
  show_offsets: 'topic',
  produce: 'topic',
  fetch: 'topic',
  show_urps: 'topic',
  show_broker: 'broker',
  show_group: 'group_id'
}

/**
 * A token with a valid signature issued this recently (by `iat`), yet unknown to this instance's token
 * store, may come from a login on another instance whose record this instance's tail has not read yet:
 * it waits (up to FRESH_TOKEN_WAIT_MS) until the tail has read the topic up to its end before the 401.
 */
export const FRESH_TOKEN_SECONDS = 10
export const FRESH_TOKEN_WAIT_MS = 2000

export class AccessControl {
  private table: UsersTable
  private readonly failures: AuthFailureLimiter

  constructor (
    private readonly config: AuthConfig,
    private readonly verifier: TokenVerifier,
    /** With token storage, a token must also be the one stored for its user (SPEC §6.1). */
    private readonly store: TokenStore | undefined
  ) {
    this.table = loadUsers(config.permissionsFile, config.passwdFile)
    this.failures = new AuthFailureLimiter(config.failuresPerAddress)
  }

  get users (): UsersTable {
    return this.table
  }

  /** Re-reads both files; throws UsersFileError and keeps the current table when either is bad. */
  reload (): void {
    this.table = loadUsers(this.config.permissionsFile, this.config.passwdFile)
  }

  /**
   * The user a request acts as (undefined = anonymous), or 401 (a token was presented and is not
   * acceptable) / 429 (too many such 401s from `client`, the client address, read only where it may count:
   * a token not verified before, refused, or waiting for the token store) / 403 (not allowed) / 503 (the
   * token store has not replayed in time). Routes without an action, and /metrics unless
   * KASTLEX_METRICS_AUTH, are open. Asynchronous only while it waits for the token store: its first replay,
   * or its tail reading a token issued moments ago elsewhere.
   * `identified` hears of an accepted token's user before the permission check (the access line names
   * the user also when the answer is 403).
   */
  check (route: Route, token: string | undefined, params: Readonly<Record<string, string>>, client: () => string, identified?: (user: User) => void): User | undefined | Promise<User | undefined> {
    const action = route.action
    if (action === undefined || (action === 'metrics' && !this.config.metricsAuth)) return undefined
    const table = this.table
    if (token === undefined) return this.permit(table, undefined, action, params)
    // Read only when needed: a token verified before and still stored for its user never counts against
    // its client, and reading the peer's address costs 1.2-1.5 µs (uWS's getRemoteAddressAsText, timed alone).
    let address: string | undefined
    const clientAddress = (): string => (address ??= client())
    const verified = this.verifier.verify(token, () => this.failures.admit(clientAddress()))
    const user = verified.ok ? table.get(verified.username) : undefined
    if (user === undefined) throw this.refused(clientAddress())
    const store = this.store
    if (store === undefined || (store.state === 'ok' && store.matches(user.name, token))) return this.permit(table, user, action, params, identified)
    // Read now: the client's address is gone once the request has waited.
    return this.stored(store, user, token, verified.ok ? verified.iat : undefined, clientAddress())
      .then((stored) => this.permit(table, stored, action, params, identified))
  }

  /** With token storage, `user` if `token` is the one stored for them (SPEC §6.7), waiting as check says. */
  private async stored (store: TokenStore, user: User, token: string, iat: number | undefined, address: string): Promise<User> {
    if (store.state !== 'ok' && !await store.whenReplayed(this.config.tokenStorage?.waitMs ?? 0)) {
      throw tokenStoreNotReady()
    }
    if (store.matches(user.name, token)) return user
    if (iat !== undefined && Date.now() / 1000 - iat <= FRESH_TOKEN_SECONDS) {
      await store.whenCaughtUp(FRESH_TOKEN_WAIT_MS)
      if (store.matches(user.name, token)) return user
    }
    throw this.refused(address)
  }

  /** A 401, counted against the client address. */
  private refused (address: string): HttpError {
    this.failures.record(address)
    return unauthenticated()
  }

  private permit (table: UsersTable, user: User | undefined, action: string, params: Readonly<Record<string, string>>, identified?: (user: User) => void): User | undefined {
    if (user !== undefined) identified?.(user)
    const scopeParam = SCOPE_PARAM[action]
    if (!allowed(table, user, action, scopeParam === undefined ? undefined : params[scopeParam])) throw forbidden()
    return user
  }
}
