// What every benchmark report carries, and the one writer of them: bench/results/<name>-<time>.{md,json}.
import os from 'node:os'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface MachineInfo {
  cpuModel: string
  cpus: number
  totalMemoryMb: number
  os: string
  node: string
  date: string
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

/** A file-name-safe stamp of the time a benchmark started. */
export const reportStamp = (): string => new Date().toISOString().replace(/[:.]/g, '-')

/** `-<label>` for a report's file name (an A/B series' runs told apart), file-name-safe; '' without a label. */
export const labelSuffix = (label: string | undefined): string =>
  label ? `-${label.replace(/[^A-Za-z0-9._-]+/g, '-')}` : ''

/**
 * Writes `report` as JSON and its markdown to `<dir>/<name>-<stamp>.json` and `.md`, and prints the
 * markdown and where both went.
 */
export async function writeReport (dir: string, name: string, stamp: string, report: object, md: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  const base = join(dir, `${name}-${stamp}`)
  await writeFile(`${base}.json`, JSON.stringify(report, null, 2) + '\n')
  await writeFile(`${base}.md`, md)
  process.stdout.write(`${md}\n(written to ${base}.md and ${base}.json)\n`)
}
