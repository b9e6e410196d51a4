// Child processes of the comparison benchmark: every one is tracked so that a signal or a failure
// stops all of them, and each is measured from /proc (peak RSS here; CPU in cpu.ts).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const STOP_GRACE_MS = 5_000
/** Slack on top of a run's nominal length before its process is killed. */
export const RUN_SLACK_MS = 30_000

export const log = (msg: string): void => { process.stderr.write(`[compare] ${msg}\n`) }
export const message = (err: unknown): string => err instanceof Error ? err.message : String(err)

/** Everything started here, stopped by stopAll() on a signal or at the end. */
const children = new Set<ChildProcess>()

export function track (child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** SIGTERM, SIGKILL after 5 s. */
export async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  if (await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS, false, { ref: false })])) return
  child.kill('SIGKILL')
  await Promise.race([exited, sleep(STOP_GRACE_MS, undefined, { ref: false })])
}

export async function stopAll (): Promise<void> {
  await Promise.all([...children].map(stopChild))
}

export function killAll (): void {
  for (const child of children) child.kill('SIGTERM')
}

/** Runs a child to completion within timeoutMs (then SIGKILL); resolves with its stdout and exit. */
export async function runChild (file: string, args: string[], timeoutMs: number, options: SpawnOptions = {}): Promise<{ stdout: string, code: number | null, signal: string | null }> {
  const child = track(spawn(file, args, { stdio: ['ignore', 'pipe', 2], ...options }))
  let stdout = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  const timer = setTimeout(() => { log(`${file} still running after ${timeoutMs / 1000} s: killing it`); child.kill('SIGKILL') }, timeoutMs)
  try {
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
      child.once('error', reject)
      child.once('close', (c, s) => resolve([c, s]))
    })
    return { stdout, code, signal }
  } finally {
    clearTimeout(timer)
  }
}

/** A long-running server process of one contender. */
export interface ServerProcess {
  pid: number
  /** Throws when the process is gone. */
  assertAlive (during: string): void
  stop (): Promise<void>
}

/**
 * Spawns a server and resolves once ready() is true (polled every 250 ms), or rejects when it exits
 * or is not ready within timeoutMs (then it is stopped). Its output goes to our stderr.
 */
export async function startServer (name: string, file: string, args: string[], options: SpawnOptions,
  ready: () => Promise<boolean>, timeoutMs: number): Promise<ServerProcess> {
  const child = track(spawn(file, args, { stdio: ['ignore', 2, 2], ...options }))
  let exit: string | undefined
  child.once('exit', (code, signal) => { exit = signal ?? `exit code ${code}` })
  child.once('error', (err) => { exit = err.message })
  const server: ServerProcess = {
    pid: child.pid ?? -1,
    assertAlive (during) { if (exit !== undefined) throw new Error(`${name} exited ${during} (${exit})`) },
    stop: () => stopChild(child)
  }
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      server.assertAlive('during start')
      if (await ready().catch(() => false)) return server
      if (Date.now() > deadline) throw new Error(`${name} not ready within ${timeoutMs / 1000} s`)
      await sleep(250)
    }
  } catch (err) {
    await server.stop()
    throw err
  }
}

export function peakRssMb (pid: number): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? null : Math.round(Number(kb) / 102.4) / 10
  } catch {
    return null
  }
}

/** Resets the peak RSS of a process (Linux ≥ 4.0); false where that is not allowed. */
export function resetPeakRss (pid: number): boolean {
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); return true } catch { return false }
}
