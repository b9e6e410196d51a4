// SPEC §6.5: `kastlex hashpw` prints a $2b$12$ hash and a newline (argument or first stdin line); usage
// errors exit 2. Runs the built CLI (dist/src/cli.js) as a child process; no Kafka needed.
import { verify } from '@node-rs/bcrypt'
import test from 'ava'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url))

interface Run { readonly status: number | null, readonly stdout: string, readonly stderr: string }

async function run (args: readonly string[], stdin?: string): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  if (stdin === undefined) child.stdin.end()
  else child.stdin.end(stdin)
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code))
  })
  return { status, stdout, stderr }
}

const HASH_LINE = /^\$2b\$12\$[./A-Za-z0-9]{53}\n$/

test('hashpw <password> prints a $2b$12$ hash and a newline', async (t) => {
  const { status, stdout, stderr } = await run(['hashpw', 'secret'])
  t.is(status, 0, stderr)
  t.regex(stdout, HASH_LINE)
  t.is(stderr, '')
  t.true(await verify('secret', stdout.trimEnd()))
  t.false(await verify('Secret', stdout.trimEnd()))
})

test('hashpw without an argument hashes the first line of stdin', async (t) => {
  const { status, stdout } = await run(['hashpw'], 'pass word\r\nsecond line\n')
  t.is(status, 0)
  t.regex(stdout, HASH_LINE)
  t.true(await verify('pass word', stdout.trimEnd()))
  const unterminated = await run(['hashpw'], 'pässwörd')
  t.is(unterminated.status, 0)
  t.true(await verify('pässwörd', unterminated.stdout.trimEnd()))
})

test('hashpw warns about passwords over 72 bytes', async (t) => {
  const { status, stdout, stderr } = await run(['hashpw', 'x'.repeat(73)])
  t.is(status, 0)
  t.regex(stdout, HASH_LINE)
  t.regex(stderr, /72 bytes/)
})

test('usage errors exit 2 with usage on stderr', async (t) => {
  for (const [args, stdin] of [[['frobnicate']], [[]], [['hashpw', 'a', 'b']], [['hashpw', '']], [['hashpw'], '\n']] as Array<[string[], string?]>) {
    const { status, stdout, stderr } = await run(args, stdin)
    t.is(status, 2, args.join(' '))
    t.is(stdout, '')
    t.regex(stderr, /usage: kastlex hashpw/)
  }
  const unknown = await run(['frobnicate'])
  t.regex(unknown.stderr, /unknown command: frobnicate/)
  const help = await run(['--help'])
  t.is(help.status, 0)
  t.regex(help.stdout, /usage: kastlex hashpw/)
})
