import type {RateLimits} from './types.js'

interface Window {
  limit: number
  lengthMs: number
  key: string
}

/** Sliding-window counters for Telegram's per-chat, per-group and per-bot message limits. */
export class RateLimiter {
  private readonly sent = new Map<string, number[]>()

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number,
  ) {}

  /**
   * Counts one message from `token` to `chatId`, or refuses it: then returns the whole seconds after which it would
   * be accepted (Telegram's `retry_after`) and counts nothing.
   */
  admit(token: string, chatId: number, isGroup: boolean): number | undefined {
    const now = this.now()
    const windows = this.windowsFor(token, chatId, isGroup)
    let waitMs = 0
    for (const window of windows) {
      const times = this.recent(window, now)
      if (times.length >= window.limit) {
        const oldestThatMustExpire = times[times.length - window.limit] ?? now
        waitMs = Math.max(waitMs, oldestThatMustExpire + window.lengthMs - now)
      }
    }
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000))
    for (const window of windows) this.recent(window, now).push(now)
    return undefined
  }

  private windowsFor(token: string, chatId: number, isGroup: boolean): Window[] {
    const {perChatPerSecond, perGroupPerMinute, perBotPerSecond} = this.limits
    const windows: Window[] = []
    if (perChatPerSecond) windows.push({limit: perChatPerSecond, lengthMs: 1000, key: `chat:${token}:${chatId}`})
    if (perGroupPerMinute && isGroup) {
      windows.push({limit: perGroupPerMinute, lengthMs: 60_000, key: `group:${token}:${chatId}`})
    }
    if (perBotPerSecond) windows.push({limit: perBotPerSecond, lengthMs: 1000, key: `bot:${token}`})
    return windows
  }

  /** The send times still inside the window, oldest first. */
  private recent(window: Window, now: number): number[] {
    const times = (this.sent.get(window.key) ?? []).filter((time) => time > now - window.lengthMs)
    this.sent.set(window.key, times)
    return times
  }

  reset(): void {
    this.sent.clear()
  }
}
