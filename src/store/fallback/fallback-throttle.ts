import type {Admission, AdmitSteps, ThrottleDecision, ThrottleTicket} from '../../throttle/index.js'
import type {RedisLink} from '../redis/redis-link.js'
import type {ThrottleStore} from '../types.js'

/** This host's files: a ThrottleStore that can also keep a copy of a window Redis opened (FileThrottle). */
export interface LocalThrottle extends ThrottleStore {
  remember(ticket: ThrottleTicket, windowSeconds: number, now: number): Promise<void>
}

/**
 * Redis's throttle while Redis answers, this host's files while it does not: alerts keep going out (throttled per
 * host rather than per fleet, so a few duplicates across hosts) instead of failing. A ticket goes back to the store
 * that issued it. A window this host opened in its files while Redis was away still holds once Redis is back: it is
 * opened in Redis too before Redis decides, so the alert it let through is not sent again (by any host). The other
 * way round, a window Redis opens for an alert of this host is copied to its files, so that this host does not send
 * that alert again while Redis is away. Each alert held back is counted by the store that held it back, and reported
 * by that store's next send: never by both.
 */
export class FallbackThrottle implements ThrottleStore {
  readonly #fromLocal = new WeakSet<ThrottleTicket>()

  constructor(
    readonly shared: ThrottleStore,
    readonly local: LocalThrottle,
    readonly link: RedisLink,
  ) {}

  async decide(key: string, windowSeconds: number, now = Date.now()): Promise<ThrottleDecision> {
    return this.link.run(
      async () => {
        const openedAt = await this.#openedLocally(key, windowSeconds, now)
        if (openedAt === undefined) return this.#remembered(await this.shared.decide(key, windowSeconds, now), windowSeconds, now)
        // admit opens the window at the time pendingSince gives, then decides (held back, and counted, in Redis).
        const admitted = await this.shared.admit(key, windowSeconds, now, {pendingSince: async () => openedAt, record: async () => undefined})
        return admitted.decision
      },
      async () => {
        const decision = await this.local.decide(key, windowSeconds, now)
        if (decision.send && decision.ticket) this.#fromLocal.add(decision.ticket)
        return decision
      },
    )
  }

  async admit<T>(key: string, windowSeconds: number, now: number, steps: AdmitSteps<T>): Promise<Admission<T>> {
    // Once the entry is written, Redis failing before the window is committed must not write a second one here:
    // the entry stands for the window (pendingSince finds it).
    let recorded: {value: T; decision: Parameters<AdmitSteps<T>['record']>[0]} | undefined
    const once: AdmitSteps<T> = {
      pendingSince: steps.pendingSince,
      record: async (decision) => {
        recorded = {value: await steps.record(decision), decision}
        return recorded.value
      },
    }
    return this.link.run(
      async () => {
        const openedAt = await this.#openedLocally(key, windowSeconds, now)
        const pendingSince =
          openedAt === undefined ? steps.pendingSince : async (sinceMs: number) => Math.max((await steps.pendingSince(sinceMs)) ?? openedAt, openedAt)
        const admitted = await this.shared.admit(key, windowSeconds, now, {...once, pendingSince})
        await this.#remembered(admitted.decision, windowSeconds, now)
        return admitted
      },
      async () => {
        if (recorded !== undefined) {
          const warning = `throttle window of ${JSON.stringify(key)} not recorded: ${this.link.display} became unreachable`
          return {admitted: true, decision: {...recorded.decision, warnings: [...recorded.decision.warnings, warning]}, recorded: recorded.value}
        }
        const admitted = await this.local.admit(key, windowSeconds, now, steps)
        if (admitted.decision.send && admitted.decision.ticket) this.#fromLocal.add(admitted.decision.ticket)
        return admitted
      },
    )
  }

  async prune(now = Date.now()): Promise<number> {
    return this.local.prune(now)
  }

  async release(ticket: ThrottleTicket, now = Date.now()): Promise<string[]> {
    if (this.#fromLocal.has(ticket)) return this.local.release(ticket, now)
    // The window stays shut until it ends: a lost release costs one suppressed alert, not a failed run.
    const warnings = await this.link.run(
      () => this.shared.release(ticket, now),
      async () => [`throttle window of ${JSON.stringify(ticket.key)} not given back: ${this.link.display} is unreachable`],
    )
    // Its copy in this host's files (same ticket) goes too, or an outage would hold back the alert that reached no chat.
    await this.local.release(ticket, now).catch(() => undefined)
    return warnings
  }

  async mute(key: string, untilMs: number, now = Date.now()): Promise<string[]> {
    return this.link.run(
      () => this.shared.mute(key, untilMs, now),
      async () => [
        ...(await this.local.mute(key, untilMs, now)),
        `mute of ${JSON.stringify(key)} kept on this host only: ${this.link.display} is unreachable`,
      ],
    )
  }

  async peek(key: string, windowSeconds: number, now = Date.now()): Promise<ThrottleDecision> {
    return this.link.run(
      async () => {
        const shared = await this.shared.peek(key, windowSeconds, now)
        if (!shared.send || (await this.#openedLocally(key, windowSeconds, now)) === undefined) return shared
        return this.local.peek(key, windowSeconds, now)
      },
      () => this.local.peek(key, windowSeconds, now),
    )
  }

  /** Copies a window Redis opened to this host's files; a copy that cannot be written costs nothing but that copy. */
  async #remembered(decision: ThrottleDecision, windowSeconds: number, now: number): Promise<ThrottleDecision> {
    if (decision.send && decision.ticket) await this.local.remember(decision.ticket, windowSeconds, now).catch(() => undefined)
    return decision
  }

  /**
   * When this host's files hold an open window of `key` (a send decided while Redis was away): when it opened. A
   * mute kept in the files alone is not carried over (it was said to be this host's only).
   */
  async #openedLocally(key: string, windowSeconds: number, now: number): Promise<number | undefined> {
    const local = await this.local.peek(key, windowSeconds, now).catch(() => undefined)
    if (local === undefined || local.send) return undefined
    // peek's nextAt is the window's end, or the mute's when that is later: then the mute alone held it back.
    if (local.mutedUntil !== undefined && local.nextAt.getTime() <= local.mutedUntil.getTime()) return undefined
    return local.nextAt.getTime() - Math.round(windowSeconds * 1000)
  }
}
