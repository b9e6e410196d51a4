// POST /login (SPEC §4.1, §6.6): credentials from the body only, a rate limit per client address and per
// username, one bcrypt comparison (off the main thread) whatever the outcome, an ES512 token.
import type { AccessControl } from '../auth/access.js'
import type { TokenIssuer } from '../auth/jwt.js'
import { parseLoginBody } from '../auth/login-body.js'
import { verifyPassword } from '../auth/passwords.js'
import { clientAddress, type LoginRateLimiter } from '../auth/rate-limit.js'
import type { TokenStore } from '../auth/token-store.js'
import { ANONYMOUS } from '../auth/users.js'
import { invalidCredentials, tooManyLoginAttempts } from '../http/errors.js'
import type { Route } from '../http/router.js'

export const LOGIN_BODY_LIMIT = 64 * 1024

export interface LoginOptions {
  readonly access: AccessControl
  readonly issuer: TokenIssuer
  readonly limiter: LoginRateLimiter
  /** KASTLEX_TRUST_PROXY: proxies in front that append to x-forwarded-for. */
  readonly trustProxyHops: number
  /** With token storage, the token is written (and acknowledged) before it is handed out. */
  readonly tokens: TokenStore | undefined
}

export function loginRoute ({ access, issuer, limiter, trustProxyHops, tokens }: LoginOptions): Route {
  return {
    method: 'POST',
    template: '/login',
    negotiation: 'accept',
    bodyLimit: LOGIN_BODY_LIMIT,
    handle: async (ctx) => {
      const address = clientAddress(ctx.peer(), ctx.headers.all('x-forwarded-for'), trustProxyHops)
      const { username, password } = parseLoginBody(ctx.headers.get('content-type'), await ctx.body())
      // Counts the attempt and a provisional failure at once, so concurrent guesses are bounded too.
      const permit = limiter.begin(address, username)
      if (!permit.allowed) throw tooManyLoginAttempts(permit.retryAfterSeconds)
      const user = username === ANONYMOUS ? undefined : access.users.get(username)
      if (!await verifyPassword(password, user?.passwordHash)) throw invalidCredentials()
      permit.succeeded()
      const token = issuer.issue(username)
      await tokens?.save(username, token, ctx.requester)
      return { status: 200, body: JSON.stringify({ token }) }
    }
  }
}
