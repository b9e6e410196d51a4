// GET /openapi.json (SPEC §10.7): the document is valid OpenAPI 3.1 and describes every route the gateway serves.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { DOCUMENT_VERSION, openapiDocument, type Operation } from '../../../src/api/openapi.js'
import { apiRoutes, type Services } from '../../../src/api/routes.js'
import { loadConfig } from '../../../src/config.js'

const METHODS = ['get', 'post', 'delete'] as const

type Document = ReturnType<typeof openapiDocument> & { paths: Record<string, Record<string, unknown>>, components: Record<string, Record<string, unknown>> }
const document = (): Document => JSON.parse(JSON.stringify(openapiDocument())) as Document

/** The routes exactly as the gateway builds them (route construction only keeps the services it is given). */
function servedRoutes (): Array<{ method: string, template: string, action: string | undefined }> {
  const dir = mkdtempSync(join(tmpdir(), 'kastlex-openapi-test-'))
  try {
    const file = join(dir, 'file')
    writeFileSync(file, '{}')
    const config = loadConfig({ KASTLEX_JWK_FILE: file, KASTLEX_PERMISSIONS_FILE_PATH: file, KASTLEX_PASSWD_FILE_PATH: file })
    return apiRoutes(config, {} as unknown as Services).map(({ method, template, action }) => ({ method, template, action }))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `/api/v1/messages/{topic}` → `/api/v1/messages/:topic` (the §3 / router form). */
const template = (path: string): string => path.replace(/\{([^}]+)\}/g, ':$1')

function operations (doc: Document): Map<string, Operation> {
  const found = new Map<string, Operation>()
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined
      if (op !== undefined) found.set(`${method.toUpperCase()} ${template(path)}`, op)
    }
  }
  return found
}

type Reference = { readonly $ref: string }
/** A `$ref` into the document, resolved. */
function resolve<T extends object> (doc: Document, value: T | undefined): Exclude<T, Reference> {
  if (value === undefined) throw new Error('nothing to resolve')
  if (!('$ref' in value)) return value as Exclude<T, Reference>
  const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec((value as Reference).$ref) ?? []
  return doc.components[section as string]?.[name as string] as Exclude<T, Reference>
}

test('the document is valid OpenAPI 3.1.0 (schema and references)', async (t) => {
  const result = await new Validator().validate(document())
  t.deepEqual(result, { valid: true })
  t.is(document().openapi, '3.1.0')
})

test('the validator refuses a broken document (so its "valid" means something)', async (t) => {
  const dangling = document()
  ;(dangling.paths['/health'] as { get: { responses: Record<string, unknown> } }).get.responses['200'] = { $ref: '#/components/responses/Nowhere' }
  t.false((await new Validator().validate(dangling)).valid)
  const undescribed = document()
  ;(undescribed.paths['/health'] as { get: { responses: Record<string, unknown> } }).get.responses['200'] = { content: {} }
  t.false((await new Validator().validate(undescribed)).valid)
})

test('every route the gateway serves is in the document with its permission; every documented route is served', (t) => {
  const documented = operations(document())
  const served = servedRoutes()
  t.true(served.length > 20)
  for (const route of served) {
    const key = `${route.method} ${route.template}`
    const op = documented.get(key)
    if (op === undefined) {
      t.fail(`${key} is served but not in the document`)
      continue
    }
    t.is(op['x-kastlex-permission']?.action, route.action, `${key}: permission`)
    t.is(op.security.length === 0, route.action === undefined, `${key}: security`)
  }
  const servedKeys = new Set(served.map(({ method, template }) => `${method} ${template}`))
  for (const key of documented.keys()) t.true(servedKeys.has(key), `${key} is documented but not served`)
})

test('each path parameter is declared; every path answers the CORS preflight', (t) => {
  const doc = document()
  for (const [path, item] of Object.entries(doc.paths)) {
    t.truthy(item.options, `${path}: options (CORS preflight)`)
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined
      if (op === undefined) continue
      const declared = op.parameters.map((p) => resolve(doc, p)).filter((p) => p.in === 'path').map((p) => p.name)
      t.deepEqual(declared.sort(), [...names].sort(), `${method} ${path}`)
    }
  }
})

test('shared answers: every response carries x-request-id; 500 everywhere; 401/403 where a permission applies, 406 where negotiated', (t) => {
  const doc = document()
  for (const [key, op] of operations(doc)) {
    t.truthy(op.responses['500'], `${key}: 500`)
    for (const [status, response] of Object.entries(op.responses)) {
      const headers = resolve(doc, response).headers ?? {}
      t.truthy(headers['x-request-id'], `${key} ${status}: x-request-id`)
    }
    if (op['x-kastlex-permission'] !== undefined) t.truthy(op.responses['401'] !== undefined && op.responses['403'] !== undefined, key)
  }
  const fetch = operations(doc).get('GET /api/v2/messages/:topic/:partition/:offset') as Operation
  t.deepEqual(Object.keys(resolve(doc, fetch.responses['200']).content ?? {}), ['application/json', 'application/binary', 'application/octet-stream'])
  t.truthy(fetch.responses['406'])
  t.truthy(fetch.responses['416'])
  const health = operations(doc).get('GET /health') as Operation
  t.false('406' in health.responses, '/health ignores Accept')
})

test('produce and batch: Idempotency-Key in, idempotent-replayed out; batch takes three content types', (t) => {
  const doc = document()
  for (const key of ['POST /api/v1/messages/:topic', 'POST /api/v2/messages/:topic/:partition', 'POST /api/v2/batch/:topic', 'POST /api/v2/batch/:topic/:partition']) {
    const op = operations(doc).get(key) as Operation
    t.true(op.parameters.map((p) => resolve(doc, p)).some((p) => p.name === 'Idempotency-Key' && p.in === 'header'), key)
    const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'))?.[1]
    t.truthy(resolve(doc, ok).headers?.['idempotent-replayed'], key)
    t.truthy(op.responses['422'], key)
  }
  const batch = operations(doc).get('POST /api/v2/batch/:topic') as Operation
  t.deepEqual(Object.keys(batch.requestBody?.content ?? {}).sort(), ['application/json', 'application/vnd.kastlex.batch', 'application/x-ndjson'])
  t.truthy(batch.responses['415'])
})

test('the bearer scheme is a JWT; the document\'s version is the package\'s', (t) => {
  t.like(document().components.securitySchemes, { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } })
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }
  t.is(DOCUMENT_VERSION, pkg.version)
})
