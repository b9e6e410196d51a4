// Minimal typing of the parts of autocannon@8 the benchmark uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export interface Options {
    url: string
    method?: 'GET' | 'POST'
    headers?: Record<string, string>
    body?: Buffer | string
    connections?: number
    /** requests sent on a connection before waiting for answers (HTTP pipelining) */
    pipelining?: number
    /** seconds */
    duration?: number
    /** requests to make, then stop once all are answered (takes precedence over duration) */
    amount?: number
    /** seconds */
    timeout?: number
  }

  export interface Result {
    /** seconds actually run */
    duration: number
    /** failed requests, timeouts included */
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
    /** requests sent, pipelined ones included, and answers received */
    requests: { sent: number, total: number }
  }

  /**
   * Emits 'response' (client, statusCode, resBytes, responseTimeMs) per answer
   * and 'reqError' (error) per failed request; resolves with the result.
   */
  export interface Instance extends EventEmitter, PromiseLike<Result> {}

  export default function autocannon (options: Options): Instance
}
