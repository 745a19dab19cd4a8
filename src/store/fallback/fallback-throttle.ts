import type {ThrottleDecision, ThrottleTicket} from '../../throttle/index.js'
import type {RedisLink} from '../redis/redis-link.js'
import type {ThrottleStore} from '../types.js'

/**
 * Redis's throttle while Redis answers, this host's files while it does not: alerts keep going out (throttled per
 * host rather than per fleet, so a few duplicates across hosts) instead of failing. A ticket goes back to the store
 * that issued it.
 */
export class FallbackThrottle implements ThrottleStore {
  readonly #fromLocal = new WeakSet<ThrottleTicket>()

  constructor(
    readonly shared: ThrottleStore,
    readonly local: ThrottleStore,
    readonly link: RedisLink,
  ) {}

  async decide(key: string, windowSeconds: number, now = Date.now()): Promise<ThrottleDecision> {
    return this.link.run(
      () => this.shared.decide(key, windowSeconds, now),
      async () => {
        const decision = await this.local.decide(key, windowSeconds, now)
        if (decision.send && decision.ticket) this.#fromLocal.add(decision.ticket)
        return decision
      },
    )
  }

  async release(ticket: ThrottleTicket, now = Date.now()): Promise<string[]> {
    if (this.#fromLocal.has(ticket)) return this.local.release(ticket, now)
    // The window stays shut until it ends: a lost release costs one suppressed alert, not a failed run.
    return this.link.run(
      () => this.shared.release(ticket, now),
      async () => [`throttle window of ${JSON.stringify(ticket.key)} not given back: ${this.link.display} is unreachable`],
    )
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
      () => this.shared.peek(key, windowSeconds, now),
      () => this.local.peek(key, windowSeconds, now),
    )
  }
}
