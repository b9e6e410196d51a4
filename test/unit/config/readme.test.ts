// README.md's configuration tables are generated from src/config/variables.ts (`npm run docs:config`):
// this fails when they drift apart.
import test from 'ava'
import { readFileSync } from 'node:fs'
import { configurationSection, currentSection, withConfigurationSection } from '../../../src/config/readme.js'
import { HTTPS_VARIABLES, VARIABLES } from '../../../src/config/variables.js'

const README = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8')

test('README.md holds the configuration tables the variable tables generate (else: npm run docs:config)', (t) => {
  t.is(currentSection(README), configurationSection())
})

test('every variable has one row, with its default', (t) => {
  const section = configurationSection()
  for (const [name, variable] of Object.entries({ ...VARIABLES, ...HTTPS_VARIABLES })) {
    const rows = section.split('\n').filter((line) => line.startsWith(`| \`${name}\` |`))
    t.is(rows.length, 1, name)
    t.true(rows[0]?.startsWith(`| \`${name}\` | ${'default' in variable ? `\`${variable.default}\`` : '—'} | `), name)
  }
})

test('writing the section replaces only what lies between the markers, and again changes nothing', (t) => {
  const stale = README.replace(configurationSection(), '| stale |')
  t.not(stale, README)
  t.is(withConfigurationSection(stale), README)
  t.is(withConfigurationSection(README), README)
  t.throws(() => withConfigurationSection('# no markers\n'), { message: /lacks the markers/ })
})
