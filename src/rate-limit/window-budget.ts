/**
 * "At most `limit` events in any `windowMs`": a sliding window over reserved times. Slots may be reserved in the
 * future and out of order, so one busy chat never holds back the others (no head-of-line blocking).
 */
export class WindowBudget {
  /** Reserved times, ascending. */
  private readonly times: number[] = []

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`)
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive (got ${windowMs})`)
  }

  /** The earliest time at or after `notBefore` at which one more event keeps every window within the limit. */
  earliestSlot(notBefore: number): number {
    if (this.fits(notBefore)) return notBefore
    // A window frees up only when one of its events leaves it, so the answer is some reserved time + windowMs.
    for (const time of this.times) {
      const candidate = time + this.windowMs
      if (candidate > notBefore && this.fits(candidate)) return candidate
    }
    return (this.times.at(-1) ?? notBefore) + this.windowMs
  }

  reserve(time: number): void {
    let index = this.times.length
    while (index > 0 && this.times[index - 1]! > time) index--
    this.times.splice(index, 0, time)
  }

  /** Whether an event at `time` leaves every window that contains it with at most `limit` events. */
  private fits(time: number): boolean {
    // Windows containing `time` are [start, start + windowMs) for start in (time - windowMs, time].
    const nearby = this.times.filter((reserved) => reserved > time - this.windowMs && reserved < time + this.windowMs)
    // The fullest such window starts either at `time` or at one of the events just before it.
    for (const windowStart of [time, ...nearby.filter((reserved) => reserved < time)]) {
      const inWindow = nearby.filter((reserved) => reserved >= windowStart && reserved < windowStart + this.windowMs)
      if (inWindow.length >= this.limit) return false
    }
    return true
  }

  /** Drops events that no window from `now` on can contain. Only the real clock may drive this, never a query. */
  prune(now: number): void {
    let drop = 0
    while (drop < this.times.length && this.times[drop]! <= now - this.windowMs) drop++
    if (drop > 0) this.times.splice(0, drop)
  }
}
