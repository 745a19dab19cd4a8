import {readdir, readFile, rename, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import {ensureStateDir, stateDirError} from '../../support/state-dir.js'
import {writeFileAtomic} from '../../support/atomic-write.js'
import {compactTimestamp} from '../../support/timestamps.js'
import {type KeyLockOptions, LockTimeoutError, lockDraftPid, withKeyLock} from '../../support/key-lock.js'
import {isProcessAlive} from '../../support/process-alive.js'
import type {ThrottleStore} from '../types.js'
import type {Admission, AdmitSteps, ThrottleDecision, ThrottleTicket} from '../../throttle/admission.js'
import {freshState, isForgettable, mergeSuppressed, parseThrottleState, type ThrottleState} from '../../throttle/throttle-state.js'
import {nodeCrypto} from '../../support/node-crypto.js'

export interface FileThrottleOptions {
  /** Where the per-key files live, e.g. `throttleDirIn(resolveStateDir())`: `~/.local/state/fastpay-tg/throttle`. */
  dir: string
  /** @default see KeyLockOptions */
  lock?: KeyLockOptions
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
export class FileThrottle implements ThrottleStore {
  readonly dir: string
  readonly #lock: KeyLockOptions

  constructor(options: FileThrottleOptions) {
    this.dir = options.dir
    this.#lock = options.lock ?? {}
  }

  /** The file that holds `key`'s state. */
  pathFor(key: string): string {
    return join(this.dir, `${nodeCrypto().createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`)
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

  /** See ThrottleStore.admit. */
  async admit<T>(key: string, windowSeconds: number, now: number, steps: AdmitSteps<T>): Promise<Admission<T>> {
    if (!(windowSeconds >= 0)) throw new RangeError(`windowSeconds must be >= 0 (got ${windowSeconds})`)
    const windowMs = windowSeconds * 1000
    try {
      return await this.#update(key, now, async (state, warnings): Promise<{state: ThrottleState; result: Admission<T>}> => {
        let decided = decideOn(state, windowMs, now, warnings)
        if (decided.result.send) {
          const pendingAt = await steps.pendingSince(now - windowMs)
          if (pendingAt !== undefined) decided = decideOn({...state, lastSentAt: pendingAt, windowMs}, windowMs, now, warnings)
        }
        const {result: decision} = decided
        if (!decision.send) return {state: decided.state, result: {admitted: false, decision}}
        // Written down first: killed before the state below is written, the entry found above stands for the window.
        return {state: decided.state, result: {admitted: true, decision, recorded: await steps.record(decision)}}
      })
    } catch (error) {
      if (!(error instanceof LockTimeoutError)) throw error
      const owner = error.ownerPid === undefined ? '' : ` by pid ${error.ownerPid}`
      const decision = {send: true as const, warnings: [`throttle state ${this.pathFor(key)} stayed locked${owner}; sent without throttling`]}
      return {admitted: true, decision, recorded: await steps.record(decision)}
    }
  }

  /**
   * Removes the files of keys whose window is over, not muted, and with no count of held-back alerts left to
   * report (or one older than 30 days). A key locked by a run right now is left for next time. Returns how many.
   */
  async prune(now = Date.now()): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[])
    let removed = 0
    // A run killed while taking a lock leaves its pid file beside the lock (see withKeyLock): dead pids' go.
    for (const name of names) {
      const pid = lockDraftPid(name)
      if (pid !== undefined && !isProcessAlive(pid)) await unlink(join(this.dir, name)).catch(() => undefined)
    }
    for (const name of names.filter((candidate) => /^[0-9a-f]{32}\.json$/.test(candidate))) {
      const path = join(this.dir, name)
      const key = keyIn(await readFile(path, 'utf8').catch(() => ''))
      if (key === undefined || this.pathFor(key) !== path) continue
      const forget = async () => {
        const state = parseThrottleState(await readFile(path, 'utf8'), key)
        if ('problem' in state || !isForgettable(state, now)) return
        await unlink(path)
        removed++
      }
      await withKeyLock(path.replace(/\.json$/, '.lock'), forget, {...this.#lock, timeoutMs: 0}).catch(() => undefined)
    }
    return removed
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

  /**
   * Writes down a window another store (Redis) opened at `now` with `ticket`, so that this host still holds the key
   * back while that store is away (FallbackThrottle); `release` of that ticket gives it back here too. Alerts held
   * back here stay counted here: the other store never saw them, so its send did not report them. A run holding
   * the key's lock is not waited for long: this copy only matters during an outage.
   */
  async remember(ticket: ThrottleTicket, windowSeconds: number, now: number): Promise<void> {
    const windowMs = windowSeconds * 1000
    await this.#update(
      ticket.key,
      now,
      (state) => ({
        state: {...state, lastSentAt: now, sendId: ticket.sendId, previous: {lastSentAt: state.lastSentAt, suppressed: null}, windowMs},
        result: undefined,
      }),
      {...this.#lock, timeoutMs: 1000},
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
    change: (state: ThrottleState, warnings: string[]) => {state?: ThrottleState; result: T} | Promise<{state?: ThrottleState; result: T}>,
    lock = this.#lock,
  ): Promise<T> {
    await ensureStateDir(this.dir)
    const path = this.pathFor(key)
    try {
      return await withKeyLock(
        path.replace(/\.json$/, '.lock'),
        async () => {
          const warnings: string[] = []
          const state = await this.#read(path, key, now, warnings)
          const {state: next, result} = await change(state, warnings)
          if (next !== undefined) await writeFileAtomic(path, `${JSON.stringify(next)}\n`, 0o600)
          return result
        },
        lock,
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
  const sendId = nodeCrypto().randomBytes(8).toString('hex')
  const next: ThrottleState = {
    ...state,
    lastSentAt: now,
    sendId,
    suppressed: null,
    previous: {lastSentAt: state.lastSentAt, suppressed: state.suppressed},
    mutedUntil: null,
    windowMs,
  }
  const suppressed = state.suppressed && {count: state.suppressed.count, since: new Date(state.suppressed.since)}
  const ticket = {key: state.key, sendId}
  return {state: next, result: {send: true, ...(suppressed ? {suppressed} : {}), ticket, warnings}}
}

/** The key a state file says it holds, if it is one. */
function keyIn(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as {key?: unknown}
    return typeof value.key === 'string' ? value.key : undefined
  } catch {
    return undefined
  }
}
