// SPEC §1, §10.6a: every access line names the user (`anonymous` without an accepted token) and a
// 4xx/5xx line the error answered; the token itself is never logged. SPEC §6.6 with
// KASTLEX_TRUST_PROXY=1: the login rate limit keys on the right-most x-forwarded-for entry (the one the
// trusted proxy wrote), so entries a client prepends do not walk around it.
import test from 'ava'
import { DEV_ADMIN } from '../../src/auth/dev-auth.js'
import { gatewayPerFile, startGateway } from '../helpers/gateway.js'

const gateway = gatewayPerFile(test)

interface AccessLine { msg: string, request_id: string, status: number, user?: string, error?: string }

/** The access line of the request that answered with `response` (by its request id). */
async function accessLine (response: Response): Promise<AccessLine> {
  const id = response.headers.get('x-request-id') as string
  const pattern = new RegExp(`"msg":"request","request_id":"${id}"`)
  await gateway().waitForOutput(pattern)
  const line = gateway().output().split('\n').find((text) => pattern.test(text)) as string
  return JSON.parse(line) as AccessLine
}

const login = async (url: string, headers: Record<string, string> = {}): Promise<Response> => await fetch(`${url}/login`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(DEV_ADMIN)
})

test('access lines: the user (anonymous or the token\'s), the error name on 4xx/5xx, never the token', async (t) => {
  const ok = await fetch(`${gateway().url}/api/v1/topics`)
  t.is(ok.status, 200)
  const okLine = await accessLine(ok)
  t.is(okLine.user, 'anonymous')
  t.false('error' in okLine, 'a 2xx line has no error')

  const health = await accessLine(await fetch(`${gateway().url}/health`))
  t.like(health, { status: 200, user: 'anonymous' }, 'routes without auth: anonymous')

  const missing = await accessLine(await fetch(`${gateway().url}/api/v1/topics/no-such-topic-here`))
  t.like(missing, { status: 404, user: 'anonymous', error: 'Unknown topic' })
  t.like(await accessLine(await fetch(`${gateway().url}/nowhere`)), { status: 404, error: 'not found' })
  t.like(await accessLine(await fetch(`${gateway().url}/api/v1/messages/kastlex/x`)), { status: 400, error: 'invalid partition' })
  t.like(await accessLine(await fetch(`${gateway().url}/admin/reload`)), { status: 403, user: 'anonymous', error: 'Unauthorized' })

  const loggedIn = await login(gateway().url)
  t.is(loggedIn.status, 200)
  const { token } = await loggedIn.json() as { token: string }
  const authorization = { authorization: `Bearer ${token}` }
  t.like(await accessLine(await fetch(`${gateway().url}/api/v1/topics`, { headers: authorization })), { status: 200, user: 'admin' })
  t.like(await accessLine(await fetch(`${gateway().url}/admin/tokens/nobody`, { method: 'DELETE', headers: authorization })), { status: 501, user: 'admin', error: 'token storage disabled' })
  const [header, claims, signature] = token.split('.') as [string, string, string]
  const forged = `${header}.${claims}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`
  t.like(await accessLine(await fetch(`${gateway().url}/api/v1/topics`, { headers: { authorization: `Bearer ${forged}` } })),
    { status: 401, user: 'anonymous', error: 'Unauthenticated' }, 'a token that is not accepted names nobody')
  t.false(gateway().output().includes(token.split('.')[2] as string), 'the token is never logged')
})

test('KASTLEX_TRUST_PROXY=1: the login limit keys on the right-most x-forwarded-for entry; prepended entries change nothing', async (t) => {
  const proxied = await startGateway({ KASTLEX_TRUST_PROXY: '1', KASTLEX_LOGIN_MAX_PER_ADDRESS: '3' })
  t.teardown(async () => { await proxied.stop() })
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) statuses.push((await login(proxied.url, { 'x-forwarded-for': `10.0.0.${i}, 203.0.113.9` })).status)
  t.deepEqual(statuses, [200, 200, 200, 429, 429])
  t.is((await login(proxied.url, { 'x-forwarded-for': '10.0.0.1, 203.0.113.10' })).status, 200, 'another client (as the proxy saw it) is unaffected')
})
