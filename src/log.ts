// JSON-lines logger on stdout. Disabled levels are no-ops; lines written in one call per event-loop turn,
// so an access line per request costs a string concatenation, not a syscall.
import type { LogLevel } from './config.js'

type Fields = Readonly<Record<string, unknown>>
export type LogFn = (message: string, fields?: Fields) => void

export interface Logger {
  readonly fatal: LogFn
  readonly error: LogFn
  readonly warn: LogFn
  readonly info: LogFn
  readonly debug: LogFn
  readonly trace: LogFn
  /** Writes what is buffered now (at exit). */
  readonly flush: () => void
}

const RANKS: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity }
const noop: LogFn = () => {}

export function createLogger (level: LogLevel, write: (text: string) => void = (t) => process.stdout.write(t)): Logger {
  let pending: string[] = []
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    write(text)
  }
  const at = (name: Exclude<LogLevel, 'silent'>): LogFn => {
    if (RANKS[name] < RANKS[level]) return noop
    const prefix = `{"level":"${name}","time":`
    return (message, fields) => {
      const extra = fields === undefined ? '' : ',' + JSON.stringify(fields).slice(1, -1)
      pending.push(`${prefix}${Date.now()},"msg":${JSON.stringify(message)}${extra === ',' ? '' : extra}}\n`)
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    }
  }
  return {
    fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace'), flush
  }
}
