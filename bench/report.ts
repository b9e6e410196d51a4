import os from 'node:os'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { ScenarioResult } from './stats.js'

export interface SettingResult {
  workers: number
  /** VmHWM of the gateway process after all scenarios of this setting */
  peakRssMb: number | null
  scenarios: ScenarioResult[]
}

export interface MachineInfo {
  cpuModel: string
  cpus: number
  totalMemoryMb: number
  os: string
  node: string
  date: string
}

export interface BenchReport {
  machine: MachineInfo
  config: Record<string, string | number>
  settings: SettingResult[]
}

export function machineInfo (): MachineInfo {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString()
  }
}

const COLUMNS: Array<[string, (s: SettingResult, r: ScenarioResult) => string | number | null]> = [
  ['workers', (s) => s.workers],
  ['scenario', (_, r) => r.scenario],
  ['req/s', (_, r) => r.requestsPerSec],
  ['records/s', (_, r) => r.recordsPerSec],
  ['2xx', (_, r) => r.ok],
  ['non-2xx', (_, r) => r.non2xx],
  ['errors', (_, r) => r.errors],
  ['timeouts', (_, r) => r.timeouts],
  ['p50 ms', (_, r) => r.latencyP50Ms],
  ['p99 ms', (_, r) => r.latencyP99Ms],
  ['peak RSS MB', (s) => s.peakRssMb]
]

export function formatTable (settings: SettingResult[]): string {
  const rows = settings.flatMap((s) => s.scenarios.map((r) => COLUMNS.map(([, cell]) => String(cell(s, r) ?? '-'))))
  const all = [COLUMNS.map(([title]) => title), ...rows]
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((row) => row[i].length)))
  const line = (row: string[]): string => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export async function writeReport (path: string, report: BenchReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, JSON.stringify(report, null, 2) + '\n')
}
