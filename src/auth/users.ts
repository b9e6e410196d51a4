// The users table (SPEC §6.3): permissions.yml and passwd.yml merged into one immutable snapshot. It is
// built at startup and on reload, then shared by every request and replaced whole (never edited), so
// lookups are O(1) and a request sees one table or the other, never a mix. Messages name the file, the
// user and the key but never quote the files' contents: passwd.yml holds password hashes.
import { readFileSync } from 'node:fs'
import { isPair, isScalar, parseDocument, visit, type Document, type Pair } from 'yaml'

/** Actions granted by `true` (SPEC §3 "bool"). */
export const BOOLEAN_ACTIONS = Object.freeze([
  'list_topics', 'list_brokers', 'list_urps', 'list_groups', 'reload', 'revoke', 'metrics'
] as const)
export type BooleanAction = typeof BOOLEAN_ACTIONS[number]

/** Actions granted per scope value: `all` or a list (SPEC §3, the "Scope" column). */
export const SCOPED_ACTIONS = Object.freeze([
  'show_topic', 'show_offsets', 'produce', 'fetch', 'show_urps', 'show_broker', 'show_group'
] as const)
export type ScopedAction = typeof SCOPED_ACTIONS[number]

export type Action = BooleanAction | ScopedAction

/** What a scoped action's list is made of, for messages. */
const SCOPE_NOUN: Readonly<Record<ScopedAction, string>> = {
  show_topic: 'topic names',
  show_offsets: 'topic names',
  produce: 'topic names',
  fetch: 'topic names',
  show_urps: 'topic names',
  show_broker: 'broker ids',
  show_group: 'group ids'
}

const BOOLEAN_SET: ReadonlySet<string> = new Set(BOOLEAN_ACTIONS)
const SCOPED_SET: ReadonlySet<string> = new Set(SCOPED_ACTIONS)

export const isBooleanAction = (name: string): name is BooleanAction => BOOLEAN_SET.has(name)
export const isScopedAction = (name: string): name is ScopedAction => SCOPED_SET.has(name)

/** The user whose entry also applies to every request, authenticated or not (SPEC §6.4). */
export const ANONYMOUS = 'anonymous'

/** bcrypt `$2a$`/`$2b$`/`$2y$`, cost 04–31, 22 characters of salt and 31 of hash. */
const BCRYPT_HASH = /^\$2[aby]\$(?:0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/

export type Scope = 'all' | ReadonlySet<string>

export interface User {
  readonly name: string
  /** bcrypt hash from `password_hash`; absent = the user cannot log in. */
  readonly passwordHash?: string
  /** Boolean actions granted `true` (`false` grants nothing and is not kept). */
  readonly booleans: ReadonlySet<BooleanAction>
  /** Scoped actions: `all`, or the scope values (decimal text for YAML numbers). */
  readonly scoped: ReadonlyMap<ScopedAction, Scope>
}

/** A users file is missing, unparseable or invalid; the message names file, user and key. */
export class UsersFileError extends Error {
  override name = 'UsersFileError'
}

/** A Set that cannot be changed after construction, not even through `Set.prototype.add.call`. */
class FrozenSet<T> implements ReadonlySet<T> {
  readonly #items: Set<T>

  constructor (items: Iterable<T>) {
    this.#items = new Set(items)
    Object.freeze(this)
  }

  get size (): number { return this.#items.size }
  has (value: T): boolean { return this.#items.has(value) }
  forEach (callback: (value: T, value2: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    this.#items.forEach((value) => callback.call(thisArg, value, value, this))
  }

  entries (): SetIterator<[T, T]> { return this.#items.entries() }
  keys (): SetIterator<T> { return this.#items.keys() }
  values (): SetIterator<T> { return this.#items.values() }
  [Symbol.iterator] (): SetIterator<T> { return this.#items.values() }
}

/** A Map that cannot be changed after construction. */
class FrozenMap<K, V> implements ReadonlyMap<K, V> {
  readonly #entries: Map<K, V>

  constructor (entries: Iterable<readonly [K, V]>) {
    this.#entries = new Map(entries)
    Object.freeze(this)
  }

  get size (): number { return this.#entries.size }
  get (key: K): V | undefined { return this.#entries.get(key) }
  has (key: K): boolean { return this.#entries.has(key) }
  forEach (callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.#entries.forEach((value, key) => callback.call(thisArg, value, key, this))
  }

  entries (): MapIterator<[K, V]> { return this.#entries.entries() }
  keys (): MapIterator<K> { return this.#entries.keys() }
  values (): MapIterator<V> { return this.#entries.values() }
  [Symbol.iterator] (): MapIterator<[K, V]> { return this.#entries.entries() }
}

/** One immutable snapshot of both users files. */
export class UsersTable {
  readonly #users: ReadonlyMap<string, User>
  /** The `anonymous` entry, if either file has one. */
  readonly anonymous: User | undefined

  constructor (users: Iterable<User>) {
    this.#users = new FrozenMap([...users].map((user) => [user.name, user] as const))
    this.anonymous = this.#users.get(ANONYMOUS)
    Object.freeze(this)
  }

  get size (): number { return this.#users.size }
  /** The entry of a user named in either file (exact, case-sensitive), including `anonymous`. */
  get (name: string): User | undefined { return this.#users.get(name) }
  has (name: string): boolean { return this.#users.has(name) }
  names (): IterableIterator<string> { return this.#users.keys() }
}

export interface UsersFileNames {
  readonly permissions: string
  readonly passwd: string
}

/** Reads and validates both files (synchronously: startup and reload only). Throws UsersFileError. */
export function loadUsers (permissionsPath: string, passwdPath: string): UsersTable {
  return parseUsers(readText(permissionsPath), readText(passwdPath), { permissions: permissionsPath, passwd: passwdPath })
}

function readText (path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new UsersFileError(`${path}: cannot read the file${code === undefined ? '' : ` (${code})`}`)
  }
}

/** One key of a user's merged entry, with the file it came from (for messages). */
interface Setting {
  readonly value: unknown
  readonly file: string
}

/**
 * Builds the table from the two files' texts; `names` are the files' names in messages. Entries of a
 * user in both files are merged key by key, passwd.yml winning a clash, then validated.
 */
export function parseUsers (
  permissionsText: string,
  passwdText: string,
  names: UsersFileNames = { permissions: 'permissions.yml', passwd: 'passwd.yml' }
): UsersTable {
  const merged = new Map<string, Map<string, Setting>>()
  for (const [text, file] of [[permissionsText, names.permissions], [passwdText, names.passwd]] as const) {
    for (const [user, entry] of parseFile(text, file)) {
      let settings = merged.get(user)
      if (settings === undefined) merged.set(user, settings = new Map())
      for (const [key, value] of entry) settings.set(key, { value, file })
    }
  }
  return new UsersTable([...merged].map(([name, settings]) => validateUser(name, settings)))
}

/** A file's `username → map` entries, usernames as text; every structural error names file (and user). */
function parseFile (text: string, file: string): Map<string, Map<string, unknown>> {
  const doc = parseDocument(text, { intAsBigInt: true, uniqueKeys: true, prettyErrors: true })
  const error = doc.errors[0]
  if (error !== undefined) {
    // YAMLError messages quote the offending source line; give only its code and position.
    const at = error.linePos?.[0]
    throw new UsersFileError(`${file}: not valid YAML (${error.code}${at === undefined ? '' : ` at line ${at.line}, column ${at.col}`})`)
  }
  refuseUnplainNumbers(doc, file)
  let root: unknown
  try {
    root = doc.toJS({ mapAsMap: true, maxAliasCount: 100 })
  } catch {
    throw new UsersFileError(`${file}: not valid YAML (too many or bad aliases)`)
  }
  const users = new Map<string, Map<string, unknown>>()
  if (root === null || root === undefined) return users // empty file, or comments only
  if (!(root instanceof Map)) throw new UsersFileError(`${file}: must be a map of username to settings`)
  for (const [key, entry] of root) {
    const name = nameText(key)
    if (name === undefined) throw new UsersFileError(`${file}: usernames must be strings or numbers`)
    if (users.has(name)) throw new UsersFileError(`${file}: user ${quote(name)} is listed twice`)
    if (!(entry instanceof Map)) throw new UsersFileError(`${file}: user ${quote(name)}: must be a map of settings`)
    const settings = new Map<string, unknown>()
    for (const [settingKey, value] of entry) {
      if (typeof settingKey !== 'string') {
        throw new UsersFileError(`${file}: user ${quote(name)}: setting names must be strings`)
      }
      settings.set(settingKey, value)
    }
    users.set(name, settings)
  }
  return users
}

/**
 * Numbers count as their decimal text (SPEC §6.3), so they must be written that way: `0x1F`, `007`,
 * `1e3` would otherwise grant topics "31", "7", "1000" without that text appearing in the file.
 */
function refuseUnplainNumbers (doc: Document, file: string): void {
  visit(doc, {
    Scalar (_, node, path) {
      const { value } = node
      if (!(typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value))) || node.source === numberText(value)) return
      const [user, setting] = path.filter((item): item is Pair => isPair(item)).map((pair) => isScalar(pair.key) ? String(pair.key.source ?? pair.key.value) : '?')
      const where = setting === undefined ? '' : `${setting}: `
      throw new UsersFileError(`${file}: user ${quote(user ?? '?')}: ${where}numbers must be written in plain decimal, got ${quote(String(node.source))}`)
    }
  })
}

function validateUser (name: string, settings: ReadonlyMap<string, Setting>): User {
  let passwordHash: string | undefined
  const booleans: BooleanAction[] = []
  const scoped: Array<[ScopedAction, Scope]> = []
  for (const [key, { value, file }] of settings) {
    const fail = (problem: string): never => {
      throw new UsersFileError(`${file}: user ${quote(name)}: ${problem}`)
    }
    if (key === 'password_hash') {
      if (typeof value !== 'string' || !BCRYPT_HASH.test(value)) {
        fail('password_hash must be a bcrypt hash ($2a$, $2b$ or $2y$, cost 04-31, 53 characters of salt and hash)')
      }
      passwordHash = value as string
    } else if (isBooleanAction(key)) {
      if (typeof value !== 'boolean') fail(`${key} must be true or false`)
      if (value === true) booleans.push(key)
    } else if (isScopedAction(key)) {
      const scope = scopeOf(value)
      if (scope === undefined) fail(`${key} must be "all" or a list of ${SCOPE_NOUN[key]}`)
      scoped.push([key, scope as Scope])
    } else {
      fail(`unknown setting ${quote(key)}`)
    }
  }
  const user: User = {
    name,
    ...(passwordHash === undefined ? {} : { passwordHash }),
    booleans: new FrozenSet(booleans),
    scoped: new FrozenMap(scoped)
  }
  return Object.freeze(user)
}

/** `all`, or a non-empty list of strings and numbers (numbers as decimal text); else undefined. */
function scopeOf (value: unknown): Scope | undefined {
  if (value === 'all') return 'all'
  if (!Array.isArray(value) || value.length === 0) return undefined
  const items: string[] = []
  for (const item of value) {
    const text = typeof item === 'string' ? item : numberText(item)
    if (text === undefined) return undefined
    items.push(text)
  }
  return new FrozenSet(items)
}

function nameText (key: unknown): string | undefined {
  return typeof key === 'string' ? key : numberText(key)
}

/** YAML integers (bigint: exact at any size) and finite floats as decimal text (`1e3` is `1000`, -0 `0`). */
function numberText (value: unknown): string | undefined {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  return Number.isInteger(value) ? BigInt(value).toString() : String(value)
}

/** A name in a message: JSON-quoted, so control characters cannot forge log lines. */
const quote = (text: string): string => JSON.stringify(text)
