// The access check reads the client's address only where it may count against the client: a token verified
// before is not, a first verification and a refusal are (SPEC §10.6a's limit on failed tokens per address).
import test, { type ExecutionContext } from 'ava'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AccessControl } from '../../../src/auth/access.js'
import { DEV_ADMIN, writeDevelopmentAuth } from '../../../src/auth/dev-auth.js'
import { createTokenIssuer, createTokenVerifier, loadSigningKey } from '../../../src/auth/jwt.js'
import type { AuthConfig } from '../../../src/config.js'
import type { Route } from '../../../src/http/router.js'

const RELOAD: Route = { method: 'POST', template: '/api/v1/reload', negotiation: 'none', action: 'reload', handle: () => ({ status: 204 }) }
const FAILURES_PER_ADDRESS = 3

async function setUp (t: ExecutionContext): Promise<{ access: AccessControl, token: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kastlex-access-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const files = await writeDevelopmentAuth(dir)
  const key = loadSigningKey(files.jwkFile)
  const config: AuthConfig = {
    ...files,
    tokenTtlSeconds: 3600,
    metricsAuth: false,
    trustProxyHops: 0,
    login: { windowSeconds: 60, maxPerAddress: 10, maxFailuresPerUser: 10 },
    failuresPerAddress: FAILURES_PER_ADDRESS,
    tokenStorage: undefined,
    tokenTopic: '_kastlex_tokens'
  }
  return { access: new AccessControl(config, createTokenVerifier(key), undefined), token: createTokenIssuer(key, 3600).issue(DEV_ADMIN.username) }
}

test('a token verified before does not read the client address; its first verification and every refusal do', async (t) => {
  const { access, token } = await setUp(t)
  let reads = 0
  const client = (): string => { reads++; return '192.0.2.7' }
  t.is((access.check(RELOAD, token, {}, client) as { name: string }).name, DEV_ADMIN.username)
  t.is(reads, 1, 'first verification: the address is admitted by the failure limit')
  for (let i = 0; i < 5; i++) access.check(RELOAD, token, {}, client)
  t.is(reads, 1, 'verified before: never read again')
  const forged = `${token.slice(0, -4)}AAAA`
  for (let i = 0; i < FAILURES_PER_ADDRESS; i++) t.like(t.throws(() => access.check(RELOAD, forged, {}, client)), { status: 401 })
  t.is(reads, 1 + FAILURES_PER_ADDRESS, 'one read per refused check')
  const limited = t.throws(() => access.check(RELOAD, forged, {}, client))
  t.like(limited, { status: 429 })
  t.is((access.check(RELOAD, token, {}, client) as { name: string }).name, DEV_ADMIN.username, 'a token verified before still passes')
})
