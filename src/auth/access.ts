// SPEC §2.4 steps 5–6 for every route with an action: who is asking (a valid ES512 token of a known
// user, or anonymous) and whether that is allowed. The users table is one immutable snapshot, swapped
// whole by reload(): a request sees the old table or the new one, never a mix.
import type { AuthConfig } from '../config.js'
import { forbidden, HttpError, unauthenticated } from '../http/errors.js'
import type { Route } from '../http/router.js'
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

export class AccessControl {
  private table: UsersTable

  constructor (
    private readonly config: AuthConfig,
    private readonly verifier: TokenVerifier,
    /** With token storage, a token must also be the one stored for its user (SPEC §6.1). */
    private readonly store: TokenStore | undefined
  ) {
    this.table = loadUsers(config.permissionsFile, config.passwdFile)
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
   * acceptable) / 403 (not allowed) / 503 (the token store has not replayed in time). Routes without
   * an action, and /metrics unless KASTLEX_METRICS_AUTH, are open. Asynchronous only while the token
   * store's first replay is running. `identified` hears of an accepted token's user before the
   * permission check (the access line names the user also when the answer is 403).
   */
  check (route: Route, token: string | undefined, params: Readonly<Record<string, string>>, identified?: (user: User) => void): User | undefined | Promise<User | undefined> {
    const action = route.action
    if (action === undefined || (action === 'metrics' && !this.config.metricsAuth)) return undefined
    const table = this.table
    let user: User | undefined
    if (token !== undefined) {
      const verified = this.verifier.verify(token)
      user = verified.ok ? table.get(verified.username) : undefined
      if (user === undefined) throw unauthenticated()
      const store = this.store
      if (store !== undefined && store.state !== 'ok') {
        const waiting = user
        return store.whenReplayed(this.config.tokenStorage?.waitMs ?? 0).then((replayed) => {
          if (!replayed) throw new HttpError(503, 'token store not ready')
          return this.permit(table, this.stored(waiting, token), action, params, identified)
        })
      }
      if (store !== undefined) this.stored(user, token)
    }
    return this.permit(table, user, action, params, identified)
  }

  private stored (user: User, token: string): User {
    if (!(this.store?.matches(user.name, token) ?? true)) throw unauthenticated()
    return user
  }

  private permit (table: UsersTable, user: User | undefined, action: string, params: Readonly<Record<string, string>>, identified?: (user: User) => void): User | undefined {
    if (user !== undefined) identified?.(user)
    const scopeParam = SCOPE_PARAM[action]
    if (!allowed(table, user, action, scopeParam === undefined ? undefined : params[scopeParam])) throw forbidden()
    return user
  }
}
