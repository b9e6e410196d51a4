// The dashboard (SPEC §10.8): GET / as one page with its content-security-policy, and the page itself in a
// real browser (Debian's chromium, driven by puppeteer-core) against a gateway with auth on, where
// anonymous may only list topics and admin may see the rest: 403 and 401 shown inline, login through the
// form, a topic's partitions, a group's lag, a hostile group id shown as text, under-replicated partitions
// highlighted, and no console error or CSP violation on the way.
// KASTLEX_DASHBOARD_SCREENSHOT=<file.png> also saves a screenshot of the logged-in page (docs/dashboard.png).
import test, { type ExecutionContext } from 'ava'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { DEV_ADMIN } from '../../src/auth/dev-auth.js'
import { createTopic, deleteTopic } from '../../src/kafka/topic-admin.js'
import { joinGroup } from '../helpers/consumer.js'
import { permissionsEnvironment, startGateway, type Gateway } from '../helpers/gateway.js'
import { KAFKA } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'

const CHROMIUM = process.env.KASTLEX_TEST_CHROMIUM ?? '/usr/bin/chromium'
const SCREENSHOT = process.env.KASTLEX_DASHBOARD_SCREENSHOT
const PERMISSIONS = `anonymous:
  list_topics: true
  produce: all
${DEV_ADMIN.username}:
  list_brokers: true
  list_groups: true
  show_topic: all
  show_group: all
`
/** Run id: this file's topic and groups are found by it (the broker is shared with other tests). */
const RUN = randomBytes(3).toString('hex')
const TOPIC = `dashboard-${RUN}-orders`
const GROUP = `dashboard-${RUN}-billing`
/** Group ids can be anything: markup that would run if the page parsed it, with a `/` for the URL path. */
const HOSTILE_GROUP = `<img src=x onerror="window.pwned=1">"'&amp;<script>window.pwned=2</script>-${RUN}`

let gateway: Gateway
let browser: Browser | undefined

test.before(async () => {
  gateway = await startGateway({ KASTLEX_WORKERS: '0', KASTLEX_OFFSETS_REFRESH_MS: '1000', ...await permissionsEnvironment(PERMISSIONS) })
  if (existsSync(CHROMIUM)) {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      // As root (containers, CI) Chromium refuses to start with its sandbox; /dev/shm is small in containers.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--disable-gpu']
    })
  }
})
test.after.always(async () => {
  await browser?.close()
  await gateway?.stop()
})

const page = async (path = '/', headers: Record<string, string> = {}, method = 'GET'): Promise<Response> => await fetch(gateway.url + path, { headers, method })

test('GET / → 200 text/html with the content-security-policy; no authentication; HEAD', async (t) => {
  const answer = await page('/', { authorization: 'Bearer not-a-token' })
  t.is(answer.status, 200)
  t.is(answer.headers.get('content-type'), 'text/html; charset=utf-8')
  t.is(answer.headers.get('content-security-policy'), "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; frame-ancestors 'none'")
  t.truthy(answer.headers.get('x-request-id'))
  const body = await answer.text()
  t.true(body.startsWith('<!doctype html>'))
  const head = await page('/', {}, 'HEAD')
  t.is(head.status, 200)
  t.is(Number(head.headers.get('content-length')), Buffer.byteLength(body))
  t.is(await head.text(), '')
})

test('route H: text/html acceptable or no Accept → the page; otherwise 406', async (t) => {
  for (const accept of ['text/html', 'text/html,application/xhtml+xml,*/*;q=0.8', '*/*', 'text/*', '']) {
    t.is((await page('/', { accept })).status, 200, `Accept: ${accept}`)
  }
  for (const accept of ['application/json', 'text/html;q=0', 'text/plain']) {
    const answer = await page('/', { accept })
    t.is(answer.status, 406, `Accept: ${accept}`)
    t.deepEqual(await answer.json(), { error: 'not acceptable' })
  }
})

/** What the page shows, read in the browser (the function runs there: DOM globals are its own). */
interface Rows { readonly classes: string, readonly cells: string[] }
interface Shown {
  readonly who: string
  readonly loginForm: boolean
  readonly overview: Record<string, { value: string, warn: boolean }>
  /** `data-status` of the inline problems of each section. */
  readonly problems: Record<'brokers' | 'topics' | 'groups', string[]>
  readonly brokers: Rows[]
  readonly topics: Array<{ name: string, title: string, classes: string, badges: string[], rows: Rows[] }>
  readonly groups: Array<{ name: string, title: string, state: string | undefined, maxlag: string | undefined, sparkBars: number, partitions: Rows[], lagWidths: string[] }>
  readonly pwned: unknown
  readonly images: number
  readonly scripts: number
}

declare const document: any, window: any // eslint-disable-line @typescript-eslint/no-explicit-any

function readPage (): Shown {
  const byId = (id: string): any => document.getElementById(id) // eslint-disable-line @typescript-eslint/no-explicit-any
  const all = (root: any, selector: string): any[] => [...root.querySelectorAll(selector)] // eslint-disable-line @typescript-eslint/no-explicit-any
  const rows = (table: any): Rows[] => table === null ? [] : all(table, 'tbody tr').map((tr) => ({ classes: tr.className, cells: all(tr, 'td').map((td) => td.textContent) })) // eslint-disable-line @typescript-eslint/no-explicit-any
  const problems = (id: string): string[] => all(byId(id), '.problem').map((p) => p.dataset.status)
  const visible = (element: any): boolean => element.getClientRects().length > 0 // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    who: visible(byId('identity')) ? byId('who').textContent : '',
    loginForm: visible(byId('login')),
    overview: Object.fromEntries(all(byId('overview'), '.card').map((card) =>
      [card.querySelector('.label').textContent, { value: card.querySelector('.value').textContent, warn: card.classList.contains('warn') }])),
    problems: { brokers: problems('brokers'), topics: problems('topics'), groups: problems('groups') },
    brokers: rows(byId('brokers').querySelector('table')),
    topics: all(byId('topics'), 'details.topic').map((d) => ({
      name: d.dataset.topic, title: d.querySelector('summary .name').textContent, classes: d.className,
      badges: all(d, 'summary .badge').map((b) => b.textContent), rows: rows(d.querySelector('table'))
    })),
    groups: all(byId('groups'), 'details.group').map((d) => ({
      name: d.dataset.group,
      title: d.querySelector('summary .name').textContent,
      state: d.querySelector('.state')?.textContent,
      maxlag: d.querySelector('.maxlag')?.textContent,
      sparkBars: all(d, '.spark > span').length,
      partitions: rows(d.querySelector('table')),
      lagWidths: all(d, '.lagbar > span').map((s) => s.style.width)
    })),
    pwned: window.pwned ?? null,
    images: document.images.length,
    scripts: document.scripts.length
  }
}

/** Polls what the page shows until `done` holds (60 s: a refresh shows every topic of the shared broker). */
async function shown (browserPage: Page, done: (shown: Shown) => boolean): Promise<Shown> {
  return await eventually(async () => await browserPage.evaluate(readPage), done, 60_000, 100)
}

/** A page that records console errors, uncaught exceptions and CSP violations. */
async function openPage (t: ExecutionContext): Promise<{ page: Page, errors: string[], violations: () => Promise<string[]> }> {
  const opened = await (browser as Browser).newPage()
  t.teardown(async () => { await opened.close() })
  const errors: string[] = []
  opened.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()) })
  opened.on('pageerror', (error) => { errors.push(`uncaught: ${String(error)}`) })
  await opened.evaluateOnNewDocument(() => {
    window.violations = []
    document.addEventListener('securitypolicyviolation', (event: any) => { window.violations.push(`${event.violatedDirective} ${event.blockedURI}`) }) // eslint-disable-line @typescript-eslint/no-explicit-any
  })
  await opened.setViewport({ width: 1280, height: 860 })
  return { page: opened, errors, violations: async () => await opened.evaluate(() => window.violations as string[]) }
}

/**
 * Chrome logs each API answer ≥ 400 as a console error. The page shows them inline: 401 and 403 (asserted),
 * 404 (a topic deleted since it was listed), 503 (Kafka failing for some other test's topic or group).
 */
const unexpected = (errors: readonly string[]): string[] =>
  errors.filter((text) => !/^Failed to load resource: the server responded with a status of (401|403|404|503) /.test(text))

async function produce (partition: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const answer = await page(`/api/v2/messages/${TOPIC}/${partition}`, {}, 'POST')
    if (answer.status !== 204) throw new Error(`produce: ${answer.status}`)
  }
}

const browserTest = !existsSync(CHROMIUM)
  ? (title: string, _run: (t: ExecutionContext) => Promise<void>) => test.skip(`${title} (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium, or set KASTLEX_TEST_CHROMIUM)`, () => {})
  : (title: string, run: (t: ExecutionContext) => Promise<void>) => test.serial(title, run)

browserTest('in a browser: 403 and 401 inline, login through the form, topics, brokers, a group\'s lag, a hostile group id as text; no console error, no CSP violation', async (t) => {
  t.timeout(240_000)
  await createTopic(KAFKA, TOPIC, 2)
  t.teardown(async () => { await deleteTopic(KAFKA, TOPIC) })
  await produce(0, 4)
  await produce(1, 2)
  const members = await Promise.all([GROUP, HOSTILE_GROUP].map(async (group) => await joinGroup(t, group, TOPIC)))
  await Promise.all(members.map(async (member) => { await member.readAndCommit(6) }))
  await produce(0, 3)
  const login = await (await fetch(`${gateway.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEV_ADMIN) })).json() as { token: string }
  const group = async (): Promise<{ maxlag?: number }> => await (await page(`/api/v1/consumers/${GROUP}`, { authorization: `Bearer ${login.token}` })).json() as { maxlag?: number }
  t.is((await eventually(group, (g) => g.maxlag === 3, 30_000, 200)).maxlag, 3, 'the API shows the lag (high watermarks refreshed)')

  const { page: dashboard, errors, violations } = await openPage(t)
  await dashboard.goto(`${gateway.url}/`)

  // Anonymous: topics listed, but showing one, brokers and groups are not allowed.
  const anonymous = await shown(dashboard, (s) => s.topics.some((topic) => topic.name === TOPIC) && s.problems.brokers.length > 0 && s.problems.groups.length > 0)
  t.deepEqual(anonymous.problems.brokers, ['403'])
  t.deepEqual(anonymous.problems.groups, ['403'])
  t.true(anonymous.problems.topics.length > 0 && anonymous.problems.topics.every((status) => status === '403'), 'each topic: 403 show_topic')
  t.true(anonymous.loginForm)

  // A pasted token the gateway refuses: 401 everywhere, the login form offered again.
  await dashboard.type('#paste input[name=token]', 'not-a-token')
  await dashboard.click('#paste button')
  const refused = await shown(dashboard, (s) => s.problems.topics.length === 1 && s.problems.topics[0] === '401')
  t.deepEqual(refused.problems, { brokers: ['401'], topics: ['401'], groups: ['401'] })
  t.is(refused.who, 'Token refused (401)')
  t.true(refused.loginForm)
  t.true(await dashboard.$eval('#topics .problem', (p: any) => p.textContent.includes('Unauthenticated'))) // eslint-disable-line @typescript-eslint/no-explicit-any

  // Log out, then log in through the form.
  await dashboard.click('#logout')
  await dashboard.type('#login input[name=username]', DEV_ADMIN.username)
  await dashboard.type('#login input[name=password]', DEV_ADMIN.password)
  await dashboard.click('#login button')
  const admin = await shown(dashboard, (s) => s.who === 'Signed in as admin' && s.groups.some((g) => g.name === GROUP && g.maxlag === '3') &&
    s.groups.some((g) => g.name === HOSTILE_GROUP && g.maxlag !== undefined) && s.topics.some((topic) => topic.name === TOPIC && topic.rows.length === 2))
  t.false(admin.loginForm)
  t.deepEqual(admin.problems.brokers, [])
  t.deepEqual([...admin.problems.topics, ...admin.problems.groups].filter((status) => status === '401' || status === '403'), [])
  t.true(admin.brokers.length > 0)
  t.true(admin.brokers.every(({ cells }) => /^\d+$/.test(cells[0] as string) && /^\d+$/.test(cells[2] as string)), JSON.stringify(admin.brokers))
  const topic = admin.topics.find(({ name }) => name === TOPIC)
  t.like(topic, { title: TOPIC, badges: ['in sync'] })
  t.deepEqual(topic?.rows.map(({ cells }) => cells.slice(0, 1)), [['0'], ['1']])
  t.true(topic?.rows.every(({ cells, classes }) => /^\d+$/.test(cells[1] as string) && cells[2] === cells[3] && classes === ''), JSON.stringify(topic?.rows))
  const billing = admin.groups.find(({ name }) => name === GROUP)
  t.like(billing, { title: GROUP, state: 'Stable', maxlag: '3' })
  t.deepEqual(billing?.partitions.map(({ cells }) => cells.slice(0, 5)), [[TOPIC, '0', '4', '7', '3'], [TOPIC, '1', '2', '2', '0']])
  t.deepEqual(billing?.lagWidths, ['100%', '0px'])
  t.true((billing?.sparkBars ?? 0) >= 1)
  // The hostile id is text: shown exactly, no element made of it, nothing of it ran.
  t.like(admin.groups.find(({ name }) => name === HOSTILE_GROUP), { title: HOSTILE_GROUP, maxlag: '3' })
  t.is(admin.pwned, null)
  t.is(admin.images, 0)
  t.is(admin.scripts, 1)

  // The filter narrows topics and groups to the names containing it.
  await dashboard.type('#filter', `dashboard-${RUN}`)
  const filtered = await dashboard.evaluate(readPage)
  t.deepEqual(filtered.topics.map(({ name }) => name), [TOPIC])
  t.deepEqual(filtered.groups.map(({ name }) => name), [GROUP])

  if (SCREENSHOT !== undefined) await screenshot(dashboard, SCREENSHOT, async () => (await group()).maxlag)

  t.deepEqual(unexpected(errors), [], 'console errors')
  t.deepEqual(await violations(), [], 'CSP violations')
  // Both detectors see a violation when there is one: an image from elsewhere is refused by img-src.
  await dashboard.evaluate(() => { const image = document.createElement('img'); image.src = 'http://127.0.0.2/x.png' })
  await eventually(violations, (found) => found.length > 0, 10_000, 50)
  t.deepEqual(await violations(), ['img-src http://127.0.0.2/x.png'])
  t.true(unexpected(errors).some((text) => text.includes('Content Security Policy')), JSON.stringify(errors))
})

browserTest('in a browser: under-replicated partitions and partitions without a leader are highlighted', async (t) => {
  // A single broker has none: the page is served its API answers by the browser (request interception).
  const { page: dashboard, errors, violations } = await openPage(t)
  const answers: Record<string, unknown> = {
    '/api/v1/topics': ['urp-topic'],
    '/api/v1/topics/urp-topic': {
      topic: 'urp-topic',
      config: { 'min.insync.replicas': '2' },
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
        { partition: 1, leader: 2, replicas: [1, 2, 3], isr: [2] },
        { partition: 2, leader: -1, replicas: [3], isr: [] }
      ]
    },
    '/api/v1/brokers': [1, 2, 3].map((id) => ({ id, node_id: id, host: `kafka-${id}`, port: 9092, rack: '', endpoints: [`PLAINTEXT://kafka-${id}:9092`] })),
    '/api/v1/consumers': []
  }
  await dashboard.setRequestInterception(true)
  dashboard.on('request', (request) => {
    const answer = answers[new URL(request.url()).pathname]
    if (answer === undefined) void request.continue()
    else void request.respond({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) })
  })
  await dashboard.goto(`${gateway.url}/`)
  const seen = await shown(dashboard, (s) => s.topics.length === 1 && s.topics[0]?.rows.length === 3)
  t.like(seen.topics[0], { name: 'urp-topic', classes: 'topic urp', badges: ['2 under-replicated', '1 without leader'] })
  t.deepEqual(seen.topics[0]?.rows.map(({ classes, cells }) => [classes, ...cells]), [
    ['', '0', '1', '1, 2, 3', '1, 2, 3'],
    ['urp', '1', '2', '1, 2, 3', '2'],
    ['offline', '2', 'none', '3', '\u2014']
  ])
  t.deepEqual(seen.overview['under-replicated'], { value: '2', warn: true })
  t.is(seen.overview.brokers?.value, '3')
  t.deepEqual(unexpected(errors), [])
  t.deepEqual(await violations(), [])
})

/** The logged-in page for the README: this run's topic and group unfolded, after a few refreshes of growing lag. */
async function screenshot (dashboard: Page, file: string, maxlag: () => Promise<number | undefined>): Promise<void> {
  let lag = 3
  for (const more of [2, 5, 3, 6]) {
    await produce(0, more)
    lag += more
    await eventually(maxlag, (value) => value === lag, 30_000, 200)
    await dashboard.click('#refresh')
    await shown(dashboard, (s) => s.groups[0]?.maxlag === String(lag))
  }
  await dashboard.click(`#topics details.topic summary`)
  await dashboard.click(`#groups details.group summary`)
  await dashboard.screenshot({ path: file, fullPage: true })
}
