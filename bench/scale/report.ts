// The scale report: one row per size, the issue's targets checked against the largest, as markdown and JSON.
import type { MachineInfo } from '../report.js'
import { SETTLE_MS, SETTLED_MS, type Measurement } from './measure.js'
import type { ScaleSize } from './fill.js'

export interface SizeResult extends Measurement {
  readonly size: ScaleSize
  readonly commitRecords: number
  /** null when a broker filled before was reused */
  readonly fillSec: number | null
}

export interface ScaleReport {
  machine: MachineInfo
  config: Record<string, string | number>
  sizes: SizeResult[]
}

/** Issue 15's targets at 2,000,000 commit records. */
const IDLE_RSS_LIMIT_MB = 150
const CATCH_UP_MIN_PER_SEC = 200_000

const withinRss = (mb: number | null | undefined): boolean | null => mb === null || mb === undefined ? null : mb <= IDLE_RSS_LIMIT_MB
const cell = (v: number | string | null | undefined): string => (v === null || v === undefined ? '–' : String(v))
const kb = (bytes: number): string => (bytes / 1024).toFixed(1)

export function markdown ({ machine, config, sizes }: ScaleReport): string {
  const lines = [
    `# KastleX scale benchmark, ${machine.date}${config.label === '' ? '' : ` (${config.label})`}`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.totalMemoryMb} MB, ${machine.os}, node ${machine.node}; ` +
      'the broker, the fill and the gateway share these cores, which other work shares too: times are noisy, RSS much less so.',
    `Kafka: a broker of its own at ${config.kafka} (embedded, one node, KRaft, \`__consumer_offsets\` of 5 partitions). ` +
      `Gateway: ${config.gatewayRoot}, KASTLEX_WORKERS=${config.workers}, KASTLEX_OFFSETS_REFRESH_MS=${config.offsetsRefreshMs}.`,
    'Each group owns topics ÷ groups topics and commits every partition of them `commits` times (offsets 1, 2, …); the live state is ' +
      'topics × partitions committed offsets, the history topics × partitions × commits records.',
    `Ready = spawn until /health and /api/v1/topics answer. Tail catch-up = the tail's own figure (kastlex_offsets_tail_catch_up_seconds, ` +
      'from assignment to the end of every partition); observed = spawn until /metrics showed every last commit (polled every 0.5 s, ' +
      `refreshed every ${Number(config.offsetsRefreshMs) / 1000} s). Peak RSS = VmHWM at that moment; idle RSS = VmRSS ${SETTLE_MS / 1000} s later, after the answers below; ` +
      `settled RSS = VmRSS ${SETTLED_MS / 1000} s after the catch-up, the gateway idle since the answers. Answer times and sizes: medians of 3 after idle RSS.`,
    '',
    '| size | topics × partitions | groups × commits | commit records | fill s | ready s | tail catch-up s | tail records | tail records/s | observed catch-up s | RSS at ready MB | peak RSS MB | idle RSS MB | settled RSS MB | idle heap used / total MB | idle external MB | /metrics KB | /metrics ms | /api/v1/topics KB | /api/v1/topics ms |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
  ]
  for (const r of sizes) {
    const s = r.size
    lines.push(`| ${s.name} | ${s.topics} × ${s.partitions} | ${s.groups} × ${s.commits} | ${r.commitRecords} | ${cell(r.fillSec)} | ${r.readySec} | ` +
      `${cell(r.tailCatchUpSec)} | ${cell(r.tailRecords)} | ${cell(r.tailRecordsPerSec)} | ${r.observedCatchUpSec} | ${cell(r.rssAtReadyMb)} | ` +
      `${cell(r.peakRssMb)} | ${cell(r.idleRssMb)} | ${cell(r.settledRssMb)} | ${cell(r.heapUsedMb)} / ${cell(r.heapTotalMb)} | ${cell(r.externalMb)} | ${kb(r.metrics.bytes)} | ${r.metrics.ms} | ${kb(r.topics.bytes)} | ${r.topics.ms} |`)
  }
  lines.push('', '## Metric series per family (the ten largest)', '', `| family | ${sizes.map((r) => r.size.name).join(' | ')} |`,
    `|---|${sizes.map(() => '--:').join('|')}|`)
  const families = Object.keys(sizes[sizes.length - 1]?.series ?? {}).slice(0, 10)
  for (const f of families) lines.push(`| ${f} | ${sizes.map((r) => cell(r.series[f])).join(' | ')} |`)
  const largest = [...sizes].sort((a, b) => b.commitRecords - a.commitRecords)[0]
  if (largest !== undefined) {
    const met = (ok: boolean | null): string => ok === null ? 'not measured' : ok ? 'yes' : 'no'
    const rate = largest.tailRecordsPerSec
    lines.push('', `## Targets (issue 15), at ${largest.size.name}: ${largest.commitRecords} commit records`, '',
      '| target | measured | limit | met |', '|---|--:|--:|---|',
      `| idle RSS MB, ${SETTLE_MS / 1000} s after the catch-up | ${cell(largest.idleRssMb)} | ≤ ${IDLE_RSS_LIMIT_MB} | ${met(withinRss(largest.idleRssMb))} |`,
      `| settled idle RSS MB, ${SETTLED_MS / 1000} s after the catch-up | ${cell(largest.settledRssMb)} | ≤ ${IDLE_RSS_LIMIT_MB} | ${met(withinRss(largest.settledRssMb))} |`,
      `| tail catch-up records/s | ${cell(rate)} | ≥ ${CATCH_UP_MIN_PER_SEC} | ${met(rate === null ? null : rate >= CATCH_UP_MIN_PER_SEC)} |`)
    if (largest.commitRecords < 2_000_000) lines.push('', `The targets are set at 2,000,000 commit records; this run had ${largest.commitRecords}.`)
  }
  return lines.join('\n') + '\n'
}
