// The load generator of the comparison benchmark: wrk (Debian package), driven by a generated Lua
// script. Produce-only workloads send one static request (wrk's cheapest path, so the bare-uWS
// ceiling is not lowered by Lua calls); workloads with fetches run one connection per wrk thread so
// that the thread's Lua state is that connection's reader (partition and next offset). Readers that
// keep their own offset write it to a file when wrk ends, and the next run of the same script (the
// measured run after the warm-up) continues from there: what is measured is sequential reading, not
// 32 readers seeking back to offset 0 at the same moment. Random-access readers pick a partition and an
// offset per request.
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RequestTemplate } from './peers/peer.js'
import { log, RUN_SLACK_MS, runChild } from './processes.js'
import { hasFetch, type Step, type Workload } from './workloads.js'

const WRK = '/usr/bin/wrk'
export const REQUEST_TIMEOUT_SEC = 10

/** How a contender's sequential readers ask for their next records. */
export type ReaderPlan =
  /**
   * the client keeps the offset: GET <prefix><offset><query>, next offset from the answer; wraps to 0 at
   * the end. Reader i reads prefix i (modulo their number) from startOffsets[i] (0 when absent); with
   * `randomBelow`, every request reads a random offset below it of a random prefix instead.
   */
  | { kind: 'offset', format: 'json' | 'binary', pathPrefixes: string[], query: string, headers: Record<string, string>, startOffsets?: number[], randomBelow?: number }
  /** the server keeps the position (a consumer instance): the same request each time */
  | { kind: 'cursor', requests: RequestTemplate[] }

export interface ClientPlan {
  produce?: RequestTemplate
  readers?: ReaderPlan
}

export interface WrkErrors { connect: number, read: number, write: number, timeout: number, status: number }

export interface WrkResult {
  requests: number
  durationSec: number
  errors: WrkErrors
  p50Ms: number
  p99Ms: number
  p999Ms: number
  /** records stored: 2xx answers to produce requests (batch workloads: records answered with an offset) */
  produced: number
  /** records in 200 answers to fetch requests (null for produce-only workloads, counted by wrk itself) */
  fetched: number | null
  /** readers that reached the end of their partition and started again at offset 0 */
  wraps: number | null
}

/** /usr/bin/wrk, installed from Debian when missing. Returns whether it had to be installed. */
export function ensureWrk (): boolean {
  if (existsSync(WRK)) return false
  log(`${WRK} not found: installing the Debian package wrk (apt-get install -y wrk)`)
  const apt = (args: string[]): boolean =>
    spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0
  if (!apt(['install', '-y', 'wrk'])) {
    log('apt-get install failed: running apt-get update, then trying again')
    apt(['update'])
    apt(['install', '-y', 'wrk'])
  }
  if (!existsSync(WRK)) {
    throw new Error(`wrk is required and could not be installed (apt-get install -y wrk failed); install it (Debian package "wrk", ${WRK}) and run again`)
  }
  log(`installed ${WRK}`)
  return true
}

export function wrkVersion (): string {
  const r = spawnSync(WRK, ['-v'], { encoding: 'utf8', timeout: 5_000 })
  return (r.stdout || r.stderr || '').split('\n')[0].trim()
}

/** A Lua string literal: printable ASCII as is, everything else as a decimal escape. */
function lua (text: string): string {
  return '"' + [...Buffer.from(text, 'utf8')].map((b) =>
    b === 0x22 || b === 0x5c ? `\\${String.fromCharCode(b)}` : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\${b}`).join('') + '"'
}

const luaTable = (headers: Record<string, string>): string =>
  `{ ${Object.entries(headers).map(([k, v]) => `[${lua(k)}] = ${lua(v)}`).join(', ')} }`

const luaRequest = (r: RequestTemplate, bodyFile?: string): string =>
  `{ method = ${lua(r.method)}, path = ${lua(r.path)}, headers = ${luaTable(r.headers)}, body_file = ${bodyFile === undefined ? 'nil' : lua(bodyFile)} }`

/** wrk's done(): prints the totals as "kx <name> <value>" lines, then runs the Lua `epilogue`. */
const done = (epilogue = ''): string => `
function done(summary, latency, requests)
  local e = summary.errors
  local produced, fetched, wraps = 0, 0, 0
  for _, t in ipairs(threads) do
    produced = produced + (t:get("produced") or 0)
    fetched = fetched + (t:get("fetched") or 0)
    wraps = wraps + (t:get("wraps") or 0)
  end
  local out = {
    requests = summary.requests, duration_us = summary.duration,
    errors_connect = e.connect, errors_read = e.read, errors_write = e.write, errors_timeout = e.timeout, errors_status = e.status,
    p50_ms = latency:percentile(50) / 1000, p99_ms = latency:percentile(99) / 1000, p999_ms = latency:percentile(99.9) / 1000,
    produced = produced, fetched = fetched, wraps = wraps
  }
  for k, v in pairs(out) do io.write(string.format("kx %s %.3f\\n", k, v)) end
${epilogue}end
`

/**
 * Batch answers: every `"partition":` in a 200 answer is a record stored (per-record failures carry
 * `"error":` instead), so produced counts records, not requests.
 */
const COUNT_BATCH_RESULTS = `
produced = 0
function response(status, headers, body)
  if status ~= 200 then return end
  local pos = 1
  while true do
    local s, e = string.find(body, '"partition":', pos, true)
    if not s then break end
    produced, pos = produced + 1, e + 1
  end
end
`

/**
 * A header with a unique value per request: run start (s) · thread · counter. The only produce-only
 * workloads with Lua per request: wrk formats each request (about 1 KB) anew.
 */
const uniqueHeader = (name: string): string => `
local started, counter = os.time(), 0
function request()
  counter = counter + 1
  wrk.headers[${lua(name)}] = string.format("%d-%d-%d", started, tid, counter)
  return wrk.format()
end
`

/**
 * Static request: wrk sends the same bytes on every connection, no Lua per request (batches: one per
 * answer). Usually a produce request; a request without a body (bench/micro's GET /health) works too.
 */
function staticScript (produce: RequestTemplate, bodyFile: string | undefined, batch: boolean, unique: string | undefined): string {
  const readBody = bodyFile === undefined ? '' : `local f = assert(io.open(r.body_file, "rb"))
wrk.body = f:read("*a")
f:close()
`
  return `-- generated by bench/compare/wrk.ts: static produce request
local r = ${luaRequest(produce, bodyFile)}
wrk.method = r.method
wrk.path = r.path
${readBody}for k, v in pairs(r.headers) do wrk.headers[k] = v end
threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
${batch ? COUNT_BATCH_RESULTS : ''}${unique === undefined ? '' : uniqueHeader(unique)}${done()}`
}

/** One connection per thread: the thread cycles through its steps, reading its own partition. */
function readerScript (steps: Step[], plan: ClientPlan, bodyFile: string | undefined, positionsFile: string): string {
  const readers = plan.readers
  if (readers === undefined) throw new Error('a workload with fetches needs a reader plan')
  const readerTable = readers.kind === 'offset'
    ? readers.pathPrefixes.map((p) => `{ prefix = ${lua(p)} }`)
    : readers.requests.map((r) => `{ request = ${luaRequest(r)} }`)
  return `-- generated by bench/compare/wrk.ts: one sequential reader per connection (thread)
local STEPS = { ${steps.map((s) => lua(s)).join(', ')} }
local PRODUCE = ${plan.produce === undefined ? 'nil' : luaRequest(plan.produce, bodyFile)}
local KIND = ${lua(readers.kind === 'offset' ? `offset-${readers.format}` : 'cursor')}
local QUERY = ${lua(readers.kind === 'offset' ? readers.query : '')}
local FETCH_HEADERS = ${luaTable(readers.kind === 'offset' ? readers.headers : {})}
local READERS = { ${readerTable.join(',\n  ')} }
local STARTS = { ${(readers.kind === 'offset' ? readers.startOffsets ?? [] : []).join(', ')} }
local RANDOM_BELOW = ${readers.kind === 'offset' && readers.randomBelow !== undefined ? readers.randomBelow : 'nil'}

local POSITIONS = ${lua(positionsFile)}

threads = {}
local count, positions = 0, nil
function setup(thread)
  if positions == nil then
    positions = {}
    local f = io.open(POSITIONS, "r")
    if f then
      for line in f:lines() do table.insert(positions, tonumber(line)) end
      f:close()
    end
  end
  count = count + 1
  thread:set("index", count)
  thread:set("offset", positions[count] or STARTS[count] or 0)
  table.insert(threads, thread)
end

local produce_request, reader, cursor_request, step, current
produced, fetched, wraps = 0, 0, 0

function init(args)
  if PRODUCE then
    local f = assert(io.open(PRODUCE.body_file, "rb"))
    produce_request = wrk.format(PRODUCE.method, PRODUCE.path, PRODUCE.headers, f:read("*a"))
    f:close()
  end
  reader = READERS[(index - 1) % #READERS + 1]
  math.randomseed(os.time() * 1000 + index)
  if reader.request then cursor_request = wrk.format(reader.request.method, reader.request.path, reader.request.headers) end
  step = 0
end

function request()
  step = step % #STEPS + 1
  current = STEPS[step]
  if current == "produce" then return produce_request end
  if cursor_request then return cursor_request end
  if RANDOM_BELOW then
    reader = READERS[math.random(#READERS)]
    offset = math.random(0, RANDOM_BELOW - 1)
  end
  return wrk.format("GET", reader.prefix .. offset .. QUERY, FETCH_HEADERS)
end

function response(status, headers, body)
  if current == "produce" then
    if status >= 200 and status < 300 then produced = produced + 1 end
    return
  end
  if status ~= 200 then return end
  if KIND == "offset-binary" then
    local o = headers["x-message-offset"]
    if o then
      fetched = fetched + 1
      offset = tonumber(o) + 1
    else
      offset, wraps = 0, wraps + 1
    end
    return
  end
  -- JSON: one "offset": per record; the last one gives the next offset
  local n, pos, last = 0, 1, nil
  while true do
    local s, e = string.find(body, '"offset":', pos, true)
    if not s then break end
    n, last, pos = n + 1, e, e + 1
  end
  fetched = fetched + n
  if KIND == "offset-json" then
    if n == 0 then offset, wraps = 0, wraps + 1 else offset = tonumber(string.match(body, "^%d+", last + 1)) + 1 end
  end
end
${done(`  local f = assert(io.open(POSITIONS, "w"))
  for _, t in ipairs(threads) do f:write(string.format("%d\\n", t:get("offset"))) end
  f:close()
`)}`
}

/** Writes the Lua script (and the produce body) of one contender and workload into dir. */
export async function writeScript (dir: string, name: string, workload: Workload, plan: ClientPlan): Promise<string> {
  let bodyFile: string | undefined
  if (plan.produce?.body !== undefined) {
    bodyFile = join(dir, `${name}.body`)
    await writeFile(bodyFile, plan.produce.body)
  }
  const onlyProduce = !hasFetch(workload)
  if (onlyProduce && plan.produce === undefined) throw new Error('a produce workload needs a produce request')
  let source: string
  if (onlyProduce) {
    source = staticScript(plan.produce as RequestTemplate, bodyFile, workload.batch !== undefined, workload.uniqueHeader)
  } else {
    const positionsFile = join(dir, `${name}.positions`)
    // the readers of a new script (a fresh contender process) start at offset 0
    await rm(positionsFile, { force: true })
    source = readerScript(workload.steps, plan, bodyFile, positionsFile)
  }
  const file = join(dir, `${name}.lua`)
  await writeFile(file, source)
  return file
}

export async function runWrk (baseUrl: string, workload: Workload, durationSec: number, produceThreads: number, script: string): Promise<WrkResult> {
  const onlyProduce = !hasFetch(workload)
  const threads = onlyProduce ? Math.min(produceThreads, workload.connections) : workload.connections
  const args = ['-t', String(threads), '-c', String(workload.connections), '-d', `${durationSec}s`,
    '--timeout', `${REQUEST_TIMEOUT_SEC}s`, '-s', script, baseUrl]
  const { stdout, code, signal } = await runChild(WRK, args, durationSec * 1000 + RUN_SLACK_MS)
  const values = new Map<string, number>()
  for (const line of stdout.split('\n')) {
    const m = /^kx (\w+) ([\d.]+)$/.exec(line.trim())
    if (m) values.set(m[1], Number(m[2]))
  }
  const get = (name: string): number => {
    const v = values.get(name)
    if (v === undefined) throw new Error(`wrk (${signal ?? `exit code ${code}`}) printed no "${name}": ${stdout.slice(0, 500)}`)
    return v
  }
  const requests = get('requests')
  const errors = { connect: get('errors_connect'), read: get('errors_read'), write: get('errors_write'), timeout: get('errors_timeout'), status: get('errors_status') }
  return {
    requests,
    durationSec: get('duration_us') / 1e6,
    errors,
    p50Ms: get('p50_ms'),
    p99Ms: get('p99_ms'),
    p999Ms: get('p999_ms'),
    produced: onlyProduce && workload.batch === undefined ? requests - errors.status : get('produced'),
    fetched: onlyProduce ? null : get('fetched'),
    wraps: onlyProduce ? null : get('wraps')
  }
}
