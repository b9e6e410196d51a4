// The README's Node client of the produce stream, run as written against a gateway: it must work as pasted.
import test from 'ava'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const MARKER = '<!-- produce-stream-example'
const gateway = gatewayPerFile(test, { KASTLEX_WORKERS: '0' })

/** The first ```js block after the marker. */
function example (): string {
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8')
  const start = readme.indexOf('```js\n', readme.indexOf(MARKER))
  if (readme.indexOf(MARKER) < 0 || start < 0) throw new Error('no produce stream example in the README')
  return readme.slice(start + 6, readme.indexOf('```\n', start + 6))
}

test('the README\'s Node client produces its frames and gets one answer per frame in order', async (t) => {
  const topic = await createTopic(t, 2)
  // From the project root, where `ws` is installed (a bare import in evaluated code resolves from the cwd).
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', example()], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, KASTLEX_WS: gateway().url.replace('http', 'ws'), KASTLEX_TOPIC: topic },
    timeout: 30_000
  })
  const lines = stdout.trim().split('\n')
  t.regex(lines.at(-1) as string, /^closed \d+$/)
  const answers = lines.slice(0, -1).map((line) => JSON.parse(line) as { seq: number, results: Array<{ partition: number, offset: number }> })
  t.deepEqual(answers.map((a) => a.seq), [0, 1, 2])
  for (const answer of answers) {
    t.is(answer.results.length, 2)
    for (const result of answer.results) t.true(result.partition >= 0 && result.offset >= 0)
  }
  const res = await fetch(`${gateway().url}/api/v2/messages/${topic}/${answers[0]?.results[1]?.partition ?? 0}/0?max_bytes=1000000`)
  t.true((await res.json() as unknown[]).length > 0, 'the records are in the log')
})
