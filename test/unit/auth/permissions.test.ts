// SPEC §6.4 and §11 items 38, 41: effective permissions = anonymous ∪ user; exact, case-sensitive scopes;
// numbers as decimal text; nothing else grants anything.
import test from 'ava'
import { actionKind, allowed } from '../../../src/auth/permissions.js'
import { BOOLEAN_ACTIONS, parseUsers, SCOPED_ACTIONS, type User } from '../../../src/auth/users.js'

const NAMES = { permissions: 'permissions.yml', passwd: 'passwd.yml' }

const withAnonymous = parseUsers(`
anonymous:
  list_topics: true
  list_brokers: false
  show_topic: [public, "0"]
  show_broker: [0]
alice:
  list_brokers: true
  reload: true
  list_topics: false
  show_topic: [private, Mixed]
  produce: all
  show_group: [7, g-1]
bob: {}
`, '', NAMES)

const withoutAnonymous = parseUsers(`
alice:
  list_topics: true
  show_topic: [private]
  fetch: all
`, '', NAMES)

const user = (table: typeof withAnonymous, name: string): User => {
  const found = table.get(name)
  if (found === undefined) throw new Error(`no user ${name}`)
  return found
}

test('actionKind: booleans, scoped, unknown', (t) => {
  for (const action of BOOLEAN_ACTIONS) t.is(actionKind(action), 'boolean')
  for (const action of SCOPED_ACTIONS) t.is(actionKind(action), 'scoped')
  for (const action of ['password_hash', '', 'LIST_TOPICS', 'admin', '__proto__']) t.is(actionKind(action), undefined)
})

test('union of anonymous and user (table with anonymous)', (t) => {
  const alice = user(withAnonymous, 'alice')
  const bob = user(withAnonymous, 'bob')
  // [who, action, scope, expected]
  const cases: ReadonlyArray<readonly [User | undefined, string, string | undefined, boolean]> = [
    // anonymous request: only the anonymous entry
    [undefined, 'list_topics', undefined, true],
    [undefined, 'list_brokers', undefined, false],
    [undefined, 'reload', undefined, false],
    [undefined, 'show_topic', 'public', true],
    [undefined, 'show_topic', 'private', false],
    [undefined, 'show_topic', '0', true],
    [undefined, 'show_broker', '0', true],
    [undefined, 'show_broker', '00', false],
    [undefined, 'show_broker', '1', false],
    [undefined, 'produce', 'public', false],
    [undefined, 'show_group', '7', false],
    // alice: her own entry plus anonymous's
    [alice, 'list_topics', undefined, true], // anonymous grants, her false does not take it away
    [alice, 'list_brokers', undefined, true], // hers
    [alice, 'reload', undefined, true],
    [alice, 'revoke', undefined, false],
    [alice, 'metrics', undefined, false],
    [alice, 'show_topic', 'public', true], // anonymous's list
    [alice, 'show_topic', 'private', true], // hers
    [alice, 'show_topic', 'Mixed', true],
    [alice, 'show_topic', 'mixed', false], // case-sensitive
    [alice, 'show_topic', 'privat', false], // exact
    [alice, 'show_topic', 'private ', false],
    [alice, 'show_topic', 'other', false],
    [alice, 'produce', 'anything', true], // all
    [alice, 'produce', '', true],
    [alice, 'fetch', 'private', false], // no one grants fetch
    [alice, 'show_group', '7', true], // YAML number 7 = "7"
    [alice, 'show_group', '07', false],
    [alice, 'show_group', 'g-1', true],
    [alice, 'show_broker', '0', true], // anonymous's YAML 0 = broker "0"
    // bob: empty entry, still gets anonymous's
    [bob, 'list_topics', undefined, true],
    [bob, 'show_topic', 'public', true],
    [bob, 'show_topic', 'private', false],
    [bob, 'produce', 'x', false],
    // unknown actions never granted
    [alice, 'password_hash', undefined, false],
    [alice, 'admin', 'x', false],
    [undefined, 'LIST_TOPICS', undefined, false]
  ]
  for (const [who, action, scope, expected] of cases) {
    t.is(allowed(withAnonymous, who, action, scope), expected, `${who?.name ?? '(anonymous)'} ${action} ${String(scope)}`)
  }
})

test('without an anonymous entry, anonymous requests get nothing and users only their own', (t) => {
  const alice = user(withoutAnonymous, 'alice')
  for (const action of [...BOOLEAN_ACTIONS, ...SCOPED_ACTIONS]) {
    t.false(allowed(withoutAnonymous, undefined, action, 'private'), action)
  }
  t.true(allowed(withoutAnonymous, alice, 'list_topics'))
  t.false(allowed(withoutAnonymous, alice, 'list_brokers'))
  t.true(allowed(withoutAnonymous, alice, 'show_topic', 'private'))
  t.false(allowed(withoutAnonymous, alice, 'show_topic', 'public'))
  t.true(allowed(withoutAnonymous, alice, 'fetch', 'whatever'))
})

test('an empty table grants nothing', (t) => {
  const empty = parseUsers('', '', NAMES)
  for (const action of [...BOOLEAN_ACTIONS, ...SCOPED_ACTIONS]) t.false(allowed(empty, undefined, action, 'x'))
})

test('a scoped action without a scope value is granted only by all', (t) => {
  const alice = user(withAnonymous, 'alice')
  t.true(allowed(withAnonymous, alice, 'produce'))
  t.false(allowed(withAnonymous, alice, 'show_topic'))
  t.false(allowed(withAnonymous, undefined, 'show_broker'))
})

test('a topic named "all" in a list is only that topic', (t) => {
  const table = parseUsers('anonymous: { show_topic: [all] }\n', '', NAMES)
  t.true(allowed(table, undefined, 'show_topic', 'all'))
  t.false(allowed(table, undefined, 'show_topic', 'orders'))
})

test('a user entry of another table still unions with this table\'s anonymous', (t) => {
  // The caller looks the user up in the current table; this pins that allowed() reads anonymous from
  // the table it is given (one snapshot per request).
  const before = parseUsers('anonymous: { list_topics: true }\nalice: {}\n', '', NAMES)
  const after = parseUsers('alice: {}\n', '', NAMES)
  t.true(allowed(before, user(before, 'alice'), 'list_topics'))
  t.false(allowed(after, user(after, 'alice'), 'list_topics'))
})
