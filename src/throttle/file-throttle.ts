import {createHash, randomBytes} from 'node:crypto'
import {readFile, rename} from 'node:fs/promises'
import {join} from 'node:path'

import {ensureStateDir, stateDirError} from '../support/state-dir.js'
import {writeFileAtomic} from '../support/atomic-write.js'
import {compactTimestamp} from '../support/timestamps.js'
import {type KeyLockOptions, LockTimeoutError, withKeyLock} from './key-lock.js'
import {freshState, mergeSuppressed, parseThrottleState, type ThrottleState} from './throttle-state.js'

export interface FileThrottleOptions {
  /** Where the per-key files live, e.g. `throttleDirIn(resolveStateDir())`: `~/.local/state/fastpay-tg/throttle`. */
  dir: string
  /** @default see KeyLockOptions */
  lock?: KeyLockOptions
}

/** Hands a window back with `release`. */
export interface ThrottleTicket {
  key: string
  sendId: string
}

export type ThrottleDecision =
  | {
      send: true
      /** Alerts held back since the last one went through: the one sent now should say so. */
      suppressed?: {count: number; since: Date}
      /** Undefined when the state could not be locked in time (then nothing was recorded). */
      ticket?: ThrottleTicket
      warnings: string[]
    }
  | {
      send: false
      /** How many alerts of this key were held back so far, this one included. */
      suppressedCount: number
      since: Date
      /** When the next alert of this key may go through. */
      nextAt: Date
      /** Set when a mute, not the window, holds the alert back. */
      mutedUntil?: Date
      warnings: string[]
    }

/**
 * "One alert per key per window", shared by every process on the machine: one small JSON file per key (named by
 * a hash of the key, so unrelated keys never wait for each other), changed under an O_EXCL lock and replaced
 * atomically (temporary file, fsync, rename). A file that is not a valid state is set aside and reported, never
 * fatal.
 *
 * A window starts when `decide` lets an alert through, before it is delivered. An alert that Telegram could not
 * take now is spooled to the outbox and delivered later, so its window stands: alerts of the same key that follow
 * are duplicates of one already on its way. Only an alert that will never be delivered (Telegram refused it for
 * every chat) gives its window back with `release`, so that the next one tries again.
 */
export class FileThrottle {
  readonly dir: string
  readonly #lock: KeyLockOptions

  constructor(options: FileThrottleOptions) {
    this.dir = options.dir
    this.#lock = options.lock ?? {}
  }

  /** The file that holds `key`'s state. */
  pathFor(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`)
  }

  /** Lets one alert of `key` through per `windowSeconds` (and none while muted), counting the others. */
  async decide(key: string, windowSeconds: number, now = Date.now()): Promise<ThrottleDecision> {
    if (!(windowSeconds >= 0)) throw new RangeError(`windowSeconds must be >= 0 (got ${windowSeconds})`)
    const path = this.pathFor(key)
    try {
      return await this.#update(key, now, (state, warnings) => decideOn(state, windowSeconds * 1000, now, warnings))
    } catch (error) {
      if (!(error instanceof LockTimeoutError)) throw error
      // Holding the alert back because of someone else's stuck lock could lose it; a rare duplicate is the lesser harm.
      const owner = error.ownerPid === undefined ? '' : ` by pid ${error.ownerPid}`
      return {send: true, warnings: [`throttle state ${path} stayed locked${owner}; sent without throttling`]}
    }
  }

  /** Gives back the window `ticket` opened, keeping any count of suppressed alerts for the next one that goes through. */
  async release(ticket: ThrottleTicket, now = Date.now()): Promise<string[]> {
    return (
      await this.#update(ticket.key, now, (state, warnings) => {
        if (state.sendId !== ticket.sendId || state.previous === null) return {result: warnings}
        const {previous} = state
        const next: ThrottleState = {
          ...state,
          lastSentAt: previous.lastSentAt,
          sendId: null,
          suppressed: mergeSuppressed(previous.suppressed, state.suppressed),
          previous: null,
        }
        return {state: next, result: warnings}
      })
    )
  }

  /** Suppresses every alert of `key` until `untilMs` (epoch ms); a time in the past lifts the mute. */
  async mute(key: string, untilMs: number, now = Date.now()): Promise<string[]> {
    return this.#update(key, now, (state, warnings) => ({
      state: {...state, mutedUntil: untilMs > now ? untilMs : null},
      result: warnings,
    }))
  }

  /** What `decide` would answer, without recording anything (for `--dry-run`). */
  async peek(key: string, windowSeconds: number, now = Date.now()): Promise<ThrottleDecision> {
    const path = this.pathFor(key)
    const warnings: string[] = []
    let state = freshState(key)
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw stateDirError(this.dir, error)
    })
    if (text !== undefined) {
      const parsed = parseThrottleState(text, key)
      if (!('problem' in parsed)) state = parsed
      else warnings.push(`throttle state ${path} is unreadable (${parsed.problem}); the next alert sets it aside`)
    }
    return decideOn(state, windowSeconds * 1000, now, warnings).result
  }

  /** Runs `change` on the key's current state under its lock, and writes what it returns. */
  async #update<T>(
    key: string,
    now: number,
    change: (state: ThrottleState, warnings: string[]) => {state?: ThrottleState; result: T},
  ): Promise<T> {
    await ensureStateDir(this.dir)
    const path = this.pathFor(key)
    try {
      return await withKeyLock(
        path.replace(/\.json$/, '.lock'),
        async () => {
          const warnings: string[] = []
          const state = await this.#read(path, key, now, warnings)
          const {state: next, result} = change(state, warnings)
          if (next !== undefined) await writeFileAtomic(path, `${JSON.stringify(next)}\n`, 0o600)
          return result
        },
        this.#lock,
      )
    } catch (error) {
      throw stateDirError(this.dir, error)
    }
  }

  async #read(path: string, key: string, now: number, warnings: string[]): Promise<ThrottleState> {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return freshState(key)
      if (code !== 'EISDIR') throw error
      text = ''
    }
    const parsed = parseThrottleState(text, key)
    if (!('problem' in parsed)) return parsed
    const aside = `${path}.corrupt-${compactTimestamp(now)}`
    await rename(path, aside)
    warnings.push(`throttle state ${path} was unreadable; set aside as ${aside}`)
    return freshState(key)
  }
}

function decideOn(
  state: ThrottleState,
  windowMs: number,
  now: number,
  warnings: string[],
): {state: ThrottleState; result: ThrottleDecision} {
  const muted = state.mutedUntil !== null && now < state.mutedUntil
  // Measured both ways: a clock set back by more than a window must not hold alerts back until it catches up.
  const inWindow = state.lastSentAt !== null && Math.abs(now - state.lastSentAt) < windowMs
  if (muted || inWindow) {
    const suppressed = mergeSuppressed(state.suppressed, {count: 1, since: now})!
    const windowEnd = inWindow ? state.lastSentAt! + windowMs : now
    const nextAt = new Date(Math.max(windowEnd, muted ? state.mutedUntil! : now))
    const result: ThrottleDecision = {
      send: false,
      suppressedCount: suppressed.count,
      since: new Date(suppressed.since),
      nextAt,
      ...(muted ? {mutedUntil: new Date(state.mutedUntil!)} : {}),
      warnings,
    }
    return {state: {...state, suppressed}, result}
  }
  const sendId = randomBytes(8).toString('hex')
  const next: ThrottleState = {
    ...state,
    lastSentAt: now,
    sendId,
    suppressed: null,
    previous: {lastSentAt: state.lastSentAt, suppressed: state.suppressed},
    mutedUntil: null,
  }
  const suppressed = state.suppressed && {count: state.suppressed.count, since: new Date(state.suppressed.since)}
  const ticket = {key: state.key, sendId}
  return {state: next, result: {send: true, ...(suppressed ? {suppressed} : {}), ticket, warnings}}
}
