// Minimal typing of the parts of ws@8 (a devDependency: the WebSocket client of the tests and the benchmark)
// that they use; the package ships no types.
declare module 'ws' {
  import type { EventEmitter } from 'node:events'
  import type { IncomingMessage } from 'node:http'

  export interface ClientOptions {
    headers?: Record<string, string>
    /** Bytes of one incoming message beyond which the client closes (1009). */
    maxPayload?: number
    perMessageDeflate?: boolean
  }

  export default class WebSocket extends EventEmitter {
    static readonly CONNECTING: 0
    static readonly OPEN: 1
    static readonly CLOSING: 2
    static readonly CLOSED: 3
    constructor (url: string, options?: ClientOptions)
    readonly readyState: 0 | 1 | 2 | 3
    /** Bytes queued by send() and not yet written to the socket. */
    readonly bufferedAmount: number
    send (data: Buffer | string, options?: { binary?: boolean, fin?: boolean, mask?: boolean }, callback?: (err?: Error) => void): void
    send (data: Buffer | string, callback?: (err?: Error) => void): void
    ping (data?: Buffer | string): void
    close (code?: number, reason?: string): void
    terminate (): void
    /** Stops (and resumes) reading the socket. */
    pause (): void
    resume (): void
    on (event: 'open', listener: () => void): this
    on (event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this
    on (event: 'close', listener: (code: number, reason: Buffer) => void): this
    on (event: 'error', listener: (err: Error) => void): this
    on (event: 'unexpected-response', listener: (req: unknown, res: IncomingMessage) => void): this
    on (event: 'ping', listener: (data: Buffer) => void): this
    once (event: 'open', listener: () => void): this
    once (event: 'close', listener: (code: number, reason: Buffer) => void): this
    once (event: 'error', listener: (err: Error) => void): this
    once (event: 'unexpected-response', listener: (req: unknown, res: IncomingMessage) => void): this
  }
}
