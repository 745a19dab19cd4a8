// The built CLI broadcasting to 100 chats over cold connections: arrival times at the fake Bot API stay within
// Telegram's 30 messages a second per bot, for `send` and for `alert` (every door goes through the same limiter).
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type FakeBotApi, type FakeChat, startFakeBotApi} from '../fake-bot-api/server.js'
import {type CliSandbox, createCliSandbox} from '../helpers/run-cli.js'
import {maxInAnyWindow} from '../rate-limit/windows.js'
import {ALERTS_BOT, callsOf, envConfigs} from './fixture.js'

const CHATS: FakeChat[] = Array.from({length: 100}, (_, index) => ({id: 5000 + index, type: 'private', first_name: `User ${index}`}))
const chatList = CHATS.map((chat) => chat.id).join(',')
let api: FakeBotApi
let cli: CliSandbox

beforeEach(async () => {
  // Each new connection's first request is held 250 ms, as a TLS handshake to Telegram would.
  api = await startFakeBotApi({bots: [ALERTS_BOT], chats: CHATS, coldConnectionDelayMs: 250})
  cli = createCliSandbox(api.url)
  // The test of the limit itself: Telegram's own seconds, not the suite's scaled ones (see limitsFromEnv).
  delete cli.env.FASTPAY_TG_RATE_TIME_SCALE
})

afterEach(async () => {
  await api.close()
  cli.cleanup()
})

function expectEveryChatOnceWithinLimits(): void {
  const accepted = callsOf(api, 'sendMessage').filter((request) => request.status === 200)
  expect(accepted.map((request) => Number(request.params.chat_id)).sort()).toEqual(CHATS.map((chat) => chat.id).sort())
  expect(maxInAnyWindow(accepted.map((request) => request.time), 1000)).toBeLessThanOrEqual(30)
}

describe('one message to 100 chats', () => {
  it('send: every chat once, never more than 30 arrivals in a second', async () => {
    const result = await cli.run(['send', '--token', ALERTS_BOT.token, '--chat', chatList, 'settlement delayed'])
    expect(result.exitCode).toBe(0)
    expectEveryChatOnceWithinLimits()
  })

  it('alert: the same', async () => {
    const result = await cli.run(['alert', 'Payments failing', '--no-host'], {env: {TELEGRAM_BOT_CONFIGS: envConfigs({name: 'alerts', token: ALERTS_BOT.token, chat_ids: CHATS.map((chat) => chat.id)})}})
    expect(result.exitCode).toBe(0)
    expectEveryChatOnceWithinLimits()
  })
})
