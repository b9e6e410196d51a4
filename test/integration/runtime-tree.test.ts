// The Docker image's runtime stage copies what scripts/runtime-tree.mjs lays out (Docker cannot run here):
// the gateway started from that folder alone serves the dashboard, a login (bcrypt), produce, a JSON and a binary fetch
// (the fetch library loads on first use) with a worker thread, and the folder stays small. Leaving out
// any of a few files it needs makes the same check fail, so the check can catch a missing file.
import test from 'ava'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEV_ADMIN } from '../../src/auth/dev-auth.js'
import { startGateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const SCRIPT = fileURLToPath(new URL('../../../scripts/runtime-tree.mjs', import.meta.url))
const MAX_TREE_BYTES = 150 * 1024 * 1024

function bytesUnder (path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.size
  return readdirSync(path).reduce((sum, entry) => sum + bytesUnder(join(path, entry)), 0)
}

function layOut (): string {
  const dir = mkdtempSync(join(tmpdir(), 'kastlex-runtime-'))
  execFileSync(process.execPath, [SCRIPT, dir])
  return dir
}

/** What went wrong when the gateway of `dir` serves the basic routes (empty: all of it worked). */
async function problemsServingFrom (dir: string, topic: string): Promise<string[]> {
  let gateway
  try {
    gateway = await startGateway({ KASTLEX_WORKERS: '1' }, join(dir, 'dist/src/main.js'))
  } catch (err) {
    return [`no start: ${String(err).split('\n').slice(0, 3).join(' ')}`]
  }
  const problems: string[] = []
  const expect = async (what: string, request: Promise<Response>, status: number, check: (body: Buffer) => boolean = () => true): Promise<void> => {
    try {
      const res = await request
      const body = Buffer.from(await res.arrayBuffer())
      if (res.status !== status || !check(body)) problems.push(`${what}: ${res.status} ${body.toString().slice(0, 200)}`)
    } catch (err) {
      problems.push(`${what}: ${String(err)}`)
    }
  }
  try {
    const url = gateway.url
    await expect('ready', fetch(`${url}/ready`), 200)
    await expect('dashboard', fetch(`${url}/`), 200, (body) => body.toString().startsWith('<!doctype html>'))
    await expect('login', fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEV_ADMIN) }), 200)
    await expect('produce', fetch(`${url}/api/v2/messages/${topic}/0`, { method: 'POST', body: 'from the runtime tree' }), 204)
    await expect('fetch json', fetch(`${url}/api/v2/messages/${topic}/0/0`), 200, (body) => body.toString().includes('from the runtime tree'))
    await expect('fetch binary', fetch(`${url}/api/v2/messages/${topic}/0/0`, { headers: { accept: 'application/binary' } }), 200,
      (body) => body.toString() === 'from the runtime tree')
  } finally {
    await gateway.stop()
  }
  return problems
}

test('the runtime tree alone runs the gateway, in at most 150 MB', async (t) => {
  t.timeout(90_000)
  const dir = layOut()
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const bytes = bytesUnder(dir)
  t.log(`runtime tree: ${(bytes / 1024 / 1024).toFixed(1)} MB`)
  t.true(bytes <= MAX_TREE_BYTES, `${bytes} bytes`)
  t.deepEqual(await problemsServingFrom(dir, await createTopic(t)), [])
})

test('a runtime tree missing a file the gateway needs fails the same check', async (t) => {
  t.timeout(180_000)
  const complete = layOut()
  t.teardown(() => rmSync(complete, { recursive: true, force: true }))
  const topic = await createTopic(t)
  const needed = [
    'node_modules/@platformatic/rdkafka/build/deps/librdkafka.so.1',
    'build/Release/kastlex_admin.node',
    'build/Release/uws.node',
    'dist/workers',
    'node_modules/@platformatic/kafka',
    // The fetch path's zstd decompressor, loaded with it.
    'node_modules/fzstd',
    `node_modules/@node-rs/bcrypt-${process.platform}-${process.arch}-gnu`
  ]
  for (const path of needed) {
    const dir = mkdtempSync(join(tmpdir(), 'kastlex-runtime-'))
    cpSync(complete, dir, { recursive: true })
    rmSync(join(dir, path), { recursive: true })
    const started = Date.now()
    const problems = await problemsServingFrom(dir, topic)
    rmSync(dir, { recursive: true, force: true })
    t.log(`without ${path} (${Date.now() - started} ms): ${problems[0] ?? 'no problem'}`)
    t.true(problems.length > 0, `without ${path} the check still passed`)
  }
})
