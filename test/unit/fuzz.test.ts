// The fuzz harness's own logic: reproducible generation, response parsing and the verdicts.
import test from 'ava'
import { createHash } from 'node:crypto'
import { parseResponse } from '../fuzz/connection.js'
import { FUZZ_CORS_ORIGIN, illegalGroup, illegalTopic, RequestGenerator, serialize } from '../fuzz/generate.js'
import { Tally } from '../fuzz/judge.js'
import { Prng } from '../fuzz/prng.js'

const topology = { topics: [{ name: 'real', partitions: 2 }] }
const answer = (status: number, body: string, type = 'application/json; charset=utf-8') =>
  ({ kind: 'response', status, headers: new Map([['content-type', type]]), body: Buffer.from(body), ms: 1 }) as const

test('the same seed gives the same requests', (t) => {
  const run = (seed: number): string => {
    const generator = new RequestGenerator(new Prng(seed), topology)
    const hash = createHash('sha256')
    for (let i = 0; i < 300; i++) hash.update(Buffer.concat(serialize(generator.junk(true))))
    return hash.digest('hex')
  }
  t.is(run(7), run(7))
  t.not(run(7), run(8))
})

test('names that cannot exist are recognised (SPEC §10.6a)', (t) => {
  t.false(illegalTopic('abc.D-1_'))
  t.true(illegalTopic('x'.repeat(250)))
  t.true(illegalTopic('a%2Fb'))
  t.true(illegalTopic('%C3%28'))
  t.false(illegalGroup('g'.repeat(255)))
  t.true(illegalGroup('g'.repeat(256)))
  t.true(illegalGroup('a%00b'))
})

test('responses are parsed with content-length, chunked, HEAD and 100 Continue', (t) => {
  const two = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokHTTP/1.1 204 No Content\r\n\r\n')
  const first = parseResponse(two, false, false)
  t.is(first?.status, 200)
  t.is(first?.body.toString(), 'ok')
  t.is(parseResponse(two.subarray(first?.used), false, false)?.status, 204)
  t.is(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab'), false, false), undefined)
  t.is(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n'), true, false)?.body.length, 0)
  t.is(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n'), false, false)?.body.toString(), 'abc')
})

test('verdicts: 500, non-JSON errors, client mistakes not 4xx and timeouts fail; 503 and 4xx do not', (t) => {
  const tally = new Tally()
  const request = { category: 'path', method: 'GET', target: '/x', headers: [], waitMs: 0, expect: 'none', auth: false } as const
  t.is(tally.judge(request, answer(404, '{"error":"not found"}'), 1000), undefined)
  t.is(tally.judge(request, answer(503, '{"error":"timeout"}'), 1000), undefined)
  t.is(tally.judge(request, answer(500, '{"error":"internal server error"}'), 1000), '5xx other than 503')
  t.is(tally.judge(request, answer(400, 'bad', 'text/plain'), 1000), 'non-JSON error body')
  t.is(tally.judge({ ...request, expect: 'client-mistake' }, answer(503, '{"error":"librdkafka_error_186"}'), 1000), 'client mistake not answered 4xx')
  t.is(tally.judge(request, { kind: 'timeout', ms: 1000 }, 1000), 'slow')
  t.is(tally.judge(request, { kind: 'closed', ms: 1, detail: 'x' }, 1000), 'closed')
  t.is(tally.judge({ ...request, method: 'FOO' }, { kind: 'closed', ms: 1, detail: 'x' }, 1000), 'closed', 'whatever the method: no behaviour is exempt any more')
  t.is(tally.failures.get('slow')?.count, 1)
  t.is(tally.unavailable.get('timeout'), 1)
})

test('verdicts: an answer of the gateway carries access-control-allow-origin exactly when the request has one Origin line naming the allowed origin', (t) => {
  const tally = new Tally()
  const request = { category: 'header', method: 'GET', target: '/x', headers: [['origin', FUZZ_CORS_ORIGIN]], waitMs: 0, expect: 'none', auth: false } as const
  const withHeaders = (headers: Array<[string, string]>) =>
    ({ kind: 'response', status: 404, headers: new Map([['content-type', 'application/json'], ...headers]), body: Buffer.from('{"error":"not found"}'), ms: 1 }) as const
  const allowing = withHeaders([['x-request-id', 'r'], ['access-control-allow-origin', FUZZ_CORS_ORIGIN]])
  const bare = withHeaders([['x-request-id', 'r']])
  t.is(tally.judge(request, allowing, 1000), undefined)
  t.is(tally.judge(request, bare, 1000), 'CORS headers')
  t.is(tally.judge({ ...request, headers: [['origin', 'http://evil']] }, allowing, 1000), 'CORS headers')
  t.is(tally.judge({ ...request, headers: [['origin', 'http://evil']] }, bare, 1000), undefined)
  t.is(tally.judge({ ...request, headers: [['origin', FUZZ_CORS_ORIGIN], ['origin', FUZZ_CORS_ORIGIN]] }, allowing, 1000), 'CORS headers')
  t.is(tally.judge(request, withHeaders([]), 1000), undefined, 'uWS\'s own answers (no x-request-id) are not the gateway\'s')
})
