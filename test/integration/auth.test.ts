// Authentication and authorization through the gateway (SPEC §4.1–§4.3, §6): login, forged tokens,
// every permission kind, reload, and the order 401 → 403.
import { hash } from '@node-rs/bcrypt'
import test from 'ava'
import { createSigner } from 'fast-jwt'
import { createHmac, createPublicKey, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGateway, testAuthFiles, type Gateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const dir = mkdtempSync(join(tmpdir(), 'kastlex-auth-test-'))
const permissionsFile = join(dir, 'permissions.yml')
const passwdFile = join(dir, 'passwd.yml')
const PERMISSIONS = `
anonymous:
  list_topics: true
  show_broker: [1]
alice:
  show_topic: [allowed-topic, 42]
  list_groups: true
admin:
  reload: true
  revoke: true
  metrics: true
  list_brokers: true
`
let gateway: Gateway
let jwkPem: string

test.before(async () => {
  writeFileSync(permissionsFile, PERMISSIONS)
  writeFileSync(passwdFile, `alice:\n  password_hash: "${await hash('wonderland', 4)}"\n` +
    `admin:\n  password_hash: "${(await hash('admin-secret', 4)).replace(/^\$2b\$/, '$2y$')}"\n` +
    `nohash:\n  list_topics: true\n`)
  const { jwkFile } = await testAuthFiles()
  jwkPem = readFileSync(jwkFile, 'utf8')
  gateway = await startGateway({
    KASTLEX_PERMISSIONS_FILE_PATH: permissionsFile,
    KASTLEX_PASSWD_FILE_PATH: passwdFile,
    KASTLEX_METRICS_AUTH: 'true',
    KASTLEX_LOGIN_MAX_FAILURES_PER_USER: '3',
    KASTLEX_TOKEN_TTL_SECONDS: '600'
  })
})
test.after.always(async () => { await gateway?.stop() })

const url = (path: string): string => gateway.url + path
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

async function login (username: string, password: string): Promise<Response> {
  return await fetch(url('/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
}

async function tokenOf (username: string, password: string): Promise<string> {
  const res = await login(username, password)
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
  return (await res.json() as { token: string }).token
}

function claims (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>
}

test('login with JSON, form and multipart bodies gives an ES512 token with the documented claims', async (t) => {
  const json = await login('alice', 'wonderland')
  t.is(json.status, 200)
  const { token } = await json.json() as { token: string }
  t.deepEqual(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()), { alg: 'ES512', typ: 'JWT' })
  const c = claims(token)
  t.like(c, { iss: 'Kastlex', sub: 'user:alice', aud: 'user:alice', typ: 'access', pem: {} })
  t.is((c.exp as number) - (c.iat as number), 600)
  t.regex(c.jti as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

  const form = await fetch(url('/login'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=alice&password=wonderland' })
  t.is(form.status, 200)
  const multipart = new FormData()
  multipart.set('username', 'admin')
  multipart.set('password', 'admin-secret')
  t.is((await fetch(url('/login'), { method: 'POST', body: multipart })).status, 200, '$2y$ hashes are accepted')
})

test('login failures: 401 for bad credentials, 400 for bad bodies', async (t) => {
  for (const [username, password] of [['alice', 'wrong'], ['nobody', 'x'], ['anonymous', ''], ['nohash', 'x']]) {
    const res = await login(username as string, password as string)
    t.is(res.status, 401, username)
    t.deepEqual(await res.json(), { error: 'invalid username or password' })
  }
  const missing = await fetch(url('/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"alice"}' })
  t.is(missing.status, 400)
  t.deepEqual(await missing.json(), { error: 'invalid password: missing' })
  const text = await fetch(url('/login'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'username=alice' })
  t.is(text.status, 400)
  t.deepEqual(await text.json(), { error: 'invalid body' })
  const query = await fetch(url('/login?username=alice&password=wonderland'), { method: 'POST' })
  t.is(query.status, 400, 'credentials never come from the query')
})

test('too many failures for one username → 429 with retry-after', async (t) => {
  const user = 'ratelimited'
  for (let i = 0; i < 3; i++) t.is((await login(user, 'wrong')).status, 401)
  const refused = await login(user, 'wrong')
  t.is(refused.status, 429)
  t.deepEqual(await refused.json(), { error: 'too many login attempts' })
  t.true(Number(refused.headers.get('retry-after')) >= 1)
})

test('forged, expired and foreign tokens are 401 with www-authenticate, never anonymous', async (t) => {
  const good = await tokenOf('alice', 'wonderland')
  const [header, payload, signature] = good.split('.') as [string, string, string]
  const now = Math.floor(Date.now() / 1000)
  const base = { iss: 'Kastlex', sub: 'user:alice', aud: 'user:alice', jti: randomUUID(), typ: 'access', pem: {} }
  const es512 = (claimsSet: Record<string, unknown>): string => createSigner({ algorithm: 'ES512', key: jwkPem })(claimsSet)
  const publicPem = createPublicKey(jwkPem).export({ type: 'spki', format: 'pem' }).toString()
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const hs256Payload = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ ...base, iat: now, exp: now + 600 })}`
  const forged: Record<string, string> = {
    'tampered payload': `${header}.${encode({ ...claims(good), sub: 'user:admin' })}.${signature}`,
    'alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    'HS256 with the public key': `${hs256Payload}.${createHmac('sha256', publicPem).update(hs256Payload).digest('base64url')}`,
    expired: es512({ ...base, iat: now - 7200, exp: now - 3600 }),
    'not yet valid': es512({ ...base, iat: now, nbf: now + 3600, exp: now + 7200 }),
    'issued in the future': es512({ ...base, iat: now + 3600, exp: now + 7200 }),
    'no exp': es512({ ...base, iat: now }),
    'wrong issuer': es512({ ...base, iss: 'Other', iat: now, exp: now + 600 }),
    'unknown user': es512({ ...base, sub: 'user:mallory', aud: 'user:mallory', iat: now, exp: now + 600 }),
    garbage: 'not.a.jwt'
  }
  for (const [name, token] of Object.entries(forged)) {
    const res = await fetch(url('/api/v1/topics'), { headers: bearer(token) })
    t.is(res.status, 401, name)
    t.is(res.headers.get('www-authenticate'), 'Bearer', name)
    t.deepEqual(await res.json(), { error: 'Unauthenticated' }, name)
  }
  t.is((await fetch(url('/api/v1/topics'), { headers: bearer(good) })).status, 200)
  t.is((await fetch(url('/api/v1/topics'), { headers: { authorization: `bearer: ${good}` } })).status, 200, 'Bearer: and case-insensitive')
  t.is((await fetch(url('/api/v1/topics'), { headers: { authorization: 'Basic YWxpY2U6eA==' } })).status, 200, 'not a bearer token → anonymous')
})

test('permissions: booleans, scoped lists with numbers, union with anonymous; 403 after 401', async (t) => {
  const topic = await createTopic(t)
  const alice = await tokenOf('alice', 'wonderland')
  const admin = await tokenOf('admin', 'admin-secret')
  const status = async (path: string, token?: string): Promise<number> =>
    (await fetch(url(path), { headers: token === undefined ? {} : bearer(token) })).status
  t.is(await status('/api/v1/topics'), 200, 'anonymous list_topics')
  t.is(await status('/api/v1/brokers'), 403, 'anonymous has no list_brokers')
  t.is(await status('/api/v1/brokers', admin), 200, 'admin list_brokers')
  t.is(await status('/api/v1/brokers/1'), 200, 'show_broker [1] matches broker "1"')
  t.is(await status('/api/v1/brokers/2'), 403)
  t.is(await status(`/api/v1/topics/${topic}`, alice), 403, 'alice lists other topics only')
  t.is(await status('/api/v1/topics/42', alice), 404, 'the number 42 in the list allows topic "42" (which does not exist)')
  t.is(await status('/api/v1/topics', alice), 200, 'alice has anonymous list_topics too')
  t.is(await status('/api/v1/consumers', alice), 200)
  t.is(await status('/api/v1/consumers'), 403)
  const denied = await fetch(url(`/api/v2/messages/${topic}/0`), { method: 'POST', body: 'x' })
  t.is(denied.status, 403)
  t.deepEqual(await denied.json(), { error: 'Unauthorized' })
  t.is(await status('/metrics'), 403, 'KASTLEX_METRICS_AUTH: metrics is a permission')
  t.is(await status('/metrics', admin), 200)
  t.is(await status('/health', 'garbage'), 200, 'routes without an action ignore tokens')
  t.is((await fetch(url('/api/v1/brokers'), { headers: bearer('garbage') })).status, 401, '401 before 403')
  t.is((await fetch(url('/admin/tokens/alice'), { method: 'DELETE', headers: bearer(admin) })).status, 501)
})

test.serial('reload applies to existing tokens at once; a broken file → 400 and the old table stays', async (t) => {
  const alice = await tokenOf('alice', 'wonderland')
  const admin = await tokenOf('admin', 'admin-secret')
  const brokers = async (): Promise<number> => (await fetch(url('/api/v1/brokers'), { headers: bearer(alice) })).status
  t.is(await brokers(), 403)
  t.is((await fetch(url('/admin/reload'), { headers: bearer(alice) })).status, 403)
  try {
    writeFileSync(permissionsFile, PERMISSIONS.replace('alice:\n', 'alice:\n  list_brokers: true\n'))
    t.is((await fetch(url('/admin/reload'), { headers: bearer(admin) })).status, 204)
    t.is(await brokers(), 200, 'the existing token has the new permission')
    writeFileSync(permissionsFile, PERMISSIONS.replace('alice:\n', 'alice:\n  list_brokers: all\n'))
    const broken = await fetch(url('/admin/reload'), { headers: bearer(admin) })
    t.is(broken.status, 400)
    t.regex((await broken.json() as { error: string }).error, /permissions\.yml.*alice.*list_brokers/)
    t.is(await brokers(), 200, 'the previous table stays')
  } finally {
    writeFileSync(permissionsFile, PERMISSIONS)
    await fetch(url('/admin/reload'), { headers: bearer(admin) })
  }
})
