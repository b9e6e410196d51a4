// The families every request adds to (SPEC §8): HTTP requests and their durations per (method, route,
// status), and records and bytes produced and fetched per topic. Through prom-client each request cost a
// labels object, a hash string per family and the histogram's bucket search, about 860 B of garbage and 4-5 %
// of the main thread under produce-256 (README, Performance). Here a request adds to numbers in a series found
// without building a key, and the text is written at scrape time, as prom-client writes the same series.
import { escapeLabel } from './offset-families.js'

/**
 * The methods that label their own series; any other a client sends (uWS takes any token, and a request of an
 * unknown method is answered 404 `unmatched`) is labelled `other`: random method names must not add series.
 */
const LABELLED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'])
export const OTHER_METHOD = 'other'

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const

interface RequestSeries {
  /** `method="…",route="…",status="…"` */
  readonly labels: string
  count: number
  sum: number
  /** Observations per bucket (not cumulative); the last one is +Inf's. */
  readonly buckets: Float64Array
}

interface TopicTotals {
  records: number
  bytes: number
}

const FAMILIES = {
  requests: { name: 'kastlex_http_requests_total', help: 'HTTP requests by route template and status', type: 'counter' },
  durations: { name: 'kastlex_http_request_duration_seconds', help: 'HTTP request duration', type: 'histogram' },
  producedRecords: { name: 'kastlex_produced_records_total', help: 'Records acknowledged by Kafka', type: 'counter' },
  producedBytes: { name: 'kastlex_produced_bytes_total', help: 'Key + value bytes of acknowledged records', type: 'counter' },
  fetchedRecords: { name: 'kastlex_fetched_records_total', help: 'Records sent by fetch', type: 'counter' },
  fetchedBytes: { name: 'kastlex_fetched_bytes_total', help: 'Key + value bytes of records sent by fetch', type: 'counter' }
} as const

export class TrafficFamilies {
  /** route → method → status → series: found without a key string per request. */
  private readonly requests = new Map<string, Map<string, Map<number, RequestSeries>>>()
  /** The same series in the order they first came, as prom-client writes them. */
  private readonly requestSeries: RequestSeries[] = []
  private readonly produced = new Map<string, TopicTotals>()
  private readonly fetched = new Map<string, TopicTotals>()

  request (requestMethod: string, route: string, status: number, seconds: number): void {
    const method = LABELLED_METHODS.has(requestMethod) ? requestMethod : OTHER_METHOD
    let byMethod = this.requests.get(route)
    if (byMethod === undefined) this.requests.set(route, byMethod = new Map())
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) byMethod.set(method, byStatus = new Map())
    let series = byStatus.get(status)
    if (series === undefined) {
      const labels = `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`
      byStatus.set(status, series = { labels, count: 0, sum: 0, buckets: new Float64Array(DURATION_BUCKETS.length + 1) })
      this.requestSeries.push(series)
    }
    series.count++
    series.sum += seconds
    let bucket = 0
    while (bucket < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[bucket] as number)) bucket++
    ;(series.buckets[bucket] as number)++
  }

  produce (topic: string, records: number, bytes: number): void {
    add(this.produced, topic, records, bytes)
  }

  fetch (topic: string, records: number, bytes: number): void {
    add(this.fetched, topic, records, bytes)
  }

  /** The six families as prom-client writes them: HELP and TYPE lines even without series, a blank line after each. */
  render (): string {
    const requestLines: string[] = []
    const durationLines: string[] = []
    for (const { labels, count, sum, buckets } of this.requestSeries) {
      requestLines.push(`${FAMILIES.requests.name}{${labels}} ${count}`)
      let cumulative = 0
      buckets.forEach((observed, index) => {
        cumulative += observed
        const le = index < DURATION_BUCKETS.length ? String(DURATION_BUCKETS[index]) : '+Inf'
        durationLines.push(`${FAMILIES.durations.name}_bucket{le="${le}",${labels}} ${cumulative}`)
      })
      durationLines.push(`${FAMILIES.durations.name}_sum{${labels}} ${sum}`, `${FAMILIES.durations.name}_count{${labels}} ${count}`)
    }
    const topicLines = (totals: Map<string, TopicTotals>, name: string, read: (t: TopicTotals) => number): string[] =>
      [...totals].map(([topic, t]) => `${name}{topic="${escapeLabel(topic)}"} ${read(t)}`)
    return [
      family(FAMILIES.requests, requestLines),
      family(FAMILIES.durations, durationLines),
      family(FAMILIES.producedRecords, topicLines(this.produced, FAMILIES.producedRecords.name, (t) => t.records)),
      family(FAMILIES.producedBytes, topicLines(this.produced, FAMILIES.producedBytes.name, (t) => t.bytes)),
      family(FAMILIES.fetchedRecords, topicLines(this.fetched, FAMILIES.fetchedRecords.name, (t) => t.records)),
      family(FAMILIES.fetchedBytes, topicLines(this.fetched, FAMILIES.fetchedBytes.name, (t) => t.bytes))
    ].join('')
  }
}

function add (totals: Map<string, TopicTotals>, topic: string, records: number, bytes: number): void {
  const found = totals.get(topic)
  if (found === undefined) {
    totals.set(topic, { records, bytes })
    return
  }
  found.records += records
  found.bytes += bytes
}

function family ({ name, help, type }: { name: string, help: string, type: string }, lines: readonly string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines.map((line) => `${line}\n`).join('')}\n`
}
