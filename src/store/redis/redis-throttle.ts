import type {Redis} from 'ioredis'

import type {Admission, AdmitSteps, ThrottleDecision, ThrottleTicket} from '../../throttle/index.js'
import type {ThrottleStore} from '../types.js'
import {withRedisKeyLock} from './redis-key-lock.js'
import {DECIDE, MUTE, OPEN_WINDOW, RELEASE} from './throttle-scripts.js'
import {nodeCrypto} from '../../support/node-crypto.js'

export interface RedisThrottleOptions {
  /** A client: connected, or one that RedisLink connects. */
  redis: Redis
  /** Put before every key, so that several teams or test runs can share one Redis. @default 'fastpay-tg:' */
  prefix?: string
  /**
   * How long a key is kept once its window (or mute) is over, so that the count of alerts held back reaches the
   * next one that goes through. @default 30 days
   */
  retentionMs?: number
  /** How long `admit` waits for another run holding the key. @default 30_000 */
  lockTimeoutMs?: number
}

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000

type DecideReply = [1, number | null, number | null] | [0, number, number, number | null, number | null]

/**
 * FileThrottle's decisions for a fleet: one hash per key, changed by one Lua script each, so that any number of
 * hosts asking at once get one "send" per key and window, and the rest count as suppressed. `now` is the caller's
 * clock, as for FileThrottle; windows are compared both ways, so hosts whose clocks disagree by less than a window
 * still agree on a duplicate.
 */
export class RedisThrottle implements ThrottleStore {
  readonly prefix: string
  readonly #redis: Redis
  readonly #retentionMs: number
  readonly #lockTimeoutMs: number

  constructor(options: RedisThrottleOptions) {
    this.#redis = options.redis
    this.prefix = options.prefix ?? 'fastpay-tg:'
    this.#retentionMs = options.retentionMs ?? THIRTY_DAYS_MS
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 30_000
  }

  /** The hash that holds `key`'s state. */
  keyFor(key: string): string {
    return `${this.prefix}throttle:${key}`
  }

  async decide(key: string, windowSeconds: number, now = Date.now()): Promise<ThrottleDecision> {
    return this.#decide(key, windowSeconds, now, '0')
  }

  /**
   * See ThrottleStore.admit: under a lock of the key (a lease in Redis, taken over at once from a dead process of
   * this host), decides without committing a send, lets `steps.record` write the entry, then commits the window.
   */
  async admit<T>(key: string, windowSeconds: number, now: number, steps: AdmitSteps<T>): Promise<Admission<T>> {
    const lockKey = `${this.prefix}throttle-lock:${key}`
    const admitted = await withRedisKeyLock(this.#redis, lockKey, this.#lockTimeoutMs, async (): Promise<Admission<T>> => {
      const sendId = nodeCrypto().randomBytes(8).toString('hex')
      let decision = await this.#decide(key, windowSeconds, now, '2', sendId)
      if (decision.send) {
        const windowMs = Math.round(windowSeconds * 1000)
        const pendingAt = await steps.pendingSince(now - windowMs)
        if (pendingAt !== undefined) {
          await OPEN_WINDOW.run(this.#redis, [this.keyFor(key)], [String(Math.trunc(pendingAt)), windowMs, this.#retentionMs, String(Math.trunc(now))])
          decision = await this.#decide(key, windowSeconds, now, '0')
        }
      }
      if (!decision.send) return {admitted: false, decision}
      const recorded = await steps.record(decision)
      // A mute pressed in between would turn this into "held back": the alert is written down already, and goes.
      await this.#decide(key, windowSeconds, now, '0', sendId)
      return {admitted: true, decision, recorded}
    })
    if (admitted !== 'timeout') return admitted
    const decision = {send: true as const, warnings: [`throttle key ${JSON.stringify(key)} stayed locked in Redis; sent without throttling`]}
    return {admitted: true, decision, recorded: await steps.record(decision)}
  }

  /** Redis forgets a key by itself (PEXPIRE): nothing to do. */
  async prune(): Promise<number> {
    return 0
  }

  async peek(key: string, windowSeconds: number, now = Date.now()): Promise<ThrottleDecision> {
    return this.#decide(key, windowSeconds, now, '1')
  }

  async release(ticket: ThrottleTicket, _now = Date.now()): Promise<string[]> {
    await RELEASE.run(this.#redis, [this.keyFor(ticket.key)], [ticket.sendId])
    return []
  }

  async mute(key: string, untilMs: number, now = Date.now()): Promise<string[]> {
    await MUTE.run(this.#redis, [this.keyFor(key)], [String(Math.trunc(untilMs)), String(Math.trunc(now)), this.#retentionMs])
    return []
  }

  /** mode: '0' decide, '1' peek, '2' tentative (see DECIDE). */
  async #decide(key: string, windowSeconds: number, now: number, mode: '0' | '1' | '2', givenSendId?: string): Promise<ThrottleDecision> {
    if (!(windowSeconds >= 0)) throw new RangeError(`windowSeconds must be >= 0 (got ${windowSeconds})`)
    const windowMs = Math.round(windowSeconds * 1000)
    const peek = mode === '1'
    const sendId = peek ? '' : (givenSendId ?? nodeCrypto().randomBytes(8).toString('hex'))
    const nowMs = Math.trunc(now)
    const args = [String(nowMs), windowMs, sendId, this.#retentionMs, mode]
    const reply = (await DECIDE.run(this.#redis, [this.keyFor(key)], args)) as DecideReply
    if (reply[0] === 1) {
      const [, count, since] = reply
      return {
        send: true,
        ...(count ? {suppressed: {count, since: new Date(since!)}} : {}),
        ...(peek ? {} : {ticket: {key, sendId}}),
        warnings: [],
      }
    }
    const [, count, since, lastSentAt, mutedUntil] = reply
    const inWindow = lastSentAt !== null && Math.abs(nowMs - lastSentAt) < windowMs
    const muted = mutedUntil !== null && nowMs < mutedUntil
    const nextAt = new Date(Math.max(inWindow ? lastSentAt + windowMs : nowMs, muted ? mutedUntil : nowMs))
    return {
      send: false,
      suppressedCount: count,
      since: new Date(since),
      nextAt,
      ...(muted ? {mutedUntil: new Date(mutedUntil)} : {}),
      warnings: [],
    }
  }
}
