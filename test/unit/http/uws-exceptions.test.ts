// Exceptions in JavaScript called by uWS (scripts/uws-source.mjs, CAUGHT_THROW_EDITS: each call runs inside a
// TryCatch that captures no message). One JavaScript catches changes nothing; one it does not catch is still
// reported as uncaught, with the object thrown: to process.on('uncaughtException'), and without a handler the
// process ends as Node ends it. Each case runs in a process of its own, over a real socket.
import test from 'ava'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'

const UWS_MODULE = new URL('../../../src/http/uws.js', import.meta.url).href

async function freePort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

/** A uWS app whose /caught handler throws and catches, and whose /uncaught handler throws `boom`. */
function script (port: number, handled: boolean): string {
  return `
    const { App } = await import(${JSON.stringify(UWS_MODULE)})
    const boom = new Error('boom')
    ${handled ? "process.on('uncaughtException', (err) => { console.log('uncaught ' + err.message + ' ' + (err === boom)); process.exit(0) })" : ''}
    App()
      .get('/caught', (res) => {
        try { throw new Error('caught') } catch (err) { res.end('ok ' + err.message) }
      })
      .get('/uncaught', (res) => {
        res.onAborted(() => {})
        throw boom
      })
      .listen('127.0.0.1', ${port}, async (token) => {
        if (!token) process.exit(3)
        console.log(await (await fetch('http://127.0.0.1:${port}/caught')).text())
        fetch('http://127.0.0.1:${port}/uncaught').catch(() => {})
      })
  `
}

async function run (handled: boolean): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script(await freePort(), handled)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const [code] = await once(child, 'exit') as [number | null]
  return { code, stdout, stderr }
}

test('a throw caught in a handler answers as usual; one not caught reaches uncaughtException with the object thrown', async (t) => {
  const { code, stdout } = await run(true)
  t.is(code, 0)
  t.deepEqual(stdout.trim().split('\n'), ['ok caught', 'uncaught boom true'])
})

test('without an uncaughtException handler, an exception a handler does not catch ends the process, named on stderr', async (t) => {
  const { code, stdout, stderr } = await run(false)
  t.is(code, 1)
  t.is(stdout.trim(), 'ok caught')
  t.regex(stderr, /Error: boom/)
})
