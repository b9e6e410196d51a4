// GET /openapi.json (SPEC §10.7) through a real gateway: the document, without authentication, `Accept` ignored.
import test from 'ava'
import { openapiDocument } from '../../src/api/openapi.js'
import { gatewayPerFile } from '../helpers/gateway.js'

const gateway = gatewayPerFile(test, { KASTLEX_WORKERS: '0' })

test('GET /openapi.json → 200 application/json: the document', async (t) => {
  const answer = await fetch(`${gateway().url}/openapi.json`)
  t.is(answer.status, 200)
  t.is(answer.headers.get('content-type'), 'application/json; charset=utf-8')
  t.truthy(answer.headers.get('x-request-id'))
  t.deepEqual(await answer.json(), JSON.parse(JSON.stringify(openapiDocument())))
})

test('no authentication: a token that every route with a permission would refuse (401) does not matter; Accept is ignored; HEAD', async (t) => {
  const refused = await fetch(`${gateway().url}/api/v1/topics`, { headers: { authorization: 'Bearer not-a-token' } })
  t.is(refused.status, 401, 'the same token on a route with a permission')
  const answer = await fetch(`${gateway().url}/openapi.json`, { headers: { authorization: 'Bearer not-a-token', accept: 'text/html' } })
  t.is(answer.status, 200)
  t.is((await answer.json() as { openapi: string }).openapi, '3.1.0')
  const head = await fetch(`${gateway().url}/openapi.json`, { method: 'HEAD' })
  t.is(head.status, 200)
  t.is(Number(head.headers.get('content-length')), Buffer.byteLength(JSON.stringify(openapiDocument())))
})
