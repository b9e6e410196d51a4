// The gateway behind Debian's nginx and HAProxy with the settings README "Behind a proxy" gives (issue 12).
import test from 'ava'
import { freePort, startGateway, type Gateway } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'
import { eventually } from '../helpers/poll.js'
import { startHaproxy, startNginx, type Proxy } from '../helpers/proxy.js'

let gateway: Gateway | undefined
let nginx: (Proxy & { ports: Record<string, number> }) | undefined
const upstream = (): string => new URL(gateway?.url ?? 'http://gateway-not-started').host

test.before(async () => {
  gateway = await startGateway()
  // proxy_read_timeout: a gateway that does not answer fails the test in seconds, not after nginx's 60 s.
  nginx = await startNginx(`  upstream kastlex { server ${upstream()}; keepalive 8; }`, {
    // nginx's defaults: HTTP/1.0 to the gateway, a new connection per request.
    plain: `      proxy_pass http://${upstream()};\n      proxy_read_timeout 5s;`,
    keepAlive: '      proxy_pass http://kastlex;\n      proxy_http_version 1.1;\n      proxy_set_header Connection "";\n      proxy_read_timeout 5s;'
  })
})
test.after.always(async () => { await Promise.all([nginx?.stop(), gateway?.stop()]) })

const through = (server: string, path: string): string => `http://127.0.0.1:${nginx?.ports[server] ?? 0}${path}`

for (const [server, title] of [['plain', 'nginx with its default proxy_http_version (HTTP/1.0 upstream)'], ['keepAlive', 'nginx with proxy_http_version 1.1 and keep-alive upstream']] as const) {
  test(`${title}: produce and fetch`, async (t) => {
    const topic = await createTopic(t)
    for (let i = 0; i < 5; i++) {
      const res = await fetch(through(server, `/api/v2/messages/${topic}/0`), { method: 'POST', body: `record ${i}`, headers: { 'content-type': 'application/binary' } })
      t.is(res.status, 204, await res.text())
      t.is(res.headers.get('x-message-offset'), String(i))
    }
    const json = await fetch(through(server, `/api/v2/messages/${topic}/0/0?max_bytes=100000`))
    t.is(json.status, 200)
    t.deepEqual((await json.json() as Array<{ value: string }>).map((m) => m.value), [0, 1, 2, 3, 4].map((i) => `record ${i}`))
    const binary = await fetch(through(server, `/api/v1/messages/${topic}/0/3`), { headers: { accept: 'application/binary' } })
    t.is(binary.status, 200)
    t.is(await binary.text(), 'record 3')
    t.is(binary.headers.get('x-message-offset'), '3')
  })
}

test('HAProxy: HTTP/1.0 and HTTP/1.1 health checks see the gateway up, and requests pass through', async (t) => {
  const port = await freePort()
  const haproxy = await startHaproxy(() => `backend check10
  option httpchk GET /health
  http-check expect status 200
  server gateway ${upstream()} check inter 200ms
backend check11
  option httpchk GET /health HTTP/1.1
  http-check send hdr host kastlex
  http-check expect status 200
  server gateway ${upstream()} check inter 200ms
frontend front
  bind 127.0.0.1:${port}
  default_backend check10`)
  try {
    const row = async (backend: string): Promise<Record<string, string>> => {
      const [header = '', ...lines] = (await (await fetch(`http://127.0.0.1:${haproxy.statsPort}/stats;csv`)).text()).split('\n')
      const names = header.replace(/^# /, '').split(',')
      const fields = lines.map((line) => line.split(',')).find((f) => f[0] === backend && f[1] === 'gateway') ?? []
      // "* " marks a check in progress; what follows is the last result (INI: none yet).
      return Object.fromEntries(names.map((name, i) => [name, (fields[i] ?? '').replace(/^\* /, '')]))
    }
    for (const backend of ['check10', 'check11']) {
      const stat = await eventually(async () => await row(backend), (r) => !['', 'INI'].includes(r.check_status ?? ''), 10_000)
      t.like(stat, { status: 'UP', check_status: 'L7OK', check_code: '200' }, `${backend}: ${JSON.stringify(stat)}\n${haproxy.output()}`)
    }
    const res = await fetch(`http://127.0.0.1:${port}/health`)
    t.is(res.status, 200)
    t.deepEqual(await res.json(), { status: 'ok' })
  } finally {
    await haproxy.stop()
  }
})
