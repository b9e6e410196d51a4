// Permission evaluation (SPEC §6.4): the union of the `anonymous` entry and, for an authenticated
// request, the user's own entry. Nothing else grants anything: unknown actions are denied.
import { isBooleanAction, isScopedAction, type ScopedAction, type User, type UsersTable } from './users.js'

export type ActionKind = 'boolean' | 'scoped'

/** Whether a route action is granted by `true` or checked against a scope value; undefined = unknown. */
export function actionKind (action: string): ActionKind | undefined {
  if (isBooleanAction(action)) return 'boolean'
  if (isScopedAction(action)) return 'scoped'
  return undefined
}

/**
 * Whether `action` is allowed. `user` is the authenticated user's entry (undefined = anonymous request);
 * `scope` is the value a scoped action is checked against (topic, broker path text, group id), compared
 * exactly. A scoped action without a scope value is granted only by `all`.
 */
export function allowed (table: UsersTable, user: User | undefined, action: string, scope?: string): boolean {
  const anonymous = table.anonymous
  if (isBooleanAction(action)) {
    return (anonymous?.booleans.has(action) ?? false) || (user !== undefined && user.booleans.has(action))
  }
  if (isScopedAction(action)) {
    return grants(anonymous, action, scope) || (user !== undefined && grants(user, action, scope))
  }
  return false
}

function grants (user: User | undefined, action: ScopedAction, scope: string | undefined): boolean {
  const granted = user?.scoped.get(action)
  if (granted === undefined) return false
  if (granted === 'all') return true
  return scope !== undefined && granted.has(scope)
}
