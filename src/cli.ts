#!/usr/bin/env node
// `kastlex hashpw [<password>]` (SPEC §6.5): prints a `$2b$12$` bcrypt hash of the password and a newline
// for `password_hash` in passwd.yml. Without an argument the password is the first line of stdin (a
// trailing CR is dropped), so it stays out of the shell history and the process list:
//   printf '%s\n' "$PASSWORD" | npx kastlex hashpw
// bcrypt uses the first 72 bytes of the UTF-8 password; a longer one is hashed with a warning on stderr.
// Exit status: 0 done, 1 failure, 2 usage error (unknown command, extra arguments, empty password).
import { hashPassword } from './auth/passwords.js'

const USAGE = `usage: kastlex hashpw [<password>]
  Prints a bcrypt hash (cost 12) of <password>, or of the first line of stdin, for passwd.yml.
`

const MAX_PASSWORD_BYTES = 72

async function main (args: readonly string[]): Promise<number> {
  const [command, ...rest] = args
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return 0
  }
  if (command !== 'hashpw' || rest.length > 1) return usage(command === undefined || command === 'hashpw' ? undefined : `unknown command: ${command}`)
  const password = rest[0] ?? await readFirstLine(process.stdin)
  if (password === '') return usage('empty password')
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    process.stderr.write(`kastlex: warning: the password is longer than ${MAX_PASSWORD_BYTES} bytes; bcrypt uses only the first ${MAX_PASSWORD_BYTES}\n`)
  }
  process.stdout.write(`${await hashPassword(password)}\n`)
  return 0
}

function usage (problem: string | undefined): number {
  process.stderr.write(`${problem === undefined ? '' : `kastlex: ${problem}\n`}${USAGE}`)
  return 2
}

/** The text before the first LF (without a trailing CR), or all of it at end of input; UTF-8. */
async function readFirstLine (input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    const newline = bytes.indexOf(0x0a)
    if (newline >= 0) {
      chunks.push(bytes.subarray(0, newline))
      break // leaves the loop and releases stdin: the rest is never read
    }
    chunks.push(bytes)
  }
  const line = Buffer.concat(chunks).toString('utf8')
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status },
  (error: unknown) => {
    process.stderr.write(`kastlex: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  }
)
