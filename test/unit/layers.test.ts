// The layering of src/ (README, Layout): every relative import of every module is checked against one table.
// A module may import its own layer, a leaf, and the layers its row names, which all come after it: imports
// run down the rows, never back up. README.md's Layout section shows the same rows.
import test from 'ava'
import { readdirSync, readFileSync } from 'node:fs'
import { posix } from 'node:path'

const SRC = new URL('../../../src/', import.meta.url)
const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')

/** Modules any module may import: they import nothing of src but each other. */
const LEAVES: readonly string[] = [
  'pool/messages.ts', 'pool/group-snapshot.ts', 'http/errors.ts', 'offset-spec.ts', 'integers.ts', 'fifo.ts',
  'native-addon.ts', 'http/cors.ts', 'http/header-limits.ts', 'kafka/names.ts', 'kafka/compression.ts', 'auth/users.ts',
  'v8-flags.ts', 'malloc-arenas.ts', 'full-collection.ts'
]

interface Layer {
  readonly name: string
  /** Its modules: a folder (with its subfolders) as `name/`, or files of src/ itself. */
  readonly modules: readonly string[]
  /** The layers it may import, each listed after it. */
  readonly imports: readonly string[]
}

/** Top first. */
const LAYERS: readonly Layer[] = [
  {
    name: 'start',
    modules: ['main.ts', 'gateway.ts', 'cli.ts', 'supervisor.ts', 'runtime-env.ts', 'exit-now.ts', 'restart-policy.ts', 'close-within.ts'],
    imports: ['api', 'cluster', 'metrics', 'pool', 'auth', 'http', 'kafka', 'log', 'config']
  },
  { name: 'api', modules: ['api/'], imports: ['cluster', 'metrics', 'pool', 'auth', 'batch', 'groups', 'http', 'log', 'config'] },
  { name: 'cluster', modules: ['cluster/'], imports: ['metrics', 'pool'] },
  { name: 'metrics', modules: ['metrics/'], imports: ['pool', 'kafka'] },
  { name: 'pool', modules: ['pool/'], imports: ['batch', 'groups', 'http', 'kafka', 'config'] },
  { name: 'auth', modules: ['auth/'], imports: ['http', 'log', 'config'] },
  { name: 'batch', modules: ['batch/'], imports: ['kafka'] },
  { name: 'groups', modules: ['groups/'], imports: ['kafka', 'config'] },
  { name: 'http', modules: ['http/'], imports: ['log', 'config'] },
  { name: 'kafka', modules: ['kafka/'], imports: ['config'] },
  { name: 'log', modules: ['log.ts'], imports: ['config'] },
  { name: 'config', modules: ['config.ts', 'config/'], imports: [] }
]

const LEAF = 'leaf'

function layerOf (module: string): string | undefined {
  if (LEAVES.includes(module)) return LEAF
  return LAYERS.find((layer) => layer.modules.some((m) => m.endsWith('/') ? module.startsWith(m) : module === m))?.name
}

const MODULES: readonly string[] = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.split('\\').join('/'))
  .sort()

/** The src modules a module imports: `from '…'`, `import '…'` and `import('…')` with a relative path. */
function importsOf (module: string): string[] {
  const text = readFileSync(new URL(module, SRC), 'utf8')
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g)]
    .map((match) => posix.normalize(posix.join(posix.dirname(module), match[1] as string)).replace(/\.js$/, '.ts'))
}

/** `module → imported` for each import the table does not allow. */
function violations (allowed: (from: string, to: string) => boolean): string[] {
  const found: string[] = []
  for (const module of MODULES) {
    for (const imported of importsOf(module)) {
      const from = layerOf(module) ?? '?'
      const to = layerOf(imported) ?? '?'
      if (!allowed(from, to)) found.push(`${module} (${from}) → ${imported} (${to})`)
    }
  }
  return found
}

test('every module of src/ is a leaf or in exactly one layer', (t) => {
  t.true(MODULES.length > 100)
  t.deepEqual(MODULES.filter((module) => layerOf(module) === undefined), [])
  for (const leaf of LEAVES) t.true(MODULES.includes(leaf), leaf)
})

test('leaves import only leaves', (t) => {
  t.deepEqual(violations((from, to) => from !== LEAF || to === LEAF), [])
})

test('each layer imports only itself, the leaves and the layers its row names', (t) => {
  const rows = new Map(LAYERS.map((layer) => [layer.name, layer.imports]))
  t.deepEqual(violations((from, to) => from === LEAF || to === LEAF || from === to || rows.get(from)?.includes(to) === true), [])
})

test('the rows run down: a layer names only layers after it', (t) => {
  LAYERS.forEach((layer, index) => {
    const below = LAYERS.slice(index + 1).map((l) => l.name)
    t.deepEqual(layer.imports.filter((name) => !below.includes(name)), [], layer.name)
  })
})

/** The rows as README.md's Layout section shows them. */
function layeringText (): string {
  const width = Math.max(...LAYERS.map((layer) => layer.name.length)) + 1
  const rows = LAYERS.map((layer) => `${layer.name.padEnd(width)}→ ${layer.imports.length === 0 ? '(leaves only)' : layer.imports.join(', ')}`)
  const leaves = [`${'leaves'.padEnd(width)}← every layer:`]
  for (const leaf of LEAVES) {
    const last = leaves.length - 1
    if ((leaves[last] as string).length + leaf.length > 100) leaves.push(' '.repeat(width + 2) + leaf)
    else leaves[last] += ` ${leaf}`
  }
  return [...rows, ...leaves].join('\n')
}

test('README.md shows the layers of this table', (t) => {
  t.true(README.includes(`\n${layeringText()}\n`), `README.md's Layout section should hold:\n${layeringText()}`)
})
