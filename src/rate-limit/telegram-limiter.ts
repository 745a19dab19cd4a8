import {WindowBudget} from './window-budget.js'

export interface TelegramLimits {
  /** Messages per second for the whole bot. @default 30 */
  perBotPerSecond?: number
  /** Messages per chat over `chatBurstWindowMs`: about one a second, with short bursts. @default 3 */
  perChatBurst?: number
  /** @default 3000 */
  chatBurstWindowMs?: number
  /** Messages per minute to one group, supergroup or channel (negative chat ids). @default 20 */
  perGroupPerMinute?: number
}

export interface LimiterClock {
  now(): number
  sleep(ms: number): Promise<void>
}

const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/**
 * Paces sends within Telegram's published limits (about 1 message/s per chat, 20/min per group, 30/s per bot) so
 * broadcasts do not run into 429s. Shared by every door that sends more than one message.
 */
export class TelegramRateLimiter {
  private readonly bot: WindowBudget
  private readonly chats = new Map<string, WindowBudget>()
  private readonly groups = new Map<string, WindowBudget>()
  private readonly limits: Required<TelegramLimits>

  constructor(
    limits: TelegramLimits = {},
    private readonly clock: LimiterClock = realClock,
  ) {
    this.limits = {perBotPerSecond: 30, perChatBurst: 3, chatBurstWindowMs: 3000, perGroupPerMinute: 20, ...limits}
    this.bot = new WindowBudget(this.limits.perBotPerSecond, 1000)
  }

  /** Waits for, and takes, the next slot to send one message to `chatId`. */
  async acquire(chatId: number | string): Promise<void> {
    const budgets = this.budgetsFor(String(chatId))
    let slot = this.clock.now()
    for (const budget of budgets) budget.prune(slot)
    // Each budget may push the slot later, which can invalidate another's answer: settle on a common slot.
    for (let settled = false; !settled; ) {
      settled = true
      for (const budget of budgets) {
        const earliest = budget.earliestSlot(slot)
        if (earliest > slot) {
          slot = earliest
          settled = false
        }
      }
    }
    for (const budget of budgets) budget.reserve(slot)
    const waitMs = slot - this.clock.now()
    if (waitMs > 0) await this.clock.sleep(waitMs)
  }

  private budgetsFor(chatId: string): WindowBudget[] {
    const budgets = [this.bot, getOrCreate(this.chats, chatId, () => new WindowBudget(this.limits.perChatBurst, this.limits.chatBurstWindowMs))]
    // Groups, supergroups and channels have negative ids; @usernames are public channels or groups.
    if (chatId.startsWith('-') || chatId.startsWith('@')) {
      budgets.push(getOrCreate(this.groups, chatId, () => new WindowBudget(this.limits.perGroupPerMinute, 60_000)))
    }
    return budgets
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = create()
    map.set(key, value)
  }
  return value
}
