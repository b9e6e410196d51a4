// The dashboard page (SPEC §10.8): inline style and script only, no URL outside this origin. The script
// reads the v1 API with the token kept in sessionStorage and builds every element from API data with
// createElement and text nodes: nothing the API returns (group ids and user names can be anything) is
// ever parsed as HTML. Written without template literals, so that it can live in this one.
const STYLE = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --fg: #1c2230; --muted: #687082; --card: #fff; --line: #e2e5ea; --head: #f0f2f5;
  --accent: #2358d6; --warn: #9a4b00; --warn-bg: #fff1d6; --bad: #b42318; --bad-bg: #fde8e6; --bar: #3d7bf0; --ok: #1a7f4b;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #101318; --fg: #e4e7ec; --muted: #98a1b0; --card: #181c23; --line: #2a303a; --head: #1f242c;
    --accent: #6f9dff; --warn: #f5b451; --warn-bg: #3a2a0c; --bad: #ff8a80; --bad-bg: #3d1614; --bar: #6f9dff; --ok: #5fd39a;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 12px; padding: 12px 24px; background: var(--card); border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0; letter-spacing: .02em; }
h1 small { font-weight: normal; color: var(--muted); margin-left: 6px; }
h2 { font-size: 15px; margin: 0 0 8px; }
#auth { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
#auth form { display: flex; gap: 6px; }
input, button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
button { cursor: pointer; background: var(--head); }
button:hover { border-color: var(--accent); }
#who { font-weight: 600; }
nav { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 10px 24px; }
nav #filter { min-width: 260px; }
#updated { color: var(--muted); }
main { padding: 0 24px 32px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: 0; padding: 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; min-width: 130px; }
.card .value { font-size: 22px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card.warn { border-color: var(--warn); background: var(--warn-bg); }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 4px 28px 4px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
details { border-top: 1px solid var(--line); }
details:first-of-type { border-top: 0; }
summary { display: grid; grid-template-columns: minmax(200px, 2fr) repeat(4, minmax(90px, 1fr)); gap: 8px; align-items: center; padding: 6px 0; cursor: pointer; }
summary::-webkit-details-marker { display: none; }
summary .name::before { content: "\25B8"; display: inline-block; width: 1.2em; color: var(--muted); }
details[open] > summary .name::before { content: "\25BE"; }
details > .more { padding: 4px 0 12px 1.2em; overflow-x: auto; }
.more td.name { white-space: nowrap; }
.more td.assigned { white-space: normal; }
.more table + table { margin-top: 12px; }
.muted, .empty { color: var(--muted); }
.badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; background: var(--head); }
.badge.warn { background: var(--warn-bg); color: var(--warn); font-weight: 600; }
.badge.ok { color: var(--ok); }
tr.urp td { background: var(--warn-bg); color: var(--warn); font-weight: 600; }
tr.offline td { background: var(--bad-bg); color: var(--bad); font-weight: 600; }
.problem { margin: 4px 0; padding: 6px 10px; border-radius: 6px; background: var(--bad-bg); color: var(--bad); }
summary > * { justify-self: start; }
summary .problem { grid-column: 2 / -1; margin: 0; padding: 2px 8px; }
.lagbar { display: inline-block; width: 120px; height: 10px; border-radius: 3px; background: var(--head); vertical-align: middle; overflow: hidden; }
.lagbar > span { display: block; height: 100%; background: var(--bar); }
.spark { display: inline-flex; align-items: flex-end; gap: 1px; width: 162px; height: 22px; vertical-align: middle; border-bottom: 1px solid var(--line); }
.spark > span { flex: 0 0 3px; background: var(--bar); min-height: 1px; }
.spark > span.unknown { background: var(--line); height: 100%; }
.config { margin-top: 6px; font-size: 12px; }
`

const SCRIPT = String.raw`
'use strict'
const TOKEN_KEY = 'kastlex.token'
const REFRESH_MS = 10000
/** Refreshes a group's sparkline remembers. */
const LAG_HISTORY = 40
/** API requests at once while loading every topic and group. */
const PARALLEL = 6
const numbers = new Intl.NumberFormat('en')
/** maxlag of each group at the last refreshes (null: unknown), oldest first. */
const lagHistory = new Map()
/** The topics and groups the user unfolded, kept across refreshes. */
const unfolded = new Set()
/** What the last refresh loaded: re-rendered when the filter changes. */
let last
let tokenRefused = false
let timer
let loading
let reloadAfter = false

const $ = (id) => document.getElementById(id)

/** An element; attribute values and children are set as text, never parsed. */
function el (tag, attributes, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value)
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    node.append(typeof child === 'object' ? child : String(child))
  }
  return node
}

/** Offsets, lags and counts with digit grouping; ids, ports and partitions as they are. */
const show = (value) => value === null || value === undefined ? '\u2014' : typeof value === 'number' ? numbers.format(value) : String(value)
const plain = (value) => value === null || value === undefined ? '\u2014' : String(value)
const num = (value, format = show) => el('td', { class: 'num' }, format(value))
const storedToken = () => sessionStorage.getItem(TOKEN_KEY)

/** GET on the API with the token; { ok, status, body } or { ok: false, status, error }. */
async function api (path) {
  const headers = { accept: 'application/json' }
  const token = storedToken()
  if (token !== null) headers.authorization = 'Bearer ' + token
  let response
  try {
    response = await fetch(path, { headers, cache: 'no-store' })
  } catch (err) {
    return { ok: false, status: 0, error: 'gateway unreachable' }
  }
  let body = null
  if (response.status !== 204) body = await response.json().catch(() => null)
  if (response.ok) return { ok: true, status: response.status, body }
  const error = body !== null && typeof body.error === 'string' ? body.error : response.statusText
  return { ok: false, status: response.status, error }
}

/** Runs fn over items, PARALLEL at a time; results in item order. */
async function inParallel (items, fn) {
  const results = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker))
  return results
}

/** A failed API answer as an inline message; 401 and 403 say what to do about them. */
function problem (result, action) {
  const told = result.status === 0 ? '' : result.status + ' '
  let advice = ''
  if (result.status === 401) advice = ': the token was refused (expired, revoked or not from this gateway). Log in again, or log out to continue anonymously.'
  else if (result.status === 403) advice = ': ' + (storedToken() === null ? 'anonymous users' : 'this user') + ' may not ' + action + '.' + (storedToken() === null ? ' Log in.' : '')
  return el('p', { class: 'problem', role: 'alert', 'data-status': String(result.status) }, told + result.error + advice)
}

/** The user named by a token's sub claim (user:<name>), if it can be read. */
function tokenUser (token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))))
    return typeof claims.sub === 'string' && claims.sub.startsWith('user:') ? claims.sub.slice(5) : undefined
  } catch (err) {
    return undefined
  }
}

function showAuth () {
  const token = storedToken()
  $('identity').hidden = token === null
  $('login').hidden = $('paste').hidden = token !== null && !tokenRefused
  if (token === null) return
  const user = tokenUser(token)
  $('who').textContent = tokenRefused ? 'Token refused (401)' : user === undefined ? 'Pasted token' : 'Signed in as ' + user
}

function tell (message) {
  $('auth-problem').hidden = message === ''
  $('auth-problem').textContent = message
}

function useToken (token) {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY)
  else sessionStorage.setItem(TOKEN_KEY, token)
  tokenRefused = false
  tell('')
  showAuth()
  refresh()
}

// ---- loading ------------------------------------------------------------------------------------------

async function loadBrokers () {
  const list = await api('/api/v1/brokers')
  return list.ok ? { brokers: list.body } : { failed: list }
}

async function loadTopics () {
  const list = await api('/api/v1/topics')
  if (!list.ok) return { failed: list }
  const shown = await inParallel(list.body, (name) => api('/api/v1/topics/' + encodeURIComponent(name)))
  // 404: deleted since it was listed.
  return { topics: list.body.map((name, i) => ({ name, result: shown[i] })).filter(({ result }) => result.status !== 404) }
}

/** The URL path of a group, unless its id cannot be one segment ('', '.' and '..' are not). */
const groupPath = (id) => id === '' || id === '.' || id === '..' ? undefined : '/api/v1/consumers/' + encodeURIComponent(id)

async function loadGroups () {
  const list = await api('/api/v1/consumers')
  if (!list.ok) return { failed: list }
  const shown = await inParallel(list.body, (id) => {
    const path = groupPath(id)
    return path === undefined ? { ok: false, status: 0, error: 'this group id cannot be asked for in a URL path' } : api(path)
  })
  const groups = list.body.map((id, i) => ({ id, result: shown[i] }))
  for (const { id, result } of groups) {
    const history = lagHistory.get(id) || []
    history.push(result.ok ? result.body.maxlag : null)
    lagHistory.set(id, history.slice(-LAG_HISTORY))
  }
  for (const id of lagHistory.keys()) if (!list.body.includes(id)) lagHistory.delete(id)
  return { groups }
}

async function load () {
  clearTimeout(timer)
  $('refresh').disabled = true
  try {
    const [brokers, topics, groups] = await Promise.all([loadBrokers(), loadTopics(), loadGroups()])
    last = { brokers, topics, groups }
    const failures = [brokers.failed, topics.failed, groups.failed].filter(Boolean)
    tokenRefused = storedToken() !== null && failures.some((failure) => failure.status === 401)
    showAuth()
    render()
    $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString()
  } finally {
    $('refresh').disabled = false
  }
}

/** Loads everything now, or right after the load under way (the token may have changed meanwhile). */
function refresh () {
  if (loading !== undefined) {
    reloadAfter = true
    return
  }
  loading = load().catch((err) => { $('updated').textContent = 'Refresh failed: ' + err.message }).finally(() => {
    loading = undefined
    if (reloadAfter) {
      reloadAfter = false
      refresh()
    } else if ($('auto').checked) timer = setTimeout(refresh, REFRESH_MS)
  })
}

// ---- rendering ----------------------------------------------------------------------------------------

const matches = (name) => name.toLowerCase().includes($('filter').value.trim().toLowerCase())
const underReplicated = (p) => p.replicas.some((replica) => !p.isr.includes(replica))

function render () {
  if (last === undefined) return
  $('overview').replaceChildren(...overview(last))
  $('brokers').querySelector('.body').replaceChildren(...brokersView(last.brokers))
  $('topics').querySelector('.body').replaceChildren(...topicsView(last.topics))
  $('groups').querySelector('.body').replaceChildren(...groupsView(last.groups))
}

function card (label, value, warn) {
  return el('div', { class: warn ? 'card warn' : 'card' }, el('div', { class: 'value' }, show(value)), el('div', { class: 'label' }, label))
}

function overview ({ brokers, topics, groups }) {
  const shownTopics = topics.topics ? topics.topics.filter((t) => t.result.ok) : undefined
  const partitions = shownTopics ? shownTopics.flatMap((t) => t.result.body.partitions) : undefined
  const urps = partitions ? partitions.filter(underReplicated).length : undefined
  const lags = groups.groups ? groups.groups.filter((g) => g.result.ok && g.result.body.maxlag !== null).map((g) => g.result.body.maxlag) : []
  return [
    card('brokers', brokers.brokers && brokers.brokers.length),
    card('topics', topics.topics && topics.topics.length),
    card('partitions', partitions && partitions.length),
    card('under-replicated', urps, urps > 0),
    card('consumer groups', groups.groups && groups.groups.length),
    card('largest lag', lags.length === 0 ? undefined : Math.max(...lags))
  ]
}

function table (headings, rows) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headings.map((h) => el('th', { class: h.endsWith('#') ? 'num' : '' }, h.replace(/#$/, ''))))),
    el('tbody', {}, rows))
}

function brokersView ({ brokers, failed }) {
  if (failed) return [problem(failed, 'list brokers (list_brokers)')]
  if (brokers.length === 0) return [el('p', { class: 'empty' }, 'No brokers.')]
  return [table(['Id#', 'Host', 'Port#', 'Rack', 'Endpoints'], brokers.map((b) =>
    el('tr', {}, num(b.id, plain), el('td', { class: 'name' }, b.host), num(b.port, plain), el('td', {}, b.rack || '\u2014'), el('td', { class: 'name' }, b.endpoints.join(' ')))))]
}

/** A details element whose unfolding survives refreshes. */
function foldable (key, summary, ...more) {
  const details = el('details', {}, el('summary', {}, summary), el('div', { class: 'more' }, more))
  details.open = unfolded.has(key)
  details.addEventListener('toggle', () => { if (details.open) unfolded.add(key); else unfolded.delete(key) })
  return details
}

function topicsView ({ topics, failed }) {
  if (failed) return [problem(failed, 'list topics (list_topics)')]
  const shown = topics.filter((t) => matches(t.name))
  if (shown.length === 0) return [el('p', { class: 'empty' }, topics.length === 0 ? 'No topics.' : 'No topic matches the filter.')]
  return shown.map(topicView)
}

function topicView ({ name, result }) {
  const title = el('span', { class: 'name' }, name)
  if (!result.ok) {
    const details = el('details', { class: 'topic' }, el('summary', {}, title, problem(result, 'show this topic (show_topic)')))
    details.dataset.topic = name
    return details
  }
  const { partitions, config } = result.body
  const urps = partitions.filter(underReplicated).length
  const offline = partitions.filter((p) => p.leader < 0).length
  const replication = Math.max(0, ...partitions.map((p) => p.replicas.length))
  const rows = partitions.map((p) => el('tr', { class: p.leader < 0 ? 'offline' : underReplicated(p) ? 'urp' : '' },
    num(p.partition, plain), el('td', { class: 'num' }, p.leader < 0 ? 'none' : plain(p.leader)),
    el('td', {}, p.replicas.join(', ')), el('td', {}, p.isr.join(', ') || '\u2014')))
  const overrides = config === null ? ['config could not be read'] : Object.entries(config).map(([key, value]) => key + '=' + plain(value))
  const details = foldable('topic:' + name, [
    title,
    el('span', {}, partitions.length + (partitions.length === 1 ? ' partition' : ' partitions')),
    el('span', { class: 'muted' }, 'replication ' + replication),
    urps > 0 ? el('span', { class: 'badge warn' }, urps + ' under-replicated') : el('span', { class: 'badge ok' }, 'in sync'),
    offline > 0 ? el('span', { class: 'badge warn' }, offline + ' without leader') : el('span', {})
  ],
  table(['Partition#', 'Leader#', 'Replicas', 'ISR'], rows),
  overrides.length > 0 ? el('div', { class: 'config muted name' }, overrides.join('  ')) : null)
  details.classList.add('topic')
  if (urps > 0 || offline > 0) details.classList.add('urp')
  details.dataset.topic = name
  return details
}

function groupsView ({ groups, failed }) {
  if (failed) return [problem(failed, 'list consumer groups (list_groups)')]
  const shown = groups.filter((g) => matches(g.id))
  if (shown.length === 0) return [el('p', { class: 'empty' }, groups.length === 0 ? 'No consumer groups.' : 'No group matches the filter.')]
  return shown.map(groupView)
}

/** maxlag at the last refreshes as bars, scaled to the largest. */
function sparkline (id) {
  const history = lagHistory.get(id) || []
  const known = history.filter((v) => v !== null)
  const top = Math.max(1, ...known)
  const line = el('span', { class: 'spark', title: 'maxlag at the last ' + history.length + ' refreshes: ' + history.map(show).join(' \u2192 ') })
  for (const value of history) {
    const bar = el('span', value === null ? { class: 'unknown' } : {})
    if (value !== null) bar.style.height = Math.max(5, value / top * 100) + '%'
    line.append(bar)
  }
  return line
}

function lagBar (lag, top) {
  const bar = el('span', { class: 'lagbar', title: 'lag ' + show(lag) })
  const fill = el('span', {})
  fill.style.width = !lag || !top ? '0' : Math.max(2, lag / top * 100) + '%'
  bar.append(fill)
  return bar
}

function groupView ({ id, result }) {
  const title = el('span', { class: 'name' }, id)
  if (!result.ok) {
    const details = el('details', { class: 'group' }, el('summary', {}, title,
      result.status === 404 ? el('span', { class: 'muted' }, 'no members and no committed offsets') : problem(result, 'show this group (show_group)')))
    details.dataset.group = id
    return details
  }
  const group = result.body
  const top = group.maxlag || 0
  const partitions = group.partitions.map((p) => el('tr', {},
    el('td', { class: 'name' }, p.topic), num(p.partition, plain), num(p.offset), num(p.high_wm_offset), el('td', { class: 'num lag' }, show(p.lag)), el('td', {}, lagBar(p.lag, top))))
  const members = group.members.map((m) => el('tr', {},
    el('td', { class: 'name' }, m.member_id), el('td', { class: 'name' }, m.client_id), el('td', { class: 'name' }, m.client_host),
    el('td', { class: 'name assigned' }, Object.entries((m.assignment && m.assignment.topic_partitions) || {}).map(([topic, ps]) => topic + ': ' + ps.join(', ')).join('; ') || '\u2014')))
  const details = foldable('group:' + id, [
    title,
    el('span', { class: 'state' }, group.state),
    el('span', {}, group.members.length + (group.members.length === 1 ? ' member' : ' members')),
    el('span', {}, 'maxlag ', el('strong', { class: 'maxlag' }, show(group.maxlag))),
    sparkline(id)
  ],
  group.partitions.length === 0
    ? el('p', { class: 'empty' }, 'No committed offsets.')
    : table(['Topic', 'Partition#', 'Committed#', 'High watermark#', 'Lag#', ''], partitions),
  group.members.length === 0 ? null : table(['Member', 'Client', 'Host', 'Assigned'], members))
  details.classList.add('group')
  details.dataset.group = id
  return details
}

// ---- wiring -------------------------------------------------------------------------------------------

$('login').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = event.currentTarget
  const credentials = { username: form.elements.username.value, password: form.elements.password.value }
  tell('')
  let response
  try {
    response = await fetch('/login', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(credentials) })
  } catch (err) {
    tell('Login failed: gateway unreachable')
    return
  }
  const answer = await response.json().catch(() => ({}))
  if (response.ok && typeof answer.token === 'string') {
    form.elements.password.value = ''
    useToken(answer.token)
    return
  }
  const retry = response.headers.get('retry-after')
  tell('Login failed: ' + response.status + ' ' + (typeof answer.error === 'string' ? answer.error : response.statusText) + (retry === null ? '' : ' (retry in ' + retry + ' s)'))
})

$('paste').addEventListener('submit', (event) => {
  event.preventDefault()
  const field = event.currentTarget.elements.token
  const token = field.value.trim().replace(/^Bearer:?\s+/i, '')
  field.value = ''
  if (token !== '') useToken(token)
})

$('logout').addEventListener('click', () => useToken(null))
$('refresh').addEventListener('click', refresh)
$('filter').addEventListener('input', render)
$('auto').addEventListener('change', () => {
  clearTimeout(timer)
  if ($('auto').checked) refresh()
})

showAuth()
refresh()
`

export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>KastleX dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>KastleX <small>Kafka REST gateway</small></h1>
  <div id="auth">
    <span id="identity" hidden><span id="who"></span> <button type="button" id="logout">Log out</button></span>
    <form id="login" method="post" action="/login">
      <input name="username" autocomplete="username" placeholder="user" aria-label="user" required>
      <input name="password" type="password" autocomplete="current-password" placeholder="password" aria-label="password" required>
      <button>Log in</button>
    </form>
    <form id="paste">
      <input name="token" autocomplete="off" placeholder="or paste a token" aria-label="token" required>
      <button>Use token</button>
    </form>
    <p id="auth-problem" class="problem" role="alert" hidden></p>
  </div>
</header>
<nav>
  <input id="filter" type="search" placeholder="Filter topics and groups" aria-label="filter">
  <label><input type="checkbox" id="auto" checked> refresh every 10 s</label>
  <button type="button" id="refresh">Refresh</button>
  <span id="updated" aria-live="polite"></span>
</nav>
<main>
  <section id="overview" class="cards"></section>
  <section id="brokers"><h2>Brokers</h2><div class="body"></div></section>
  <section id="topics"><h2>Topics</h2><div class="body"></div></section>
  <section id="groups"><h2>Consumer groups</h2><div class="body"></div></section>
</main>
<noscript>The dashboard needs JavaScript; the API is described at /openapi.json.</noscript>
<script>${SCRIPT}</script>
</body>
</html>
`
