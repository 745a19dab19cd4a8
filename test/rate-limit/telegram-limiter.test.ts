// The limiter on a virtual clock: requests "arrive" at a simulated server somewhere between leaving and being
// answered, with latencies chosen to bunch them (cold connections first, then warm ones), and no window of arrivals
// may exceed a limit. The same is measured against the fake Bot API in test/rate-limit/arrivals.test.ts.
import {afterEach, describe, expect, it, vi} from 'vitest'

import {type LimiterClock, limiterFor, limitsFromEnv, TelegramRateLimiter} from '../../src/rate-limit/telegram-limiter.js'
import {WindowBudget} from '../../src/rate-limit/window-budget.js'
import {maxInAnyWindow} from './windows.js'

/** Time moves only when every pending promise has settled and the next timer is due. */
class VirtualClock implements LimiterClock {
  private time = 0
  private timers: Array<{at: number; resolve: () => void}> = []

  now = () => this.time

  sleep = (ms: number) => new Promise<void>((resolve) => this.timers.push({at: this.time + Math.max(0, ms), resolve}))

  async run<T>(work: Promise<T>): Promise<T> {
    let done = false
    void work.finally(() => (done = true))
    for (;;) {
      for (let index = 0; index < 5; index++) await new Promise((resolve) => setImmediate(resolve))
      if (done) return work
      this.timers.sort((a, b) => a.at - b.at)
      const next = this.timers.shift()
      if (next === undefined) throw new Error('deadlock: nothing left to wait for, and the work is not done')
      this.time = Math.max(this.time, next.at)
      next.resolve()
    }
  }
}

/**
 * Sends one request per entry of `chatIds`, all at once. Each arrives `arrivalMs(index)` after it leaves and is
 * answered `answerMs` after arriving. Returns the arrival times.
 */
async function simulate(chatIds: Array<number | string>, arrivalMs: (index: number) => number, limits = {}, answerMs = 2) {
  const clock = new VirtualClock()
  const limiter = new TelegramRateLimiter(limits, clock)
  const arrivals: Array<{chatId: number | string; at: number}> = []
  const sends = chatIds.map((chatId, index) =>
    limiter.run(chatId, async () => {
      await clock.sleep(arrivalMs(index))
      arrivals.push({chatId, at: clock.now()})
      await clock.sleep(answerMs)
    }),
  )
  await clock.run(Promise.all(sends))
  return {arrivals, clock}
}

const range = (count: number, from = 1) => Array.from({length: count}, (_, index) => from + index)

describe('TelegramRateLimiter counts arrivals, not departures', () => {
  it('a cold first burst (300 ms late) and warm later ones (1 ms): never more than 30 arrivals in a second', async () => {
    const {arrivals} = await simulate(range(100), (index) => (index < 30 ? 300 : 1))
    expect(arrivals).toHaveLength(100)
    expect(maxInAnyWindow(arrivals.map((arrival) => arrival.at), 1000)).toBe(30)
  })

  it('random latencies up to 800 ms, 300 chats: at most 30 in any second, and the bot stays busy', async () => {
    let seed = 7
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
    const {arrivals, clock} = await simulate(range(300), () => Math.floor(random() * 800))
    expect(maxInAnyWindow(arrivals.map((arrival) => arrival.at), 1000)).toBeLessThanOrEqual(30)
    // Each second lets 30 go once the previous 30 are answered: 10 rounds of at most 1 s + 800 ms.
    expect(clock.now()).toBeLessThan(10 * 1800)
  })

  it('one private chat: bursts of 3, then about one a second', async () => {
    const {arrivals} = await simulate(range(10).map(() => 4242), () => 5)
    const times = arrivals.map((arrival) => arrival.at)
    expect(maxInAnyWindow(times, 3000)).toBe(3)
    expect(maxInAnyWindow(times, 1000)).toBeLessThanOrEqual(3)
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(9000)
  })

  it('one group: at most 20 a minute', async () => {
    const {arrivals} = await simulate(range(45).map(() => -100), () => 5, {perChatBurst: 1000})
    const times = arrivals.map((arrival) => arrival.at)
    expect(maxInAnyWindow(times, 60_000)).toBe(20)
    expect(times[20]! - times[0]!).toBeGreaterThanOrEqual(60_000)
  })

  it('a busy chat does not hold the others back', async () => {
    const {arrivals} = await simulate([1, 1, 1, 1, 2, 3], () => 0)
    const firstOf = (chatId: number) => arrivals.find((arrival) => arrival.chatId === chatId)!.at
    expect([firstOf(2), firstOf(3)]).toEqual([0, 0])
    expect(arrivals.filter((arrival) => arrival.chatId === 1).map((arrival) => arrival.at)).toEqual([0, 0, 0, 3002])
  })

  it('timeScale shortens every window and keeps the counts', async () => {
    const {arrivals} = await simulate(range(31), () => 0, {timeScale: 0.1})
    expect(arrivals.map((arrival) => arrival.at).at(-1)).toBe(102)
  })

  it('acquire() without done(): the slot counts as answered after unreportedSlotMs', async () => {
    const clock = new VirtualClock()
    const limiter = new TelegramRateLimiter({unreportedSlotMs: 500}, clock)
    const grantedAt = async (chatId: number) => {
      await limiter.acquire(chatId)
      return clock.now()
    }
    const granted = await clock.run(Promise.all(range(31).map(grantedAt)))
    expect(granted.slice(0, 30).every((time) => time === 0)).toBe(true)
    expect(granted[30]).toBe(1500)
  })
})

describe('limiterFor', () => {
  it('gives one limiter per client, so every door sending through it shares the limits', () => {
    const client = {}
    expect(limiterFor(client)).toBe(limiterFor(client))
    expect(limiterFor({})).not.toBe(limiterFor(client))
  })
})

describe('FASTPAY_TG_RATE_TIME_SCALE, the test suites\' knob for the limits', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.useRealTimers()
  })

  it('takes a factor in (0, 1] and ignores anything else: Telegram\'s time', () => {
    expect([limitsFromEnv({FASTPAY_TG_RATE_TIME_SCALE: '0.01'}), limitsFromEnv({FASTPAY_TG_RATE_TIME_SCALE: '1'}), limitsFromEnv({FASTPAY_TG_RATE_TIME_SCALE: '.5'})]).toEqual([{timeScale: 0.01}, {timeScale: 1}, {timeScale: 0.5}])
    for (const ignored of [undefined, '', '0', '2', '-0.5', '1e-3', 'fast', '0.5s', ' 0.5']) expect(limitsFromEnv({FASTPAY_TG_RATE_TIME_SCALE: ignored})).toEqual({})
  })

  it('scales the windows of the limiters limiterFor makes while it is set', async () => {
    vi.useFakeTimers()
    vi.stubEnv('FASTPAY_TG_RATE_TIME_SCALE', '0.001')
    const limiter = limiterFor({})
    for (let message = 0; message < 3; message++) (await limiter.acquire(42)).done()
    let fourthSent = false
    void limiter.acquire(42).then((slot) => {
      fourthSent = true
      slot.done()
    })
    await vi.advanceTimersByTimeAsync(1)
    expect(fourthSent).toBe(false)
    // Telegram's 3 s for three messages to one chat, at a thousandth: without the knob the fourth still waits here.
    await vi.advanceTimersByTimeAsync(9)
    expect(fourthSent).toBe(true)
  })
})

describe('WindowBudget', () => {
  it('counts a request from leaving until a window after its answer', () => {
    const budget = new WindowBudget(1, 1000)
    const use = {answeredAt: Infinity, assumeAnsweredBy: Infinity}
    budget.take(use)
    expect(budget.nextRoomAt(5000)).toBe(Infinity)
    use.answeredAt = 5000
    expect(budget.hasRoom(5999)).toBe(false)
    expect(budget.nextRoomAt(5999)).toBe(6000)
    expect(budget.hasRoom(6000)).toBe(true)
  })

  it('rejects a non-positive limit', () => {
    expect(() => new WindowBudget(0, 1000)).toThrow('limit must be a positive integer (got 0)')
  })
})
