#!/usr/bin/env node
// Lays out what the gateway needs at run time, and nothing else, into an empty folder: the compiled
// gateway (dist/src, dist/workers), our addon, package.json, and the production dependencies without their
// sources, tests, docs and the binaries of other platforms. The Dockerfile's runtime stage copies exactly
// this folder; test/integration/runtime-tree.test.ts starts the gateway from it.
//
//   node scripts/runtime-tree.mjs <empty folder>      (after `npm run build` and the native build)
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Files of the project itself, relative to its root. */
const OWN = ['package.json', 'dist/src', 'dist/workers', 'build/Release/kastlex_admin.node', 'build/Release/uws.node']

/**
 * Packages whose install holds far more than runs: only these paths of them are kept. librdkafka's
 * sources and objects are most of the whole tree; its library and the binding are what the process loads.
 */
const ONLY = {
  'node_modules/@platformatic/rdkafka': [
    'package.json', 'librdkafka.js', 'lib', 'LICENSE.txt', 'build/Release/node-librdkafka.node',
    'build/deps/librdkafka.so.1', 'build/deps/librdkafka++.so.1'
  ],
  // Sources and types for our own uWS build (build/Release/uws.node); its prebuilt binaries never load.
  'node_modules/uwebsockets': ['package.json', 'LICENSE']
}

/** Never needed at run time, in any package. */
const SKIPPED_DIRECTORIES = new Set(['test', 'tests', 'example', 'examples', 'bench', 'benchmark', 'docs', 'e2e', '.github', 'obj.target'])
const SKIPPED_FILE = /(\.md|\.d\.ts|\.d\.mts|\.d\.cts|\.map|\.tsbuildinfo)$/i

/** A prebuilt addon named for a platform, architecture and Node ABI (as uWebSockets.js ships them). */
const PREBUILT = /_(linux|darwin|win32|freebsd)_([a-z0-9]+)_(\d+)\.node$/
const THIS_PREBUILT = `_${process.platform}_${process.arch}_${process.versions.modules}.node`

function keep (path) {
  const name = path.split(sep).pop()
  if (SKIPPED_FILE.test(name)) return false
  const prebuilt = PREBUILT.exec(name)
  return prebuilt === null || name.endsWith(THIS_PREBUILT)
}

/** Copies a file or a folder (filtered), creating parents. */
function copy (from, to) {
  const stat = statSync(from)
  if (stat.isDirectory()) {
    for (const entry of readdirSync(from)) {
      if (SKIPPED_DIRECTORIES.has(entry)) continue
      copy(join(from, entry), join(to, entry))
    }
  } else if (keep(from)) {
    mkdirSync(dirname(to), { recursive: true })
    cpSync(from, to, { dereference: true })
  }
}

/** The installed packages the production dependencies need (package-lock.json: not dev-only). */
function productionPackages () {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'))
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true && entry.devOptional !== true)
    .map(([path]) => path)
    .filter((path) => existsSync(join(ROOT, path)))
}

export function layOut (target) {
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty`)
  for (const path of OWN) {
    if (!existsSync(join(ROOT, path))) throw new Error(`${path} is missing: run npm run build (and npm ci) first`)
    copy(join(ROOT, path), join(target, path))
  }
  for (const pkg of productionPackages()) {
    // Nested packages (a/node_modules/b) are copied with their own entry.
    const only = ONLY[pkg]
    if (only !== undefined) {
      for (const path of only) copy(join(ROOT, pkg, path), join(target, pkg, path))
      continue
    }
    for (const entry of readdirSync(join(ROOT, pkg))) {
      if (entry === 'node_modules' || SKIPPED_DIRECTORIES.has(entry)) continue
      copy(join(ROOT, pkg, entry), join(target, pkg, entry))
    }
  }
}

if (process.argv[1] !== undefined && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const target = process.argv[2]
  if (target === undefined) {
    console.error('usage: node scripts/runtime-tree.mjs <empty folder>')
    process.exit(2)
  }
  layOut(target)
}
