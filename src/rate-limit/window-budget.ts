/** One request counted by a budget: from when it left until `windowMs` after it was answered. */
export interface BudgetUse {
  /** When the answer came; Infinity while the request is in flight. */
  answeredAt: number
  /** A request never reported answered counts as answered at this time (for callers that only take slots). */
  assumeAnsweredBy: number
}

/**
 * "At most `limit` requests arrive at the server in any `windowMs`", kept without knowing when they arrive: a request
 * arrives somewhere between leaving and being answered, so it counts from the moment it leaves until `windowMs` after
 * its answer. Then, for any window at the server, the last of its requests to leave saw all the others counted, and
 * was let go only because fewer than `limit` were: cold connections, slow proxies and bunched arrivals cannot push a
 * window over. The price is one round trip per window (a few ms on loopback, about 10% against Telegram at 100 ms).
 */
export class WindowBudget {
  private uses: BudgetUse[] = []

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`)
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive (got ${windowMs})`)
  }

  /** Whether one more request may leave at `now`. */
  hasRoom(now: number): boolean {
    this.prune(now)
    return this.uses.length < this.limit
  }

  take(use: BudgetUse): void {
    this.uses.push(use)
  }

  /** When room appears if nothing else is answered: the first counted request leaving the window; else Infinity. */
  nextRoomAt(now: number): number {
    this.prune(now)
    if (this.uses.length < this.limit) return now
    let first = Infinity
    for (const use of this.uses) first = Math.min(first, endOf(use) + this.windowMs)
    return first
  }

  /** Requests counted now (in flight, or answered within the window). */
  counted(now: number): number {
    this.prune(now)
    return this.uses.length
  }

  private prune(now: number): void {
    if (this.uses.some((use) => endOf(use) + this.windowMs <= now)) {
      this.uses = this.uses.filter((use) => endOf(use) + this.windowMs > now)
    }
  }
}

const endOf = (use: BudgetUse) => Math.min(use.answeredAt, use.assumeAnsweredBy)
