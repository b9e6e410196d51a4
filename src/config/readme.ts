// The README's configuration tables, generated from the variable tables: `npm run docs:config` writes
// them between the markers, and test/unit/config/readme.test.ts fails when README.md differs.
import type { VariableTable } from './reader.js'
import { ACCEPTED_SILENTLY, HTTPS_VARIABLES, IGNORED, VARIABLES } from './variables.js'

const BEGIN = '<!-- configuration: generated from src/config/variables.ts by `npm run docs:config` -->'
const END = '<!-- end of configuration -->'

/** What README.md holds between the markers. */
export function configurationSection (): string {
  return [
    table(VARIABLES),
    '',
    'The HTTPS listener\'s variables, read (and their files checked) only with `KASTLEX_USE_HTTPS=true`:',
    '',
    table(HTTPS_VARIABLES),
    '',
    `${names(IGNORED)} are accepted and ignored with a warning, ${names(ACCEPTED_SILENTLY)} without one; ` +
      'any other `KASTLEX_*` name draws an `unknown variable` warning.'
  ].join('\n')
}

/** The text between the markers of `readme`; undefined without them. */
export function currentSection (readme: string): string | undefined {
  const begin = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  return begin === -1 || end < begin ? undefined : readme.slice(begin + BEGIN.length, end).trim()
}

/** `readme` with the generated section between its markers. */
export function withConfigurationSection (readme: string): string {
  if (currentSection(readme) === undefined) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`)
  return readme.slice(0, readme.indexOf(BEGIN) + BEGIN.length) + `\n\n${configurationSection()}\n\n` + readme.slice(readme.indexOf(END))
}

function table (variables: VariableTable): string {
  const rows = Object.entries(variables).map(([name, variable]) =>
    `| \`${name}\` | ${variable.default === undefined ? '—' : `\`${variable.default}\``} | ${variable.doc.replaceAll('|', '\\|')} |`)
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n')
}

function names (list: readonly string[]): string {
  const quoted = list.map((name) => `\`${name}\``)
  return quoted.length === 1 ? quoted[0] as string : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1) as string}`
}
