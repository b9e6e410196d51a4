// GET /admin/reload (SPEC §4.2) and DELETE /admin/tokens/:username (§4.3).
import type { AccessControl } from '../auth/access.js'
import type { TokenStore } from '../auth/token-store.js'
import { UsersFileError } from '../auth/users.js'
import { tokenStorageDisabled, usersFileRefused } from '../http/errors.js'
import type { Route } from '../http/router.js'

export function adminRoutes (access: AccessControl, tokens: TokenStore | undefined): Route[] {
  return [
    {
      method: 'GET',
      template: '/admin/reload',
      negotiation: 'accept',
      action: 'reload',
      handle: () => {
        try {
          access.reload()
        } catch (err) {
          if (err instanceof UsersFileError) throw usersFileRefused(err.message)
          throw err
        }
        return { status: 204 }
      }
    },
    {
      method: 'DELETE',
      template: '/admin/tokens/:username',
      negotiation: 'accept',
      action: 'revoke',
      handle: async (ctx) => {
        if (tokens === undefined) throw tokenStorageDisabled()
        await tokens.revoke(ctx.params.username as string, ctx.requester)
        return { status: 204 }
      }
    }
  ]
}
