// SPEC §3: routes match on method + decoded path segments; `:name` captures one segment; HEAD as GET.
import test from 'ava'
import { Router, type Method, type Route } from '../../../src/http/router.js'

const route = (method: Method, template: string): Route =>
  ({ method, template, negotiation: 'accept', handle: () => ({ status: 204 }) })

const routes = [
  route('GET', '/api/v1/topics'),
  route('GET', '/api/v1/topics/:topic'),
  route('GET', '/api/v1/offsets/:topic/:partition'),
  route('POST', '/api/v2/messages/:topic'),
  route('POST', '/api/v2/messages/:topic/:partition'),
  route('GET', '/api/v2/messages/:topic/:partition'),
  route('GET', '/api/v2/messages/:topic/:partition/:offset'),
  route('DELETE', '/admin/tokens/:username'),
  route('GET', '/')
]
const router = new Router(routes)

test('Router.match: literal and :param segments, HEAD as GET', (t) => {
  const cases: ReadonlyArray<readonly [string, string[], string, Record<string, string>]> = [
    ['GET', ['api', 'v1', 'topics'], '/api/v1/topics', {}],
    ['GET', ['api', 'v1', 'topics', 'orders'], '/api/v1/topics/:topic', { topic: 'orders' }],
    ['GET', ['api', 'v1', 'topics', 'a b/€'], '/api/v1/topics/:topic', { topic: 'a b/€' }],
    ['GET', ['api', 'v1', 'offsets', 't', '0'], '/api/v1/offsets/:topic/:partition', { topic: 't', partition: '0' }],
    ['POST', ['api', 'v2', 'messages', 't'], '/api/v2/messages/:topic', { topic: 't' }],
    ['POST', ['api', 'v2', 'messages', 't', '3'], '/api/v2/messages/:topic/:partition', { topic: 't', partition: '3' }],
    ['GET', ['api', 'v2', 'messages', 't', '3'], '/api/v2/messages/:topic/:partition', { topic: 't', partition: '3' }],
    ['GET', ['api', 'v2', 'messages', 't', '3', 'last'], '/api/v2/messages/:topic/:partition/:offset', { topic: 't', partition: '3', offset: 'last' }],
    ['HEAD', ['api', 'v2', 'messages', 't', '3', '7'], '/api/v2/messages/:topic/:partition/:offset', { topic: 't', partition: '3', offset: '7' }],
    ['HEAD', ['api', 'v1', 'topics'], '/api/v1/topics', {}],
    ['DELETE', ['admin', 'tokens', 'alice'], '/admin/tokens/:username', { username: 'alice' }],
    ['GET', [], '/', {}]
  ]
  for (const [method, segments, template, params] of cases) {
    const match = router.match(method, segments)
    const label = `${method} /${segments.join('/')}`
    t.is(match?.route.template, template, label)
    t.is(match?.route.method as string | undefined, method === 'HEAD' ? 'GET' : method, label)
    t.deepEqual(match?.params, params, label)
  }
})

test('Router.match: no route → undefined (404)', (t) => {
  const cases: ReadonlyArray<readonly [string, string[]]> = [
    ['POST', ['api', 'v1', 'topics']], // method mismatch
    ['DELETE', ['api', 'v1', 'topics', 't']],
    ['PUT', ['api', 'v1', 'topics']],
    ['OPTIONS', ['api', 'v1', 'topics']],
    ['HEAD', ['api', 'v2', 'messages', 't']], // HEAD only where GET is
    ['HEAD', ['admin', 'tokens', 'alice']],
    ['GET', ['api', 'v1']], // segment-count mismatch
    ['GET', ['api', 'v1', 'offsets', 't']],
    ['GET', ['api', 'v1', 'offsets', 't', '0', '1']],
    ['GET', ['api', 'v2', 'messages', 't', '3', '7', 'x']],
    ['GET', ['API', 'v1', 'topics']], // case-sensitive
    ['GET', ['api', 'v3', 'topics']],
    ['GET', ['favicon.ico']]
  ]
  for (const [method, segments] of cases) {
    t.is(router.match(method, segments), undefined, `${method} /${segments.join('/')}`)
  }
})

test('Router.match: a literal segment is not a parameter', (t) => {
  const r = new Router([route('GET', '/api/v1/urp'), route('GET', '/api/v1/urp/:topic')])
  t.is(r.match('GET', ['api', 'v1', 'urp'])?.route.template, '/api/v1/urp')
  t.deepEqual(r.match('GET', ['api', 'v1', 'urp', 'x'])?.params, { topic: 'x' })
  t.is(r.match('GET', ['api', 'v1', 'urps', 'x']), undefined)
})

test('Router.largestBodyLimit: the largest bodyLimit of any route, 0 when none reads a body', (t) => {
  t.is(router.largestBodyLimit, 0)
  t.is(new Router([{ ...route('POST', '/a'), bodyLimit: 10 }, { ...route('POST', '/b'), bodyLimit: 30 }, route('GET', '/c')]).largestBodyLimit, 30)
})
