// SPEC §6.3 (users files) and §11 items 40–41: merge, numeric names and list values as decimal text,
// every mistyped value rejected at load with a message naming file, user and key, an immutable result.
import test from 'ava'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BOOLEAN_ACTIONS, isBooleanAction, isScopedAction, loadUsers, parseUsers, SCOPED_ACTIONS, UsersFileError
} from '../../../src/auth/users.js'

const HASH = '$2b$12$' + 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0'
const NAMES = { permissions: 'permissions.yml', passwd: 'passwd.yml' }

test('the action lists are those of SPEC §3', (t) => {
  t.deepEqual([...BOOLEAN_ACTIONS], ['list_topics', 'list_brokers', 'list_urps', 'list_groups', 'reload', 'revoke', 'metrics'])
  t.deepEqual([...SCOPED_ACTIONS], ['show_topic', 'show_offsets', 'produce', 'fetch', 'show_urps', 'show_broker', 'show_group'])
  t.true(isBooleanAction('reload'))
  t.false(isBooleanAction('produce'))
  t.true(isScopedAction('produce'))
  t.false(isScopedAction('password_hash'))
  t.true(Object.isFrozen(BOOLEAN_ACTIONS))
})

test('empty files, comment-only files and explicit nulls give no users', (t) => {
  for (const text of ['', '\n', '# nothing here\n', '---\n', '~\n', 'null\n']) {
    const table = parseUsers(text, text, NAMES)
    t.is(table.size, 0, JSON.stringify(text))
    t.is(table.anonymous, undefined)
    t.is(table.get('anonymous'), undefined)
  }
})

test('a full entry: booleans true kept, false dropped, scopes as sets or all', (t) => {
  const table = parseUsers(`
alice:
  list_topics: true
  list_brokers: false
  reload: true
  show_topic: all
  produce: [orders, "payments", 7]
  fetch:
    - orders
  show_broker: [0, 1]
  show_group: ['g-1']
`, `
alice:
  password_hash: "${HASH}"
`, NAMES)
  const alice = table.get('alice')
  t.truthy(alice)
  if (alice === undefined) return
  t.is(alice.name, 'alice')
  t.is(alice.passwordHash, HASH)
  t.deepEqual([...alice.booleans].sort(), ['list_topics', 'reload'])
  t.is(alice.scoped.get('show_topic'), 'all')
  t.deepEqual(setOf(alice.scoped.get('produce')), ['7', 'orders', 'payments'])
  t.deepEqual(setOf(alice.scoped.get('fetch')), ['orders'])
  t.deepEqual(setOf(alice.scoped.get('show_broker')), ['0', '1'])
  t.deepEqual(setOf(alice.scoped.get('show_group')), ['g-1'])
  t.is(alice.scoped.get('show_offsets'), undefined)
  t.false(alice.booleans.has('list_brokers'))
  t.is(table.get('Alice'), undefined, 'names are case-sensitive')
})

test('one entry per name in either file; inner maps merged, passwd.yml wins a clashing key', (t) => {
  const other = '$2a$04$' + 'Z'.repeat(53)
  const table = parseUsers(`
alice: { list_topics: true, password_hash: "${other}" }
bob: { produce: all }
anonymous: { list_brokers: true }
`, `
alice: { password_hash: "${HASH}", list_topics: false }
carol: { password_hash: "${HASH}" }
`, NAMES)
  t.deepEqual([...table.names()].sort(), ['alice', 'anonymous', 'bob', 'carol'])
  t.is(table.size, 4)
  const alice = table.get('alice')
  t.is(alice?.passwordHash, HASH)
  t.false(alice?.booleans.has('list_topics'), 'passwd.yml false overrides permissions.yml true')
  t.is(table.get('bob')?.passwordHash, undefined)
  t.is(table.get('bob')?.scoped.get('produce'), 'all')
  t.is(table.get('carol')?.booleans.size, 0)
  t.is(table.get('carol')?.scoped.size, 0)
  t.is(table.anonymous, table.get('anonymous'))
  t.true(table.anonymous?.booleans.has('list_brokers'))
  t.true(table.has('bob'))
  t.false(table.has('dave'))
})

test('an empty map entry is a user without permissions', (t) => {
  const table = parseUsers('dave: {}\n', '', NAMES)
  t.is(table.get('dave')?.booleans.size, 0)
  t.is(table.get('dave')?.scoped.size, 0)
})

test('numeric usernames and numeric list items are decimal text', (t) => {
  const table = parseUsers(`
123: { show_topic: [1, -2, 0, 12, 2.5, 12345678901234567890123, "0x1F"] }
4.5: { list_topics: true }
"007": { list_topics: true }
`, '', NAMES)
  t.deepEqual([...table.names()].sort(), ['007', '123', '4.5'])
  t.deepEqual(setOf(table.get('123')?.scoped.get('show_topic')),
    ['-2', '0', '0x1F', '1', '12', '12345678901234567890123', '2.5'])
})

test('numbers not written in plain decimal are refused at load, naming file, user and key', (t) => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['permissions.yml', 'alice: { fetch: [0x1F, 007, 1e3] }', 'permissions.yml: user "alice": fetch: numbers must be written in plain decimal, got "0x1F"'],
    ['permissions.yml', 'bob: { show_broker: [0, 007] }', 'permissions.yml: user "bob": show_broker: numbers must be written in plain decimal, got "007"'],
    ['permissions.yml', 'carol: { produce: [1e3] }', 'permissions.yml: user "carol": produce: numbers must be written in plain decimal, got "1e3"'],
    ['permissions.yml', 'dave: { fetch: [0o17, +5, -0, 1.50, 1_000] }', 'permissions.yml: user "dave": fetch: numbers must be written in plain decimal, got "0o17"'],
    ['passwd.yml', 'erin: { fetch: [+5] }', 'passwd.yml: user "erin": fetch: numbers must be written in plain decimal, got "+5"'],
    ['permissions.yml', '0x10: { list_topics: true }', 'permissions.yml: user "0x10": numbers must be written in plain decimal, got "0x10"']
  ]
  for (const [file, text, message] of cases) {
    const [permissions, passwd] = file === 'passwd.yml' ? ['', text] : [text, '']
    t.throws(() => parseUsers(permissions, passwd, NAMES), { instanceOf: UsersFileError, message }, text)
  }
  t.deepEqual(setOf(parseUsers('alice: { fetch: [0, 12, -3, 2.5] }', '', NAMES).get('alice')?.scoped.get('fetch')), ['-3', '0', '12', '2.5'])
})

test('usernames are unicode-clean and exact', (t) => {
  const table = parseUsers('"ünïcödé": { list_topics: true }\n"with space": {}\n', '', NAMES)
  t.true(table.has('ünïcödé'))
  t.true(table.has('with space'))
})

test('password_hash: bcrypt $2a$/$2b$/$2y$, cost 04-31, 53 characters', (t) => {
  const ok = ['$2a$04$', '$2b$10$', '$2y$31$', '$2b$12$'].map((prefix) => prefix + './' + 'x'.repeat(51))
  for (const hash of ok) t.is(parseUsers('', `u: { password_hash: "${hash}" }`, NAMES).get('u')?.passwordHash, hash)
  const bad = [
    '$2x$12$' + 'a'.repeat(53), '$2$12$' + 'a'.repeat(53), '$2b$03$' + 'a'.repeat(53), '$2b$32$' + 'a'.repeat(53),
    '$2b$4$' + 'a'.repeat(53), '$2b$12$' + 'a'.repeat(52), '$2b$12$' + 'a'.repeat(54), '$2b$12$' + 'a'.repeat(52) + '!',
    'plaintext', '', '$argon2id$v=19$m=65536,t=3,p=4$abc'
  ]
  for (const hash of bad) {
    const error = t.throws(() => parseUsers('', `u:\n  password_hash: "${hash}"\n`, NAMES), { instanceOf: UsersFileError })
    t.regex(error?.message ?? '', /^passwd\.yml: user "u": password_hash must be a bcrypt hash/)
    if (hash.length > 8) t.false(error?.message.includes(hash.slice(7)), 'the hash is not quoted')
  }
  // Non-strings too
  for (const value of ['12345', 'true', 'null', '[a]', '{}']) {
    t.throws(() => parseUsers('', `u: { password_hash: ${value} }`, NAMES), { message: /^passwd\.yml: user "u": password_hash/ })
  }
})

test('wrongly typed values are rejected with file, user and key', (t) => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['show_topic: true', /^permissions\.yml: user "alice": show_topic must be "all" or a list of topic names$/],
    ['show_topic: false', /show_topic must be "all" or a list of topic names/],
    ['show_topic: orders', /show_topic must be "all"/],
    ['show_topic: ALL', /show_topic must be "all"/],
    ['show_topic: 7', /show_topic must be "all"/],
    ['show_topic: []', /show_topic must be "all"/],
    ['show_topic:', /show_topic must be "all"/],
    ['show_topic: ~', /show_topic must be "all"/],
    ['show_topic: [a, [b]]', /show_topic must be "all"/],
    ['show_topic: [a, ~]', /show_topic must be "all"/],
    ['show_topic: [a, true]', /show_topic must be "all"/],
    ['show_topic: [.inf]', /show_topic must be "all"/],
    ['show_topic: {a: 1}', /show_topic must be "all"/],
    ['show_broker: true', /show_broker must be "all" or a list of broker ids$/],
    ['show_group: yes', /show_group must be "all" or a list of group ids$/],
    ['produce: 1', /produce must be "all"/],
    ['fetch: ""', /fetch must be "all"/],
    ['show_offsets: [[]]', /show_offsets must be "all"/],
    ['show_urps: null', /show_urps must be "all"/],
    ['list_topics: all', /^permissions\.yml: user "alice": list_topics must be true or false$/],
    ['list_topics: "true"', /list_topics must be true or false/],
    ['list_topics: yes', /list_topics must be true or false/],
    ['list_topics: 1', /list_topics must be true or false/],
    ['list_topics:', /list_topics must be true or false/],
    ['reload: [x]', /reload must be true or false/],
    ['revoke: on', /revoke must be true or false/],
    ['metrics: null', /metrics must be true or false/],
    ['list_groups: {}', /list_groups must be true or false/],
    ['list_brokers: 0', /list_brokers must be true or false/],
    ['list_urps: TRUE1', /list_urps must be true or false/],
    ['show_topics: all', /^permissions\.yml: user "alice": unknown setting "show_topics"$/],
    ['admin: true', /unknown setting "admin"/],
    ['password: secret', /unknown setting "password"/],
    ['"<<": {}', /unknown setting "<<"/]
  ]
  for (const [line, message] of cases) {
    t.throws(() => parseUsers(`alice:\n  ${line}\n`, '', NAMES), { instanceOf: UsersFileError, message }, line)
  }
})

test('the file named is the one the bad key came from', (t) => {
  t.throws(() => parseUsers('alice: { list_topics: true }', 'alice: { produce: true }', NAMES),
    { message: /^passwd\.yml: user "alice": produce must be/ })
  t.throws(() => parseUsers('alice: { produce: true }', `alice: { password_hash: "${HASH}" }`, NAMES),
    { message: /^permissions\.yml: user "alice": produce must be/ })
  // A clashing key from permissions.yml is replaced, not validated.
  t.notThrows(() => parseUsers('alice: { produce: true }', 'alice: { produce: all }', NAMES))
  t.throws(() => parseUsers('', 'alice: { produce: true }', { permissions: '/etc/p.yml', passwd: '/etc/pw.yml' }),
    { message: /^\/etc\/pw\.yml: user "alice": produce/ })
})

test('structural errors name the file (and user)', (t) => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['alice:\n', /^permissions\.yml: user "alice": must be a map of settings$/],
    ['alice: all\n', /^permissions\.yml: user "alice": must be a map of settings$/],
    ['alice: [list_topics]\n', /user "alice": must be a map of settings$/],
    ['alice: true\n', /user "alice": must be a map of settings$/],
    ['- alice\n', /^permissions\.yml: must be a map of username to settings$/],
    ['just text\n', /^permissions\.yml: must be a map of username to settings$/],
    ['42\n', /^permissions\.yml: must be a map of username to settings$/],
    ['~: {}\n', /^permissions\.yml: usernames must be strings or numbers$/],
    ['true: {}\n', /^permissions\.yml: usernames must be strings or numbers$/],
    ['[a]: {}\n', /^permissions\.yml: usernames must be strings or numbers$/],
    ['alice: { 1: true }\n', /^permissions\.yml: user "alice": setting names must be strings$/],
    ['alice: {}\nalice: {}\n', /^permissions\.yml: not valid YAML \(DUPLICATE_KEY at line 2, column 1\)$/],
    ['1: {}\n"1": {}\n', /^permissions\.yml: user "1" is listed twice$/],
    ['alice: { list_topics: true\n', /^permissions\.yml: not valid YAML \(/],
    ['alice:\n  - a\n  b: c\n', /^permissions\.yml: not valid YAML \(/],
    ['a: 1\n---\nb: 2\n', /^permissions\.yml: not valid YAML \(/],
    ['"unterminated: {}\n', /^permissions\.yml: not valid YAML \(/],
    ['\t- x: y\n', /^permissions\.yml: not valid YAML \(/]
  ]
  for (const [text, message] of cases) {
    t.throws(() => parseUsers(text, '', NAMES), { instanceOf: UsersFileError, message }, JSON.stringify(text))
  }
})

test('YAML errors in passwd.yml do not quote the file', (t) => {
  const secret = '$2b$12$' + 'S'.repeat(53)
  const error = t.throws(() => parseUsers('', `alice: { password_hash: "${secret}"\n`, NAMES), { instanceOf: UsersFileError })
  t.regex(error?.message ?? '', /^passwd\.yml: not valid YAML/)
  t.false(error?.message.includes('SSSS'))
  t.false(error?.message.includes('\n'))
})

test('usernames in messages are JSON-quoted', (t) => {
  t.throws(() => parseUsers('"a\\nb": { x: 1 }\n', '', NAMES), { message: 'permissions.yml: user "a\\nb": unknown setting "x"' })
})

test('aliases resolve; alias bombs are refused', (t) => {
  const table = parseUsers('base: &topics { show_topic: [a, b] }\nalice: *topics\n', '', NAMES)
  t.deepEqual(setOf(table.get('alice')?.scoped.get('show_topic')), ['a', 'b'])
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
  for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`)
  lines.push('alice: { show_topic: *a7 }')
  t.throws(() => parseUsers(lines.join('\n') + '\n', '', NAMES), { instanceOf: UsersFileError, message: /^permissions\.yml: / })
})

test('the table and its users are immutable', (t) => {
  const table = parseUsers('alice: { list_topics: true, produce: [a] }\n', '', NAMES)
  const alice = table.get('alice')
  if (alice === undefined) return t.fail()
  t.true(Object.isFrozen(table))
  t.true(Object.isFrozen(alice))
  t.throws(() => { (alice as { name: string }).name = 'mallory' }, { instanceOf: TypeError })
  t.throws(() => { (table as { anonymous: unknown }).anonymous = alice }, { instanceOf: TypeError })
  // The collections have no mutators, and the real ones cannot be reached.
  t.is((alice.booleans as unknown as { add?: unknown }).add, undefined)
  t.is((alice.scoped as unknown as { set?: unknown }).set, undefined)
  t.throws(() => Set.prototype.add.call(alice.booleans as unknown as Set<string>, 'reload'), { instanceOf: TypeError })
  t.throws(() => Map.prototype.set.call(alice.scoped as unknown as Map<string, string>, 'fetch', 'all'), { instanceOf: TypeError })
  const produce = alice.scoped.get('produce')
  t.not(produce, 'all')
  if (produce !== undefined && produce !== 'all') {
    t.is((produce as unknown as { add?: unknown }).add, undefined)
    t.true(produce.has('a'))
    t.is(produce.size, 1)
    const seen: string[] = []
    produce.forEach((v) => seen.push(v))
    t.deepEqual(seen, ['a'])
  }
  t.false(alice.booleans.has('reload'))
  t.is(table.get('alice')?.name, 'alice')
})

test('loadUsers reads both files; a missing file is an error naming it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kastlex-users-'))
  try {
    const permissions = join(dir, 'permissions.yml')
    const passwd = join(dir, 'passwd.yml')
    writeFileSync(permissions, 'anonymous: { list_topics: true }\nalice: { fetch: all }\n')
    writeFileSync(passwd, `alice: { password_hash: "${HASH}" }\n`)
    const table = loadUsers(permissions, passwd)
    t.is(table.get('alice')?.passwordHash, HASH)
    t.true(table.anonymous?.booleans.has('list_topics'))

    const missing = join(dir, 'nope.yml')
    t.throws(() => loadUsers(permissions, missing), { instanceOf: UsersFileError, message: `${missing}: cannot read the file (ENOENT)` })
    t.throws(() => loadUsers(missing, passwd), { instanceOf: UsersFileError, message: `${missing}: cannot read the file (ENOENT)` })
    t.throws(() => loadUsers(dir, passwd), { instanceOf: UsersFileError, message: `${dir}: cannot read the file (EISDIR)` })

    writeFileSync(passwd, 'alice: { produce: true }\n')
    t.throws(() => loadUsers(permissions, passwd), { message: `${passwd}: user "alice": produce must be "all" or a list of topic names` })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

function setOf (scope: 'all' | ReadonlySet<string> | undefined): string[] | string | undefined {
  if (scope === undefined || scope === 'all') return scope
  return [...scope].sort()
}
