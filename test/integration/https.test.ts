// The TLS listener beside HTTP (SPEC §9: KASTLEX_USE_HTTPS, KASTLEX_HTTPS_PORT, KASTLEX_CERTFILE, KASTLEX_KEYFILE,
// KASTLEX_CACERTFILE). Certificates come from the openssl command line, generated per run.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { authEnvironment } from '../../src/auth/dev-auth.js'
import { freePort, startGateway, testAuthFiles } from '../helpers/gateway.js'
import { KAFKA, createTopic } from '../helpers/kafka.js'

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'kastlex-https-test-'))
const file = (name: string): string => join(dir, name)

function openssl (...args: string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' })
  if (result.error !== undefined) throw new Error(`these tests need the openssl command: ${result.error.message}`)
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${result.stderr}`)
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']

/** A self-signed certificate for 127.0.0.1 and ::1: `<name>.crt`, `<name>.key`. */
function selfSigned (name: string, cn = '127.0.0.1'): void {
  openssl('req', '-x509', ...EC_KEY, '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1', '-days', '1',
    '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`))
}

/** `<name>.crt`/`.key` issued by `<issuer>`; a CA when `ca`. */
function issued (name: string, issuer: string, ca: boolean): void {
  openssl('req', '-new', ...EC_KEY, '-subj', `/CN=${ca ? `KastleX test ${name}` : '127.0.0.1'}`,
    '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`))
  writeFileSync(file(`${name}.ext`), ca
    ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
    : 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n')
  openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${issuer}.crt`), '-CAkey', file(`${issuer}.key`),
    '-CAcreateserial', '-days', '1', '-extfile', file(`${name}.ext`), '-out', file(`${name}.crt`))
}

test.before(() => {
  selfSigned('server')
  selfSigned('other')
  // root → intermediate → leaf: the intermediate is the chain KASTLEX_CACERTFILE sends.
  openssl('req', '-x509', ...EC_KEY, '-subj', '/CN=KastleX test root', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-days', '1', '-keyout', file('root.key'), '-out', file('root.crt'))
  issued('intermediate', 'root', true)
  issued('leaf', 'intermediate', false)
  writeFileSync(file('garbage.key'), 'not a key\n')
})
test.after.always(() => { rmSync(dir, { recursive: true, force: true }) })

interface Answer { status: number, body: string }

function httpsGet (port: number, path: string, ca: string, host = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, ca: readFileSync(ca), agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.once('error', reject)
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from https://${host}:${port}${path}`)))
    req.end()
  })
}

async function httpsGateway (env: Record<string, string>): Promise<{ url: string, httpsPort: number, stop: () => Promise<number | null>, output: () => string }> {
  const gateway = await startGateway({ KASTLEX_USE_HTTPS: 'true', ...env }, undefined, ['KASTLEX_HTTPS_PORT'])
  return { url: gateway.url, httpsPort: gateway.ports.KASTLEX_HTTPS_PORT, stop: gateway.stop, output: gateway.output }
}

test('HTTPS beside HTTP: the same routes answer on both ports', async (t) => {
  const gateway = await httpsGateway({ KASTLEX_CERTFILE: file('server.crt'), KASTLEX_KEYFILE: file('server.key') })
  t.teardown(gateway.stop)
  t.regex(gateway.output(), new RegExp(`"msg":"listening".*"https_port":${gateway.httpsPort}`))

  const health = await httpsGet(gateway.httpsPort, '/health', file('server.crt'))
  t.is(health.status, 200)
  t.deepEqual(JSON.parse(health.body), { status: 'ok' })
  const topics = await httpsGet(gateway.httpsPort, '/api/v1/topics', file('server.crt'))
  t.is(topics.status, 200)
  t.true((JSON.parse(topics.body) as string[]).includes('kastlex'), topics.body)

  const plain = await fetch(`${gateway.url}/health`)
  t.is(plain.status, 200)
  t.deepEqual(await plain.json(), { status: 'ok' })
  // A client that does not trust the certificate is refused by its own TLS stack, not served in the clear.
  await t.throwsAsync(httpsGet(gateway.httpsPort, '/health', file('other.crt')), { message: /self[- ]signed|verify|certificate/i })
})

test('HTTPS: 10 produces pipelined in one write are answered in order (pipelining over TLS)', async (t) => {
  const gateway = await httpsGateway({ KASTLEX_CERTFILE: file('server.crt'), KASTLEX_KEYFILE: file('server.key'), KASTLEX_WORKERS: '0' })
  t.teardown(gateway.stop)
  const topic = await createTopic(t)
  const post = (i: number): string => `POST /api/v1/messages/${topic}/0 HTTP/1.1\r\nhost: localhost\r\ncontent-length: ${String(i).length}\r\n` +
    `${i === 9 ? 'connection: close\r\n' : ''}\r\n${i}`
  const received = await new Promise<string>((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: gateway.httpsPort, ca: readFileSync(file('server.crt')) }, () => {
      socket.write(Array.from({ length: 10 }, (_, i) => post(i)).join(''))
    })
    let data = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => { data += chunk })
    socket.once('error', reject)
    socket.once('close', () => resolve(data))
    socket.setTimeout(10_000, () => socket.destroy(new Error(`connection not closed; received: ${JSON.stringify(data)}`)))
  })
  const offsets = [...received.matchAll(/x-message-offset: (\d+)/gi)].map((match) => Number(match[1]))
  t.is(received.match(/HTTP\/1\.1 204/g)?.length, 10, received)
  t.deepEqual(offsets, Array.from({ length: 10 }, (_, i) => i))
})

test('KASTLEX_CACERTFILE is sent as the chain; no client certificate is requested', async (t) => {
  const gateway = await httpsGateway({
    KASTLEX_CERTFILE: file('leaf.crt'), KASTLEX_KEYFILE: file('leaf.key'), KASTLEX_CACERTFILE: file('intermediate.crt')
  })
  t.teardown(gateway.stop)
  // The client trusts only the root: the handshake succeeds only when the server sends the intermediate.
  const health = await httpsGet(gateway.httpsPort, '/health', file('root.crt'))
  t.is(health.status, 200)

  const client = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${gateway.httpsPort}`, '-CAfile', file('root.crt')], {
    input: '', encoding: 'utf8', timeout: 10_000
  })
  t.regex(client.stdout, /No client certificate CA names sent/)
  t.regex(client.stdout, /Verify return code: 0 \(ok\)/)
})

/** Runs dist/src/main.js to its exit; the configuration is valid apart from `env`. */
async function startExpectingFailure (env: Record<string, string>): Promise<{ status: number | null, output: string }> {
  const result = spawnSync(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      KASTLEX_HTTP_PORT: String(await freePort()),
      KASTLEX_HTTPS_PORT: String(await freePort()),
      KASTLEX_KAFKA_CLUSTER: KAFKA,
      KASTLEX_WORKERS: '1',
      KASTLEX_USE_HTTPS: 'true',
      ...authEnvironment(await testAuthFiles()),
      ...env
    },
    encoding: 'utf8',
    timeout: 20_000
  })
  return { status: result.status, output: result.stdout + result.stderr }
}

test('a missing certificate file stops the start, naming KASTLEX_CERTFILE', async (t) => {
  const { status, output } = await startExpectingFailure({ KASTLEX_CERTFILE: file('missing.crt'), KASTLEX_KEYFILE: file('server.key') })
  t.is(status, 1)
  t.regex(output, /KASTLEX_CERTFILE: cannot read .*missing\.crt/)
  t.notRegex(output, /"msg":"listening"/)
})

test('an unusable or mismatched key stops the start, naming KASTLEX_KEYFILE', async (t) => {
  for (const key of ['garbage.key', 'other.key']) {
    const { status, output } = await startExpectingFailure({ KASTLEX_CERTFILE: file('server.crt'), KASTLEX_KEYFILE: file(key) })
    t.is(status, 1, output)
    t.regex(output, new RegExp(`KASTLEX_KEYFILE: .*${key.replace('.', '\\.')}`), output)
    t.notRegex(output, /"msg":"listening"/)
  }
})

test('a certificate file without a certificate stops the start, naming KASTLEX_CERTFILE', async (t) => {
  const { status, output } = await startExpectingFailure({ KASTLEX_CERTFILE: file('server.key'), KASTLEX_KEYFILE: file('server.key') })
  t.is(status, 1, output)
  t.regex(output, /KASTLEX_CERTFILE: .*server\.key: no PEM certificate/)
})

test('an HTTPS port already taken stops the start', async (t) => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as { port: number }).port
  const { status, output } = await startExpectingFailure({
    KASTLEX_CERTFILE: file('server.crt'), KASTLEX_KEYFILE: file('server.key'), KASTLEX_HTTPS_PORT: String(port)
  })
  t.is(status, 1, output)
  t.regex(output, new RegExp(`cannot listen on HTTPS port ${port}`))
})

test('KASTLEX_HTTPS_HOST: :: by default answers over IPv4 and IPv6; ::1 refuses 127.0.0.1', async (t) => {
  const files = { KASTLEX_CERTFILE: file('server.crt'), KASTLEX_KEYFILE: file('server.key') }
  const dual = await httpsGateway(files)
  t.teardown(dual.stop)
  t.is((await httpsGet(dual.httpsPort, '/health', file('server.crt'))).status, 200)
  t.is((await httpsGet(dual.httpsPort, '/health', file('server.crt'), '::1')).status, 200)
  const v6 = await httpsGateway({ ...files, KASTLEX_HTTPS_HOST: '::1' })
  t.teardown(v6.stop)
  t.is((await httpsGet(v6.httpsPort, '/health', file('server.crt'), '::1')).status, 200)
  await t.throwsAsync(httpsGet(v6.httpsPort, '/health', file('server.crt')), { code: 'ECONNREFUSED' })
})

test('an HTTPS port another gateway holds stops the start (no silent sharing)', async (t) => {
  const files = { KASTLEX_CERTFILE: file('server.crt'), KASTLEX_KEYFILE: file('server.key') }
  const first = await httpsGateway(files)
  t.teardown(first.stop)
  const { status, output } = await startExpectingFailure({ ...files, KASTLEX_HTTPS_PORT: String(first.httpsPort) })
  t.is(status, 1, output)
  t.regex(output, new RegExp(`cannot listen on HTTPS port ${first.httpsPort} on ::`))
  t.notRegex(output, /"msg":"listening"/)
})
