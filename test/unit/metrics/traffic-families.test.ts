// The traffic families (src/metrics/traffic-families.ts) are the text prom-client writes for the same
// requests, durations and topic totals: bucket edges, escaping of hostile label values, empty families.
import test from 'ava'
import { Counter, Histogram, Registry } from 'prom-client'
import { OTHER_METHOD, TrafficFamilies } from '../../../src/metrics/traffic-families.js'

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

interface Traffic {
  readonly requests: ReadonlyArray<readonly [string, string, number, number]>
  readonly produced: ReadonlyArray<readonly [string, number, number]>
  readonly fetched: ReadonlyArray<readonly [string, number, number]>
}

async function promClientText ({ requests, produced, fetched }: Traffic): Promise<string> {
  const registers = [new Registry()]
  const count = new Counter({ name: 'kastlex_http_requests_total', help: 'HTTP requests by route template and status', labelNames: ['method', 'route', 'status'], registers })
  const duration = new Histogram({ name: 'kastlex_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'], buckets: BUCKETS, registers })
  const counter = (name: string, help: string): Counter<'topic'> => new Counter({ name, help, labelNames: ['topic'], registers })
  const producedRecords = counter('kastlex_produced_records_total', 'Records acknowledged by Kafka')
  const producedBytes = counter('kastlex_produced_bytes_total', 'Key + value bytes of acknowledged records')
  const fetchedRecords = counter('kastlex_fetched_records_total', 'Records sent by fetch')
  const fetchedBytes = counter('kastlex_fetched_bytes_total', 'Key + value bytes of records sent by fetch')
  for (const [method, route, status, seconds] of requests) {
    const labels = { method, route, status: String(status) }
    count.inc(labels)
    duration.observe(labels, seconds)
  }
  for (const [topic, records, bytes] of produced) {
    producedRecords.inc({ topic }, records)
    producedBytes.inc({ topic }, bytes)
  }
  for (const [topic, records, bytes] of fetched) {
    fetchedRecords.inc({ topic }, records)
    fetchedBytes.inc({ topic }, bytes)
  }
  return await registers[0]?.metrics() ?? ''
}

function ourText ({ requests, produced, fetched }: Traffic): string {
  const families = new TrafficFamilies()
  for (const [method, route, status, seconds] of requests) families.request(method, route, status, seconds)
  for (const [topic, records, bytes] of produced) families.produce(topic, records, bytes)
  for (const [topic, records, bytes] of fetched) families.fetch(topic, records, bytes)
  return families.render()
}

test('the same text as prom-client: bucket edges (a value on an edge counts in it), sums, several series, hostile labels', async (t) => {
  const traffic: Traffic = {
    requests: [
      ['POST', '/api/v2/messages/:topic', 204, 0.001],
      ['POST', '/api/v2/messages/:topic', 204, 0.0010001],
      ['POST', '/api/v2/messages/:topic', 204, 0.3],
      ['POST', '/api/v2/messages/:topic', 400, 0.0002],
      ['GET', '/api/v2/messages/:topic', 204, 31],
      ['GET', '/health', 200, 0],
      ['POST', '/api/v2/messages/:topic', 204, 30],
      ['POST', '/api/v2/messages/:topic', 500, 0.04],
      ['DELETE', 'unm"atch\\ed\n', 404, 0.002]
    ],
    produced: [['orders', 1, 1024], ['orders', 100, 102_400], ['we"ird\\topic\n', 2, 3]],
    fetched: [['orders', 5, 50]]
  }
  // registry.metrics() ends with one newline; the gateway adds the blank line before the next families
  t.is(ourText(traffic), `${await promClientText(traffic)}\n`)
})

test('a method outside the standard ones is labelled other: random method names add one series, not one each', (t) => {
  const families = new TrafficFamilies()
  for (let i = 0; i < 1000; i++) families.request(`M${i}`, 'unmatched', 404, 0.001)
  families.request('BR"E\\W\n', 'unmatched', 404, 0.001)
  families.request('GET', 'unmatched', 404, 0.001)
  const series = families.render().split('\n').filter((line) => line.startsWith('kastlex_http_requests_total{'))
  t.deepEqual(series, [
    `kastlex_http_requests_total{method="${OTHER_METHOD}",route="unmatched",status="404"} 1001`,
    'kastlex_http_requests_total{method="GET",route="unmatched",status="404"} 1'
  ])
})

test('families without series still have their HELP and TYPE lines, as prom-client writes them', async (t) => {
  const none: Traffic = { requests: [], produced: [], fetched: [] }
  t.is(ourText(none), `${await promClientText(none)}\n`)
})
