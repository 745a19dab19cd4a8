import {describe, expect, it} from 'vitest'

import {TelegramRateLimiter} from '../../src/rate-limit/telegram-limiter.js'
import {WindowBudget} from '../../src/rate-limit/window-budget.js'

describe('WindowBudget', () => {
  it('allows `limit` events per window, then the first slot after the oldest leaves', () => {
    const budget = new WindowBudget(3, 1000)
    for (const time of [0, 0, 0]) budget.reserve(budget.earliestSlot(time))
    expect(budget.earliestSlot(0)).toBe(1000)
    budget.reserve(1000)
    expect(budget.earliestSlot(0)).toBe(1000)
    budget.reserve(1000)
    budget.reserve(1000)
    expect(budget.earliestSlot(0)).toBe(2000)
  })

  it('fills a gap before a future reservation when the window allows it', () => {
    const budget = new WindowBudget(1, 1000)
    budget.reserve(5000)
    expect(budget.earliestSlot(0)).toBe(0)
    expect(budget.earliestSlot(4500)).toBe(6000)
  })

  it('rejects a non-positive limit', () => {
    expect(() => new WindowBudget(0, 1000)).toThrow('limit must be a positive integer (got 0)')
  })
})

describe('TelegramRateLimiter', () => {
  function grantedSlots(chatIds: Array<number | string>, limits = {}) {
    const slots: number[] = []
    let now = 0
    const limiter = new TelegramRateLimiter(limits, {
      now: () => now,
      sleep: async (ms) => {
        now += ms
      },
    })
    return (async () => {
      for (const chatId of chatIds) {
        // Every caller asks at time 0, as concurrent senders would; the limiter hands out the slots.
        now = 0
        const acquired = limiter.acquire(chatId)
        await acquired
        slots.push(now)
      }
      return slots
    })()
  }

  it('keeps one private chat at 3 messages per 3 s', async () => {
    expect(await grantedSlots([1, 1, 1, 1, 1, 1, 1])).toEqual([0, 0, 0, 3000, 3000, 3000, 6000])
  })

  it('does not hold other chats back behind a busy one', async () => {
    expect(await grantedSlots([1, 1, 1, 1, 2, 3])).toEqual([0, 0, 0, 3000, 0, 0])
  })

  it('caps the bot at 30 messages per second across chats', async () => {
    const chats = Array.from({length: 31}, (_, index) => index + 1)
    const slots = await grantedSlots(chats)
    expect(slots.slice(0, 30).every((slot) => slot === 0)).toBe(true)
    expect(slots[30]).toBe(1000)
  })

  it('caps a group at 20 messages per minute', async () => {
    const slots = await grantedSlots(Array.from({length: 21}, () => -100), {perChatBurst: 100})
    expect(slots.slice(0, 20).every((slot) => slot === 0)).toBe(true)
    expect(slots[20]).toBe(60_000)
  })
})
