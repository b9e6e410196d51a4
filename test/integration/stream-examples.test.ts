// The README's clients of the streams, run as written against a gateway: they must work as pasted. The produce
// stream's Node and Python clients (the Python one in a virtual environment under .cache/ with the `websockets`
// package), the consume stream's curl command and Node client.
import test, { type ExecutionContext } from 'ava'
import { execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const gateway = gatewayPerFile(test, { KASTLEX_WORKERS: '0' })
const run = promisify(execFile)
/** The Python client's library, pinned (the README asks for 13 or later). */
const WEBSOCKETS = 'websockets==15.0.1'
const VENV = `${ROOT}/.cache/python-websockets`

/** The code block (```lang) after the README's marker. */
function example (marker: string, lang: string): string {
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8')
  const at = readme.indexOf(`<!-- ${marker} `)
  const start = readme.indexOf(`\`\`\`${lang}\n`, at)
  if (at < 0 || start < 0) throw new Error(`no ${marker} in the README`)
  const code = start + lang.length + 4
  return readme.slice(code, readme.indexOf('```\n', code))
}

/** The answers the example printed, one JSON line per frame, each with its records placed. */
function checkAnswers (t: ExecutionContext, lines: string[]): Array<{ seq: number, results: Array<{ partition: number, offset: number }> }> {
  const answers = lines.map((line) => JSON.parse(line) as { seq: number, results: Array<{ partition: number, offset: number }> })
  t.deepEqual(answers.map((a) => a.seq), [0, 1, 2])
  for (const answer of answers) {
    t.is(answer.results.length, 2)
    for (const result of answer.results) t.true(result.partition >= 0 && result.offset >= 0)
  }
  return answers
}

/** The python of a virtual environment with the pinned websockets, made on first use. */
async function python (): Promise<string> {
  const bin = `${VENV}/bin/python`
  if (!existsSync(bin)) await run('python3', ['-m', 'venv', VENV])
  await run(bin, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', WEBSOCKETS], { timeout: 120_000 })
  return bin
}

test('the README\'s Node client produces its frames and gets one answer per frame in order', async (t) => {
  const topic = await createTopic(t, 2)
  // From the project root, where `ws` is installed (a bare import in evaluated code resolves from the cwd).
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', example('produce-stream-example', 'js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, KASTLEX_WS: gateway().url.replace('http', 'ws'), KASTLEX_TOPIC: topic },
    timeout: 30_000
  })
  const lines = stdout.trim().split('\n')
  t.regex(lines.at(-1) as string, /^closed \d+$/)
  const answers = checkAnswers(t, lines.slice(0, -1))
  const res = await fetch(`${gateway().url}/api/v2/messages/${topic}/${answers[0]?.results[1]?.partition ?? 0}/0?max_bytes=1000000`)
  t.true((await res.json() as unknown[]).length > 0, 'the records are in the log')
})

test('the README\'s Python client produces its frames and gets one answer per frame in order', async (t) => {
  const topic = await createTopic(t, 1)
  const { stdout } = await run(await python(), ['-c', example('produce-stream-example-python', 'python')], {
    env: { PATH: process.env.PATH, KASTLEX_WS: gateway().url.replace('http', 'ws'), KASTLEX_TOPIC: topic },
    timeout: 30_000
  })
  const answers = checkAnswers(t, stdout.trim().split('\n'))
  t.deepEqual(answers.flatMap((a) => a.results.map((r) => r.offset)), [0, 1, 2, 3, 4, 5], 'one partition: consecutive offsets in frame order')
  const res = await fetch(`${gateway().url}/api/v2/messages/${topic}/0/0?max_bytes=1000000`)
  const records = await res.json() as Array<{ key: string | null, value: string }>
  t.deepEqual(records.map((r) => [r.key, r.value]), [['user-0', 'hello 0'], [null, 'no key'], ['user-1', 'hello 1'], [null, 'no key'], ['user-2', 'hello 2'], [null, 'no key']])
})

/** Produces `count` records `v<i>` with keys `k<i>` to partition 0. */
async function produce (topic: string, count: number): Promise<void> {
  const body = JSON.stringify(Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}` })))
  const res = await fetch(`${gateway().url}/api/v2/batch/${topic}/0`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  if (res.status !== 200) throw new Error(`produce: ${res.status}`)
}

test('the README\'s curl command prints the records as Server-Sent Events', async (t) => {
  const topic = await createTopic(t, 1)
  await produce(topic, 2)
  const command = example('consume-stream-example-curl', 'sh').split('\n')[0] as string
  const args = command.replace('localhost:8092', gateway().url).replace('/orders/', `/${topic}/`)
  // The stream does not end by itself: curl is stopped once it printed both records (at most after 30 s).
  const stdout = await new Promise<string>((resolve, reject) => {
    const curl = spawn('sh', ['-c', `exec ${args} --silent --max-time 30`], { stdio: ['ignore', 'pipe', 'inherit'] })
    let printed = ''
    curl.stdout.setEncoding('utf8')
    curl.stdout.on('data', (chunk: string) => {
      printed += chunk
      if (/^id: 1\n[^]*?\n\n/m.test(printed)) curl.kill()
    })
    curl.once('error', reject)
    curl.once('close', (code, signal) => { if (signal === 'SIGTERM') resolve(printed); else reject(new Error(`curl ended (${code}) with: ${printed}`)) })
  })
  const events = stdout.split('\n\n').filter((e) => e.startsWith('id:'))
  t.deepEqual(events.map((e) => e.split('\n').slice(0, 2)), [['id: 0', 'event: message'], ['id: 1', 'event: message']])
  t.like(JSON.parse((events[1] as string).split('\n')[2]?.replace('data: ', '') as string), { offset: 1, key: 'k1', value: 'v1' })
})

test('the README\'s Node client prints the records it receives over WebSocket, then closes', async (t) => {
  const topic = await createTopic(t, 1)
  await produce(topic, 3)
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', example('consume-stream-example', 'js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, KASTLEX_WS: gateway().url.replace('http', 'ws'), KASTLEX_TOPIC: topic },
    timeout: 30_000
  })
  const lines = stdout.trim().split('\n')
  t.deepEqual(lines.slice(0, -1), ['0 k0 v0', '1 k1 v1', '2 k2 v2'])
  t.regex(lines.at(-1) as string, /^closed \d+$/)
})
