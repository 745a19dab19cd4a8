import {type BudgetUse, WindowBudget} from './window-budget.js'

export interface TelegramLimits {
  /** Messages per second for the whole bot. @default 30 */
  perBotPerSecond?: number
  /** Messages per chat over `chatBurstWindowMs`: about one a second, with short bursts. @default 3 */
  perChatBurst?: number
  /** @default 3000 */
  chatBurstWindowMs?: number
  /** Messages per minute to one group, supergroup or channel (negative chat ids, @usernames). @default 20 */
  perGroupPerMinute?: number
  /**
   * Every window scaled by this factor (tests and benchmarks run Telegram's limits in less time; the counts stay).
   * @default 1
   */
  timeScale?: number
  /**
   * A slot from `acquire()` whose `done()` is never called counts as answered this long after it was taken. Holds
   * the limits only for requests answered within it: use `run()`, which reports the answer. @default 1000
   */
  unreportedSlotMs?: number
}

export interface LimiterClock {
  now(): number
  sleep(ms: number): Promise<void>
}

/** A slot to send one request. Call `done()` once it is answered (or failed): only then does its window start. */
export interface SendSlot {
  done(): void
}

const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

interface Waiter {
  budgets: WindowBudget[]
  unreportedMs: number
  grant: (slot: SendSlot) => void
}

/**
 * Paces requests within Telegram's limits as the server counts them, by arrival: at most 30 a second per bot, 20 a
 * minute per group, about 1 a second per chat with short bursts (see WindowBudget for why arrival needs no clock of
 * the server's). One busy chat never holds the others back. Every door sending as a bot shares one limiter for it
 * (`limiterFor(client)`), so concurrent sends in one process add up against the same limits.
 */
export class TelegramRateLimiter {
  private readonly bot: WindowBudget
  private readonly chats = new Map<string, WindowBudget>()
  private readonly groups = new Map<string, WindowBudget>()
  private readonly limits: Required<TelegramLimits>
  private readonly waiting: Waiter[] = []
  private wakeAt = Infinity

  constructor(
    limits: TelegramLimits = {},
    private readonly clock: LimiterClock = realClock,
  ) {
    this.limits = {perBotPerSecond: 30, perChatBurst: 3, chatBurstWindowMs: 3000, perGroupPerMinute: 20, timeScale: 1, unreportedSlotMs: 1000, ...limits}
    this.bot = new WindowBudget(this.limits.perBotPerSecond, 1000 * this.limits.timeScale)
  }

  /** Sends one request to `chatId` when the limits allow, and counts it until `windowMs` after its answer. */
  async run<T>(chatId: number | string, send: () => Promise<T>): Promise<T> {
    const slot = await this.take(chatId, Infinity)
    try {
      return await send()
    } finally {
      slot.done()
    }
  }

  /**
   * Waits for, and takes, a slot to send one request to `chatId`. Prefer `run()`; a caller of `acquire` should call
   * `done()` when the request is answered, else the slot counts as answered after `unreportedSlotMs`.
   */
  acquire(chatId: number | string): Promise<SendSlot> {
    return this.take(chatId, this.limits.unreportedSlotMs)
  }

  private take(chatId: number | string, unreportedMs: number): Promise<SendSlot> {
    const budgets = this.budgetsFor(String(chatId))
    return new Promise((grant) => {
      this.waiting.push({budgets, unreportedMs, grant})
      this.pump()
    })
  }

  /** Grants every waiter whose budgets all have room, oldest first, then sleeps until the next room can appear. */
  private pump(): void {
    const now = this.clock.now()
    for (let index = 0; index < this.waiting.length; ) {
      const waiter = this.waiting[index]!
      if (!waiter.budgets.every((budget) => budget.hasRoom(now))) {
        index++
        continue
      }
      this.waiting.splice(index, 1)
      const use: BudgetUse = {answeredAt: Infinity, assumeAnsweredBy: now + waiter.unreportedMs}
      for (const budget of waiter.budgets) budget.take(use)
      let reported = false
      waiter.grant({
        done: () => {
          if (reported) return
          reported = true
          use.answeredAt = this.clock.now()
          this.pump()
        },
      })
    }
    this.scheduleWake(now)
  }

  private scheduleWake(now: number): void {
    // Every waiter shares the bot's budget: each budget's next room is worked out once a pass, not once a waiter
    // (this runs on every send, answer and wake).
    const roomAt = new Map<WindowBudget, number>()
    let next = Infinity
    for (const waiter of this.waiting) {
      let waiterRoomAt = -Infinity
      for (const budget of waiter.budgets) {
        let at = roomAt.get(budget)
        if (at === undefined) roomAt.set(budget, (at = budget.nextRoomAt(now)))
        waiterRoomAt = Math.max(waiterRoomAt, at)
      }
      next = Math.min(next, waiterRoomAt)
    }
    // Infinity: every waiter waits for an answer, and `done()` pumps again.
    if (next === Infinity || next >= this.wakeAt) return
    this.wakeAt = next
    void this.clock.sleep(Math.max(0, next - now)).then(() => {
      if (this.wakeAt === next) this.wakeAt = Infinity
      this.pump()
    })
  }

  private budgetsFor(chatId: string): WindowBudget[] {
    const scale = this.limits.timeScale
    const budgets = [this.bot, getOrCreate(this.chats, chatId, () => new WindowBudget(this.limits.perChatBurst, this.limits.chatBurstWindowMs * scale))]
    // Groups, supergroups and channels have negative ids; @usernames are public channels or groups.
    if (chatId.startsWith('-') || chatId.startsWith('@')) {
      budgets.push(getOrCreate(this.groups, chatId, () => new WindowBudget(this.limits.perGroupPerMinute, 60_000 * scale)))
    }
    return budgets
  }
}

/**
 * For test suites only: `FASTPAY_TG_RATE_TIME_SCALE` (a number in (0, 1]) scales every window of the limiters a
 * process makes, so that tests of a spawned CLI, server or Action whose sends meet a limit in passing (four replies
 * to one chat) do not wait out Telegram's seconds. The counts stay. Anything else is ignored: Telegram's time.
 */
export function limitsFromEnv(env: Record<string, string | undefined>): Pick<TelegramLimits, 'timeScale'> {
  const text = env.FASTPAY_TG_RATE_TIME_SCALE
  const scale = text !== undefined && /^(0|[1-9]\d*)?(\.\d+)?$/.test(text) ? Number(text) : Number.NaN
  return scale > 0 && scale <= 1 ? {timeScale: scale} : {}
}

/** A limiter with this process's limits: Telegram's, or the test suites' scale of them (`limitsFromEnv`). */
export function newTelegramLimiter(): TelegramRateLimiter {
  return new TelegramRateLimiter(limitsFromEnv(process.env))
}

const shared = new WeakMap<object, TelegramRateLimiter>()

/**
 * The process-wide limiter for one bot's client: every door and every concurrent send through that client (an alert
 * and the outbox flush next to it, a webhook reply) counts against the same limits.
 */
export function limiterFor(client: object): TelegramRateLimiter {
  return getOrCreate(shared, client, newTelegramLimiter)
}

function getOrCreate<K, V>(map: {get(key: K): V | undefined; set(key: K, value: V): unknown}, key: K, create: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    value = create()
    map.set(key, value)
  }
  return value
}
