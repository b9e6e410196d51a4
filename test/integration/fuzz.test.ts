// The short fuzz run (npm run fuzz -- --short, fixed seed, about 30 s over KASTLEX_WORKERS 0 and 2) passes:
// no crash, no 5xx other than 503, no answer after its deadline, JSON errors, client mistakes answered
// 4xx, valid traffic served and checked, RSS within bounds, /health answering at the end.
import test from 'ava'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../fuzz/main.js', import.meta.url))

test('the short fuzz run passes', async (t) => {
  t.timeout(90_000, 'the short run takes about 45 s')
  const child = spawn(process.execPath, [MAIN, '--short'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  t.log(output.split('\n').map((line) => line.length > 1500 ? `${line.slice(0, 1500)}…` : line).join('\n'))
  t.regex(output, /fuzz: \d+ requests in/)
  t.is(code, 0)
})
