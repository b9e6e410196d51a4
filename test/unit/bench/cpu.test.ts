// CPU per request of a benchmarked process, split into its main thread and its other threads (bench/compare/cpu.ts).
import test from 'ava'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { cpuPerRequest, cpuTicks, statTicks } from '../../../bench/compare/cpu.js'
import { cpuUsCell } from '../../../bench/compare/report.js'

// A real line's shape: pid, (comm), state, then utime = 1234 and stime = 56 as fields 14 and 15.
const line = (comm: string): string => `4242 (${comm}) S 1 4242 4242 0 -1 4194560 35187 0 0 0 1234 56 0 0 20 0 11 0 987654 1234567 8910 18446744073709551615\n`

test('utime + stime of a stat line, whatever the command name holds', (t) => {
  t.is(statTicks(line('node')), 1290)
  t.is(statTicks(line('node (x) 1 2 3')), 1290, 'spaces and parentheses in the name do not shift the fields')
  t.is(statTicks(line('')), 1290)
})

test('a line that is not a stat line is refused, not read as zero', (t) => {
  t.throws(() => statTicks('no such thing'), { message: /not a \/proc stat line/ })
  t.throws(() => statTicks('4242 (node) S 1 2'), { message: /not a \/proc stat line/ })
})

test('µs per request: the whole process, its main thread, and the rest', (t) => {
  // 200 ticks of 10 ms over 10 000 requests: 200 µs each, 120 of them on the main thread.
  t.deepEqual(cpuPerRequest({ total: 100, main: 60 }, { total: 300, main: 180 }, 10_000, 100), { totalUs: 200, mainUs: 120, otherUs: 80 })
  t.deepEqual(cpuPerRequest({ total: 0, main: 0 }, { total: 1, main: 1 }, 3, 100), { totalUs: 3333.3, mainUs: 3333.3, otherUs: 0 }, 'rounded to 0.1 µs')
  t.is(cpuPerRequest({ total: 0, main: 0 }, { total: 5, main: 5 }, 0, 100), null, 'no request, no per-request figure')
})

test('a thread that ended during the measurement still counts among the other threads', async (t) => {
  if (process.platform !== 'linux') {
    t.pass('Linux only (/proc)')
    return
  }
  const start = cpuTicks(process.pid)
  // The thread spins until it has used `busyTicks` of CPU itself (its own /proc entry), then ends.
  const busyTicks = 20
  const worker = new Worker(`
    const { readFileSync } = require('node:fs')
    const ticks = () => { const s = readFileSync('/proc/thread-self/stat', 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return Number(f[11]) + Number(f[12]) }
    while (ticks() < ${busyTicks}) {}`, { eval: true })
  await once(worker, 'exit')
  const end = cpuTicks(process.pid)
  const otherTicks = (end.total - end.main) - (start.total - start.main)
  t.true(otherTicks >= busyTicks, `other threads: ${otherTicks} ticks`)
  t.true(end.main - start.main < otherTicks, 'the main thread waited')
})

test('the report cell: KastleX split, the others a total, nothing when not measured', (t) => {
  t.is(cpuUsCell({ cpuUsPerRequest: 96.1, cpuUsMainThread: 70.2, cpuUsOtherThreads: 25.9 }), '96.1 (70.2 + 25.9)')
  t.is(cpuUsCell({ cpuUsPerRequest: 37.6, cpuUsMainThread: null, cpuUsOtherThreads: null }), '37.6')
  t.is(cpuUsCell({ cpuUsPerRequest: null, cpuUsMainThread: null, cpuUsOtherThreads: null }), '–')
})
