// Telegram's limits as the server sees them: arrival times at the fake Bot API, over new (cold) connections that
// hold each connection's first request back as a TLS handshake would. Real clock; the windows are scaled down where
// Telegram's own would make the test slow (the counts stay Telegram's).
import {afterEach, describe, expect, it} from 'vitest'

import {BotApiClient} from '../../src/api/index.js'
import {TelegramRateLimiter} from '../../src/rate-limit/telegram-limiter.js'
import {deliverToChats} from '../../src/send/deliver.js'
import {type FakeBotApi, type FakeChat, startFakeBotApi} from '../fake-bot-api/server.js'
import {maxInAnyWindow} from './windows.js'

const BOT = {token: '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U', id: 7012345678, username: 'fastpay_alerts_bot'}
const GROUP: FakeChat = {id: -4001, type: 'group', title: 'Ops'}
const privateChats = (count: number): FakeChat[] => Array.from({length: count}, (_, index) => ({id: 1000 + index, type: 'private', first_name: `User ${index}`}))

let api: FakeBotApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function broadcast(chats: FakeChat[], text: string, limits: ConstructorParameters<typeof TelegramRateLimiter>[0], coldConnectionDelayMs: number) {
  api = await startFakeBotApi({bots: [BOT], chats, coldConnectionDelayMs})
  const client = new BotApiClient({token: BOT.token, apiRoot: api.url})
  const deliveries = await deliverToChats(client, chats.map((chat) => chat.id), {text}, {limiter: new TelegramRateLimiter(limits)})
  expect(deliveries.filter((delivery) => !delivery.ok)).toEqual([])
  return api.requests.filter((request) => request.method === 'sendMessage' && request.status === 200).map((request) => request.time)
}

describe('arrivals at the server', () => {
  it('100 chats on cold connections, Telegram time: at most 30 in any second', async () => {
    const times = await broadcast(privateChats(100), 'settlement delayed', {}, 250)
    expect(times).toHaveLength(100)
    expect(maxInAnyWindow(times, 1000)).toBeLessThanOrEqual(30)
  })

  it('300 chats on cold connections, windows at 1/4: at most 30 in any 250 ms', async () => {
    const times = await broadcast(privateChats(300), 'settlement delayed', {timeScale: 0.25}, 60)
    expect(times).toHaveLength(300)
    expect(maxInAnyWindow(times, 250)).toBeLessThanOrEqual(30)
  })

  it('one group, a text of 25 parts, windows at 1/100: at most 20 per (scaled) minute, 3 per (scaled) 3 s', async () => {
    const text = Array.from({length: 25}, (_, index) => `part ${index} `.padEnd(4000, '.')).join('\n')
    const times = await broadcast([GROUP], text, {timeScale: 0.01}, 30)
    expect(times).toHaveLength(25)
    expect(maxInAnyWindow(times, 600)).toBeLessThanOrEqual(20)
    expect(maxInAnyWindow(times, 30)).toBeLessThanOrEqual(3)
  })

  it('one private chat, 8 parts, windows at 1/10: bursts of at most 3 per (scaled) 3 s', async () => {
    const text = Array.from({length: 8}, (_, index) => `part ${index} `.padEnd(4000, '.')).join('\n')
    const times = await broadcast(privateChats(1), text, {timeScale: 0.1}, 30)
    expect(times).toHaveLength(8)
    expect(maxInAnyWindow(times, 300)).toBeLessThanOrEqual(3)
  })
})
