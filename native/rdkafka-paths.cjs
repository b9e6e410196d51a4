// Where @platformatic/rdkafka built librdkafka, for binding.gyp: our addon compiles against those
// headers and links that same shared library, so the process holds one librdkafka.
//   node native/rdkafka-paths.cjs include   headers directory (holds librdkafka/rdkafka.h)
//   node native/rdkafka-paths.cjs library   the shared library file (librdkafka.so.1)
//   node native/rdkafka-paths.cjs rpath     its directory relative to build/<config>/, for $ORIGIN
'use strict'
const { existsSync } = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const rdkafka = path.dirname(require.resolve('@platformatic/rdkafka/package.json', { paths: [root] }))
const deps = path.join(rdkafka, 'build', 'deps')
const paths = {
  include: path.join(deps, 'include'),
  library: path.join(deps, 'librdkafka.so.1'),
  // node-gyp puts the addon in build/Release (or build/Debug): both sit two levels below root.
  rpath: path.relative(path.join(root, 'build', 'Release'), deps)
}

const what = process.argv[2]
if (!(what in paths)) {
  process.stderr.write('usage: node native/rdkafka-paths.cjs include|library|rpath\n')
  process.exit(2)
}
for (const file of [path.join(paths.include, 'librdkafka', 'rdkafka.h'), paths.library]) {
  if (!existsSync(file)) {
    process.stderr.write(`${file} is missing: @platformatic/rdkafka must be built (with its bundled librdkafka) first\n`)
    process.exit(1)
  }
}
process.stdout.write(paths[what])
