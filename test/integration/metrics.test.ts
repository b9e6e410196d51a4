// GET /metrics (SPEC §8): Prometheus text with the gateway's own families and prom-client defaults.
// Serial: the counters are shared by every test of the file's gateway.
import test from 'ava'
import { gatewayPerFile } from '../helpers/gateway.js'
import { createTopic } from '../helpers/kafka.js'

const gateway = gatewayPerFile(test)

/** The value of one sample line, e.g. `name{a="b"}`; undefined when absent. */
function sample (text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

test.serial('produce, fetch and HTTP series count what happened', async (t) => {
  const topic = await createTopic(t)
  for (let i = 0; i < 3; i++) {
    t.is((await fetch(`${gateway().url}/api/v2/messages/${topic}/0?key=k`, { method: 'POST', body: 'abcd' })).status, 204)
  }
  t.is((await (await fetch(`${gateway().url}/api/v2/messages/${topic}/0/0`)).json() as unknown[]).length, 3)
  t.is((await fetch(`${gateway().url}/no/such/route`)).status, 404)

  const res = await fetch(`${gateway().url}/metrics`)
  t.is(res.status, 200)
  t.is(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  const text = await res.text()
  t.is(sample(text, `kastlex_produced_records_total{topic="${topic}"}`), 3)
  t.is(sample(text, `kastlex_produced_bytes_total{topic="${topic}"}`), 3 * 5, 'key + value bytes')
  t.is(sample(text, `kastlex_fetched_records_total{topic="${topic}"}`), 3)
  t.is(sample(text, `kastlex_fetched_bytes_total{topic="${topic}"}`), 3 * 5)
  t.is(sample(text, 'kastlex_http_requests_total{method="POST",route="/api/v2/messages/:topic/:partition",status="204"}'), 3)
  t.is(sample(text, 'kastlex_http_requests_total{method="GET",route="unmatched",status="404"}'), 1)
  t.is(sample(text, 'kastlex_http_request_duration_seconds_count{method="POST",route="/api/v2/messages/:topic/:partition",status="204"}'), 3)
  t.is(sample(text, 'kastlex_worker_pool_size'), 1)
  t.is(sample(text, 'kastlex_worker_pool_queue_depth'), 0)
  t.not(sample(text, 'kastlex_worker_pool_utilization'), undefined)
  t.true((sample(text, 'process_resident_memory_bytes') ?? 0) > 0)
  t.regex(text, /# HELP kastlex_http_requests_total /)
  t.regex(text, /# TYPE kastlex_http_request_duration_seconds histogram/)
})

test.serial('requests of made-up methods share one series labelled other, whatever their names', async (t) => {
  const before = sample(await (await fetch(`${gateway().url}/metrics`)).text(), 'kastlex_http_requests_total{method="other",route="unmatched",status="404"}') ?? 0
  for (let i = 0; i < 20; i++) {
    t.is((await fetch(`${gateway().url}/anything`, { method: `MADEUP${i}` })).status, 404)
  }
  const text = await (await fetch(`${gateway().url}/metrics`)).text()
  t.is(sample(text, 'kastlex_http_requests_total{method="other",route="unmatched",status="404"}'), before + 20)
  t.false(text.includes('MADEUP'), 'no series of its own')
})

test.serial('librdkafka statistics of every worker: queues and broker round-trip', async (t) => {
  const topic = await createTopic(t)
  t.is((await fetch(`${gateway().url}/api/v2/messages/${topic}/0`, { method: 'POST', body: 'x' })).status, 204)
  // librdkafka reports statistics every 5 s.
  const deadline = Date.now() + 20_000
  let text = ''
  while (Date.now() < deadline) {
    text = await (await fetch(`${gateway().url}/metrics`)).text()
    if (/^kastlex_broker_rtt_seconds\{broker="[^"]+"\} [0-9.e-]+$/m.test(text)) break
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  t.regex(text, /^kastlex_broker_rtt_seconds\{broker="[^"]+\/1"\} [0-9.e-]+$/m)
  t.is(sample(text, 'kastlex_producer_queue_messages'), 0, 'nothing waits once acknowledged')
  t.not(sample(text, 'kastlex_fetch_queue_messages'), undefined)
})
