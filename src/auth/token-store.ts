// Token storage (SPEC §6.7), main-thread side: the latest token hash per user, fed by the token-store
// worker that tails the compacted topic, and updated at once by this instance's logins and revocations.
import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import type { KafkaConfig } from '../config.js'
import type { Logger } from '../log.js'
import { HttpError, tokenWriteFailed } from '../http/errors.js'
import type { Requester } from '../http/router.js'
import { workerExecArgv } from '../v8-flags.js'
import { encodeTokenRecord, tokenHash, tokenKey } from './token-record.js'
import { Waiters } from './waiters.js'

/** Writes one record to partition 0 of the token topic with acks from the producer settings (for `requester`). */
export type TokenRecordWriter = (key: Buffer, value: Buffer | null, requester: Requester | undefined) => Promise<void>

/** What the token-store worker is started with. */
export interface TokenStoreWorkerData {
  readonly kafka: KafkaConfig
  readonly topic: string
}

/**
 * Main → worker. `catch-up`: answer `caught-up` with the same id once every record below the
 * partition's end offset, queried after this message arrived, has been sent as `entries`.
 */
export type TokenStoreCommand =
  | { readonly kind: 'close' }
  | { readonly kind: 'catch-up', readonly id: number }

/** Worker → main. `hash` is hex; null deletes (tombstone). `caught-up` ok false: the end offset could not be read. */
export type TokenStoreMessage =
  | { readonly kind: 'entries', readonly entries: ReadonlyArray<readonly [string, string | null]> }
  | { readonly kind: 'replayed' }
  | { readonly kind: 'caught-up', readonly id: number, readonly ok: boolean }
  | { readonly kind: 'problem', readonly message: string }
  | { readonly kind: 'closed' }

/** The `exp` claim of a token this gateway issued (informational in the record; SPEC §6.7). */
function expiryOf (token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }
  return typeof payload.exp === 'number' ? payload.exp : 0
}

const WORKER_FILE = fileURLToPath(new URL('../../workers/token-store-worker.js', import.meta.url))
/** A token-store worker that died is started again after this long (it replays from the beginning). */
const RESTART_MS = 1000
/** A catch-up the worker has not answered for this long is given up, and the next one sent. */
const CATCH_UP_STALE_MS = 5000

export type TokenStoreState = 'ok' | 'pending'

export class TokenStore {
  private readonly hashes = new Map<string, string>()
  private replayed = false
  private readonly replayWaiters = new Waiters()
  /** The catch-up the worker is working on, and the callers who wait for one not yet sent. */
  private catchingUp: { readonly id: number, readonly sentAt: number, readonly waiters: Waiters } | undefined
  private nextCatchUp = new Waiters()
  private catchUpIds = 0
  private worker: Worker
  private closing = false

  constructor (private readonly data: TokenStoreWorkerData, private readonly write: TokenRecordWriter, private readonly log: Logger) {
    this.worker = this.start()
  }

  get state (): TokenStoreState {
    return this.replayed ? 'ok' : 'pending'
  }

  /** Callers waiting in whenReplayed or whenCaughtUp (a timed-out one is not counted). */
  get waiting (): number {
    return this.replayWaiters.size + this.nextCatchUp.size + (this.catchingUp?.waiters.size ?? 0)
  }

  /** Resolves true once the initial replay is complete, false after `timeoutMs` (SPEC §6.1). */
  async whenReplayed (timeoutMs: number): Promise<boolean> {
    if (this.replayed) return true
    return await this.replayWaiters.wait(timeoutMs)
  }

  /**
   * Resolves true once this instance has read the token topic up to its end offset as of now (so a
   * record written anywhere before this call is in the table), false after `timeoutMs` or when the end
   * cannot be read. Concurrent callers share one query of the end offset: a caller joins the next one
   * sent, never one already under way (whose end may predate the caller's record).
   */
  async whenCaughtUp (timeoutMs: number): Promise<boolean> {
    const caughtUp = this.nextCatchUp.wait(timeoutMs)
    this.sendCatchUp()
    return await caughtUp
  }

  private sendCatchUp (): void {
    if (this.nextCatchUp.size === 0) return
    const current = this.catchingUp
    if (current !== undefined) {
      if (performance.now() - current.sentAt < CATCH_UP_STALE_MS) return
      current.waiters.release(false)
    }
    this.catchingUp = { id: ++this.catchUpIds, sentAt: performance.now(), waiters: this.nextCatchUp }
    this.nextCatchUp = new Waiters()
    this.command({ kind: 'catch-up', id: this.catchingUp.id })
  }

  private command (command: TokenStoreCommand): void {
    this.worker.postMessage(command)
  }

  /** Whether `token` is the one stored for `username`. */
  matches (username: string, token: string): boolean {
    return this.hashes.get(username) === tokenHash(token).toString('hex')
  }

  /**
   * Stores a freshly issued token (replacing the user's previous one): written to Kafka first, then
   * valid on this instance at once. A Kafka failure → 503 with its name, and the token must not be handed out.
   * Not written once the login's `requester` went away (no one would receive the token).
   */
  async save (username: string, token: string, requester?: Requester): Promise<void> {
    const hash = tokenHash(token)
    await this.written(tokenKey(username), encodeTokenRecord({ exp: expiryOf(token), tokenHash: hash }), requester)
    this.hashes.set(username, hash.toString('hex'))
  }

  /** Revokes the user's token: a tombstone for every instance, and gone here at once (not once `requester` went away). */
  async revoke (username: string, requester?: Requester): Promise<void> {
    await this.written(tokenKey(username), null, requester)
    this.hashes.delete(username)
  }

  private async written (key: string, value: Buffer | null, requester: Requester | undefined): Promise<void> {
    try {
      await this.write(Buffer.from(key, 'utf8'), value, requester)
    } catch (err) {
      throw tokenWriteFailed(err instanceof HttpError ? err.error : 'unknown_server_error')
    }
  }

  async close (): Promise<void> {
    this.closing = true
    const closed = new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve())
      this.worker.on('message', (message: TokenStoreMessage) => { if (message.kind === 'closed') void this.worker.terminate() })
    })
    this.command({ kind: 'close' })
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000).unref())])
    await this.worker.terminate()
  }

  private start (): Worker {
    const worker = new Worker(WORKER_FILE, { workerData: this.data, execArgv: workerExecArgv() })
    worker.on('message', (message: TokenStoreMessage) => this.receive(message))
    worker.on('error', (err) => this.log.error('token store worker failed', { error: err.message }))
    worker.on('exit', (code) => {
      this.catchingUp?.waiters.release(false)
      this.catchingUp = undefined
      if (this.closing) return
      this.log.error('token store worker exited; restarting', { code })
      setTimeout(() => {
        if (this.closing) return
        this.worker = this.start()
        this.sendCatchUp()
      }, RESTART_MS).unref()
    })
    return worker
  }

  private receive (message: TokenStoreMessage): void {
    switch (message.kind) {
      case 'entries':
        for (const [username, hash] of message.entries) {
          if (hash === null) this.hashes.delete(username)
          else this.hashes.set(username, hash)
        }
        return
      case 'replayed':
        if (this.replayed) return
        this.replayed = true
        this.replayWaiters.release()
        this.log.info('token store replayed', { users: this.hashes.size })
        return
      case 'caught-up':
        if (this.catchingUp?.id !== message.id) return
        this.catchingUp.waiters.release(message.ok)
        this.catchingUp = undefined
        this.sendCatchUp()
        return
      case 'problem':
        this.log.warn('token store', { problem: message.message })
        return
      case 'closed':
    }
  }
}
