// A table of variables (name → parser, default, doc) read from the environment into values whose types
// follow from the table: a variable with a default always has a value, one without may be undefined.
import { Invalid, type Parser } from './parsers.js'

export interface Variable<T> {
  readonly parse: Parser<T>
  /**
   * The text used when the variable is unset or empty, parsed like a set value (a default file must be
   * readable too). Without one the setting is absent when unset.
   */
  readonly default?: string
  /** The README's "Meaning" column. */
  readonly doc: string
}

export type VariableTable = Readonly<Record<string, Variable<unknown>>>

export type Values<Table extends VariableTable> = {
  readonly [Name in keyof Table]: Table[Name] extends { readonly default: string }
    ? ReturnType<Table[Name]['parse']>
    : ReturnType<Table[Name]['parse']> | undefined
}

export type Env = Readonly<Record<string, string | undefined>>

/**
 * Every variable of `table` from `env`; each refused one adds `NAME: why` to `problems`. The values are
 * the configuration only when no problem was added: a refused value stands in as its default (or as
 * undefined), so that checks between variables judge the others as if it were unset.
 */
export function readVariables<Table extends VariableTable> (table: Table, env: Env, problems: string[]): Values<Table> {
  const values: Record<string, unknown> = {}
  for (const [name, variable] of Object.entries(table)) values[name] = read(name, variable, env[name], problems)
  return values as Values<Table>
}

function read (name: string, variable: Variable<unknown>, raw: string | undefined, problems: string[]): unknown {
  const given = raw === '' ? undefined : raw
  const text = given ?? variable.default
  if (text === undefined) return undefined
  try {
    return variable.parse(text)
  } catch (err) {
    if (!(err instanceof Invalid)) throw err
    problems.push(`${name}: ${err.message}`)
    return given === undefined ? undefined : read(name, variable, undefined, [])
  }
}
