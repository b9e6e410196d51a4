// The stop's way out (src/exit-now.ts): _exit through our addon ends the process at once with its code
// and its last stdout line, and the armed deadline ends it even while the JavaScript thread is stuck.
import test from 'ava'
import { spawnSync } from 'node:child_process'

const EXIT_NOW = new URL('../../src/exit-now.js', import.meta.url).href

const run = (script: string): { status: number | null, stdout: string, ms: number } => {
  const started = Date.now()
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', `import { exitAfter, exitNow } from '${EXIT_NOW}'\n${script}`], { encoding: 'utf8', timeout: 20_000 })
  return { status: result.status, stdout: result.stdout, ms: Date.now() - started }
}

test('exitNow ends the process with its code at once, after what was written', (t) => {
  const { status, stdout } = run("setInterval(() => {}, 1000); process.stdout.write('last line\\n'); exitNow(3)")
  t.is(status, 3)
  t.is(stdout, 'last line\n')
})

test('exitAfter ends the process by its deadline even while the JavaScript thread never yields', (t) => {
  const { status, ms } = run('exitAfter(300, 0); for (;;) {}')
  t.is(status, 0)
  t.true(ms < 10_000, `${ms} ms`)
})

test('bad arguments throw instead of reaching native code', (t) => {
  const { status, stdout } = run("try { exitNow(-1) } catch (err) { process.stdout.write(err.message) }")
  t.is(status, 0)
  t.regex(stdout, /code is out of range/)
})
