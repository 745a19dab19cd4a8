import type {Redis} from 'ioredis'

import {redact} from '../../redact.js'
import {credentialsRefusal, isRedisUnavailable} from './redis-errors.js'
import {errorMessage} from '../../support/error-message.js'

export interface RedisLinkOptions {
  /** `redis://...`, password included. */
  url: string
  /** How the URL may be shown (password masked): see `displayRedisUrl`. */
  display: string
  /** @default 1000 */
  connectTimeoutMs?: number
  /** A command unanswered after this long counts as Redis being unreachable. @default 5000 */
  commandTimeoutMs?: number
  /** Once Redis was found unreachable, it is tried again no sooner than this. @default 30_000 */
  retryAfterMs?: number
  /** Where the URL came from, for the line that says how to fix refused credentials. @default 'the store URL' */
  source?: string
  /**
   * Told once each time Redis goes from reachable (or untried) to unreachable: one line, redacted; `refused` when
   * Redis refused the URL's credentials (a mistake to fix rather than an outage to wait out). @default none
   */
  onDown?: (line: string, refused: boolean) => void
  /** Told what the Redis client would print itself (a password given to a Redis that asks for none): one line each. */
  onNotice?: (line: string) => void
  /** @default Date.now */
  now?: () => number
}

/**
 * One connection to Redis that knows whether Redis is there, for stores that fall back to files without it. (The
 * link to Redis: nothing to do with the webhook's link tokens and linked chats, which are in link-store.ts.)
 * ioredis never reconnects by itself here (no endless loop keeping a CLI run alive, no queue of commands waiting
 * for a server that is gone): a failure marks Redis down, and the next use after `retryAfterMs` connects again.
 */
export class RedisLink {
  readonly display: string
  readonly redis: Redis
  readonly #connectTimeoutMs: number
  readonly #retryAfterMs: number
  readonly #onDown: (line: string, refused: boolean) => void
  readonly #source: string
  readonly #onNotice: (line: string) => void
  readonly #noticed = new Set<string>()
  readonly #now: () => number
  #connecting: Promise<boolean> | undefined
  #downSince: number | undefined
  #lastAttemptAt = Number.NEGATIVE_INFINITY
  #lastError: string | undefined
  #closed = false

  private constructor(redis: Redis, options: RedisLinkOptions) {
    this.redis = redis
    this.display = options.display
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 1000
    this.#retryAfterMs = options.retryAfterMs ?? 30_000
    this.#onDown = options.onDown ?? (() => {})
    this.#source = options.source ?? 'the store URL'
    this.#onNotice = options.onNotice ?? (() => {})
    this.#now = options.now ?? Date.now
    // Without a listener ioredis prints each connection error itself; the reason is kept for the warning instead.
    redis.on('error', (error: Error) => (this.#lastError = this.#reasonFor(error)))
  }

  /** Creates the client (loading ioredis now) without connecting: `available()` connects. */
  static async create(options: RedisLinkOptions): Promise<RedisLink> {
    const {Redis} = await import('./ioredis-lib.js')
    const connectTimeout = options.connectTimeoutMs ?? 1000
    const redis = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout,
      commandTimeout: options.commandTimeoutMs ?? 5000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    })
    return new RedisLink(redis, {...options, connectTimeoutMs: connectTimeout})
  }

  /** True while Redis is marked unreachable. */
  get down(): boolean {
    return this.#downSince !== undefined
  }

  /** Why Redis was last found unreachable. */
  get problem(): string | undefined {
    return this.#downSince === undefined || this.#lastError === undefined ? undefined : `${this.#lastError}${this.#tlsHint(this.#lastError)}`
  }

  /** When Redis refused the URL's credentials: what to say after the store's name (why, and where to fix it). */
  get refusal(): string | undefined {
    return this.problem === undefined ? undefined : credentialsRefusal(this.problem, this.#source)
  }

  /**
   * Whether Redis can be used now: connects when not connected, unless it failed less than `retryAfterMs` ago
   * (`force` tries anyway, for `health`).
   */
  async available(options: {force?: boolean} = {}): Promise<boolean> {
    if (this.#closed) return false
    if (this.redis.status === 'ready') return true
    if (this.#connecting) return this.#connecting
    if (!options.force && this.down && this.#now() - this.#lastAttemptAt < this.#retryAfterMs) return false
    this.#connecting = this.#connect().finally(() => (this.#connecting = undefined))
    return this.#connecting
  }

  /**
   * Runs `onRedis` when Redis is available, else (or when Redis fails on the way) `onFallback`. Errors that do not
   * mean "unreachable" (a script error, a bug) are thrown as they are.
   */
  async run<T>(onRedis: (redis: Redis) => Promise<T>, onFallback: () => Promise<T>): Promise<T> {
    if (await this.available()) {
      try {
        return await onRedis(this.redis)
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error
        this.markDown(error)
      }
    }
    return onFallback()
  }

  /** Records that Redis failed us; the first time since it was last reachable, says so (one line). */
  markDown(error: unknown): void {
    const reason = this.#reasonFor(error)
    this.#lastError = reason
    // Drops a connection that still looks open (a server that stopped answering) so that the next try reconnects.
    this.#dropConnection()
    if (this.#downSince !== undefined) return
    this.#downSince = this.#now()
    const refusal = this.refusal
    this.#onDown(redact(`store ${this.display} ${refusal ?? `unreachable (${this.problem ?? reason})`}`), refusal !== undefined)
  }

  // rediss:// to a Redis without TLS only times out (the server waits for a command line that never comes).
  #tlsHint(reason: string): string {
    return this.redis.options.tls !== undefined && /ETIMEDOUT|timed out/.test(reason) ? '; rediss:// is TLS: does that port speak TLS?' : ''
  }

  #reasonFor(error: unknown): string {
    // ioredis's own words for "no connection" say nothing of why; the socket's last error does, when there was one.
    if (isConnectionGone(error)) return this.#lastError ?? 'connection lost'
    const reason = oneLine(error)
    // After a refused AUTH, the SELECT of a database other than 0 answers NOAUTH, which read as "no password given"
    // to a user whose password was wrong.
    const refusedAuth = this.#lastError !== undefined && credentialsRefusal(this.#lastError, '')?.startsWith('refused')
    return refusedAuth && /^NOAUTH\b/.test(reason) ? this.#lastError! : reason
  }

  /** Round trip of a PING, or why there was none. Tries to connect even within `retryAfterMs`. */
  async ping(): Promise<{latencyMs: number} | {problem: string}> {
    if (!(await this.available({force: true}))) return {problem: this.problem ?? 'not connected'}
    const startedAt = performance.now()
    try {
      await this.redis.ping()
      return {latencyMs: Math.round((performance.now() - startedAt) * 10) / 10}
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error
      this.markDown(error)
      return {problem: this.problem ?? oneLine(error)}
    }
  }

  /** Ends the connection so that the process can exit. */
  async close(): Promise<void> {
    this.#closed = true
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined)
    this.#dropConnection()
  }

  // ioredis waits up to 2 s for a socket it ends to close: only a socket still open may be ended.
  #dropConnection(): void {
    if (this.#idle()) return
    this.redis.disconnect()
    // A server that stopped answering does not close its end either: a socket only ended stayed half open, and the
    // client, still "connecting", refused the next connect ("Redis is already connecting/connected"), the reason
    // then given for Redis being unreachable instead of the timeout.
    this.redis.stream?.destroy()
  }

  #idle(): boolean {
    return ['end', 'wait', 'close'].includes(this.redis.status)
  }

  /** Waits for a connection dropped a moment ago to end (the socket closes on a later tick), at most a connect timeout. */
  async #dropped(): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    let ended: (() => void) | undefined
    await new Promise<void>((resolve) => {
      ended = resolve
      this.redis.once('end', ended)
      timer = setTimeout(resolve, this.#connectTimeoutMs)
    })
    clearTimeout(timer)
    this.redis.off('end', ended!)
  }

  async #connect(): Promise<boolean> {
    this.#lastAttemptAt = this.#now()
    const said = catchClientWarnings()
    try {
      if (!this.#idle()) await this.#dropped()
      // ioredis applies connectTimeout to the socket; this bounds the handshake after it too.
      await withTimeout(this.redis.connect(), this.#connectTimeoutMs * 2, `connect timed out after ${this.#connectTimeoutMs * 2} ms`)
      // ioredis only reports a SELECT the server refused (a database it does not have) as an event, and then serves
      // every command from database 0, among another fleet's keys: asked again here, the refusal counts as down.
      const database = this.redis.options.db ?? 0
      if (database !== 0) await withTimeout(this.redis.select(database), this.#connectTimeoutMs * 2, `SELECT timed out after ${this.#connectTimeoutMs * 2} ms`)
      this.#downSince = undefined
      this.#lastError = undefined
      return true
    } catch (error) {
      this.markDown(error)
      return false
    } finally {
      for (const line of said()) this.#notice(line)
    }
  }

  #notice(clientLine: string): void {
    const line = clientLine.includes('does not require a password')
      ? `store ${this.display} asks for no password, but the URL gives one: remove it from ${this.#source}`
      : redact(`store ${this.display}: ${clientLine.replace(/^\[(WARN|ERROR)\] /, '')}`)
    if (this.#noticed.has(line)) return
    this.#noticed.add(line)
    this.#onNotice(line)
  }
}

// Each connect under way: the lines ioredis printed meanwhile. console.warn is replaced once, while any connect is
// under way, and put back when the last ends: links connecting at once (tests, a process with two stores) each
// restoring what they found would leave one's stand-in in place for good.
const catchers = new Set<string[]>()
let ownWarn: typeof console.warn | undefined
let givenWarn: typeof console.warn = console.warn

/**
 * ioredis prints some remarks on the handshake with console.warn (only our doors print, and --json carries our
 * warnings): while connecting, those are caught (anything else goes on to console.warn). Returns what was caught.
 * A console.warn cannot tell which connect it came from: with several at once, each is told every line.
 */
function catchClientWarnings(): () => string[] {
  const caught: string[] = []
  if (catchers.size === 0 && ownWarn === undefined) {
    givenWarn = console.warn
    ownWarn = (...args: unknown[]) => {
      const text = args.map(String).join(' ')
      const clients = /^\[(WARN|ERROR)\] /.test(text) || text.startsWith('Skipping the ready check')
      if (clients && catchers.size > 0) for (const lines of catchers) lines.push(text)
      else givenWarn(...args)
    }
    console.warn = ownWarn
  }
  catchers.add(caught)
  return () => {
    catchers.delete(caught)
    // Put back only while ours is in place: whoever replaced it since (a test's spy) puts ours back when done.
    if (catchers.size === 0 && ownWarn !== undefined && console.warn === ownWarn) {
      console.warn = givenWarn
      ownWarn = undefined
    }
    return caught
  }
}

function isConnectionGone(error: unknown): boolean {
  const message = error instanceof Error ? error.message : ''
  return message === 'Connection is closed.' || message.startsWith("Stream isn't writeable")
}

function oneLine(error: unknown): string {
  const text = errorMessage(error)
  return redact(text.split('\n')[0]!.trim())
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(message), {code: 'ETIMEDOUT'})), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
