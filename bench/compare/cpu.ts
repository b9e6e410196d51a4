// CPU time of a process from /proc: all of it, and its main thread's share (Linux). The process's own
// /proc/<pid>/stat counts every thread, including those that ended (the kernel adds their times to the
// process when they exit), so "other threads" = whole process − main thread loses nothing.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export const CLK_TCK = ((): number => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100 } catch { return 100 }
})()

/**
 * utime + stime (fields 14 and 15) of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat line, in clock
 * ticks. The fields are counted after the last ')': the command name (field 2) may hold spaces and parentheses.
 */
export function statTicks (stat: string): number {
  const close = stat.lastIndexOf(')')
  const fields = stat.slice(close + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  if (close < 0 || !Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error(`not a /proc stat line: ${stat.slice(0, 200)}`)
  return utime + stime
}

/** utime + stime of a process and its threads, in seconds. */
export function cpuSeconds (pid: number): number {
  return statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / CLK_TCK
}

/** Clock ticks of a whole process and of its main thread (whose thread id is the pid). */
export interface CpuTicks { total: number, main: number }

export function cpuTicks (pid: number): CpuTicks {
  return {
    total: statTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    main: statTicks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'))
  }
}

/** CPU µs per request between two samples: the whole process, its main thread, its other threads. */
export interface CpuPerRequest { totalUs: number, mainUs: number, otherUs: number }

export function cpuPerRequest (start: CpuTicks, end: CpuTicks, requests: number, clkTck = CLK_TCK): CpuPerRequest | null {
  if (requests <= 0) return null
  const us = (ticks: number): number => Math.round(ticks / clkTck * 1e6 / requests * 10) / 10
  const total = end.total - start.total
  const main = end.main - start.main
  return { totalUs: us(total), mainUs: us(main), otherUs: us(total - main) }
}
