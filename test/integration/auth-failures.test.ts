// SPEC §10.6a: more than KASTLEX_AUTH_FAILURES_PER_ADDRESS failed token verifications from one client
// address within 10 s → 429 with retry-after, before any signature is checked; other addresses, and
// tokens this instance already verified, are not held up.
import { hash } from '@node-rs/bcrypt'
import test from 'ava'
import { createSigner } from 'fast-jwt'
import { generateKeyPairSync } from 'node:crypto'
import { request } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGateway, type Gateway } from '../helpers/gateway.js'
import { eventually } from '../helpers/poll.js'

const LIMIT = 5
const dir = mkdtempSync(join(tmpdir(), 'kastlex-auth-failures-'))
let gateway: Gateway

test.before(async () => {
  writeFileSync(join(dir, 'permissions.yml'), 'anonymous:\n  list_topics: true\nalice:\n  list_brokers: true\n')
  writeFileSync(join(dir, 'passwd.yml'), `alice:\n  password_hash: "${await hash('pw', 4)}"\n`)
  gateway = await startGateway({
    KASTLEX_PERMISSIONS_FILE_PATH: join(dir, 'permissions.yml'),
    KASTLEX_PASSWD_FILE_PATH: join(dir, 'passwd.yml'),
    KASTLEX_AUTH_FAILURES_PER_ADDRESS: String(LIMIT)
  })
})
test.after.always(async () => { await gateway?.stop() })

interface Answer { readonly status: number, readonly retryAfter: string | undefined, readonly body: string }

/** GET `path` from the local address `from` (any 127.0.0.0/8 address reaches the gateway's loopback port). */
async function get (path: string, token: string | undefined, from = '127.0.0.1'): Promise<Answer> {
  const { port } = new URL(gateway.url)
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, localAddress: from, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function login (): Promise<string> {
  const res = await fetch(`${gateway.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'pw' }) })
  return (await res.json() as { token: string }).token
}

const stranger = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const forge = createSigner({ algorithm: 'ES512', key: stranger, iss: 'Kastlex', sub: 'user:alice', expiresIn: 600_000 })
/** A distinct token with in-range claims and a signature by another P-521 key. */
let forgeries = 0
const forged = (): string => forge({ jti: `forged-${forgeries++}` })

test('more failures than the limit from one address → 429 with retry-after; another address, and a token already verified, still work', async (t) => {
  const known = await login()
  t.is((await get('/api/v1/brokers', known)).status, 200)

  for (let i = 0; i < LIMIT; i++) t.is((await get('/api/v1/brokers', forged())).status, 401, `failure ${i + 1}`)
  const limited = await get('/api/v1/brokers', forged())
  t.is(limited.status, 429)
  t.deepEqual(JSON.parse(limited.body), { error: 'too many authentication failures' })
  const retryAfter = Number(limited.retryAfter)
  t.true(retryAfter >= 1 && retryAfter <= 10, `retry-after ${limited.retryAfter}`)
  t.is((await get('/api/v1/brokers', 'garbage')).status, 429, 'any token not verified before')

  const fresh = await login()
  t.is((await get('/api/v1/brokers', fresh)).status, 429, 'an unverified valid token from the limited address waits its turn too')
  t.is((await get('/api/v1/brokers', known)).status, 200, 'a token this instance already verified is not held up')
  t.is((await get('/api/v1/topics', undefined)).status, 200, 'anonymous requests are not limited')

  t.is((await get('/api/v1/brokers', fresh, '127.0.0.2')).status, 200, 'a valid token from another address')
  t.is((await get('/api/v1/brokers', forged(), '127.0.0.2')).status, 401, 'another address has its own count')

  // The window is 10 s: the address is served again once its failures have left it.
  const later = await eventually(async () => await get('/api/v1/brokers', forged()), (answer) => answer.status !== 429, 15_000, 500)
  t.is(later.status, 401)
})
