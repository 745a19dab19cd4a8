// `webhook serve` replies go through the bot's rate limiter: 100 chats sending /help at once get 100 replies, and the
// fake Bot API never sees more than 30 of one bot's messages arrive in any one second (Telegram's limit), over cold
// connections. Counted by arrival at the server, not by the limiter's own bookkeeping.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {type FakeBotApi, type FakeChat, startFakeBotApi} from '../fake-bot-api/server.js'
import {type CliSandbox, createCliSandbox} from '../helpers/run-cli.js'
import {maxInAnyWindow} from '../rate-limit/windows.js'
import {ALERTS_BOT, callsOf, messageUpdate, SECRET} from './fixture.js'
import {useServeProcesses} from './serve-process.js'

const CHATS: FakeChat[] = Array.from({length: 100}, (_, index) => ({id: 7000 + index, type: 'private', first_name: `User ${index}`}))
const HEADER = {'X-Telegram-Bot-Api-Secret-Token': SECRET}

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
const startServe = useServeProcesses()

describe('webhook serve replies within Telegram limits', () => {
  it('100 chats at once: every chat answered once, never more than 30 arrivals in a second', async () => {
    const server = await startServe(cli, ['--token', ALERTS_BOT.token], {TELEGRAM_WEBHOOK_SECRET: SECRET})
    const posted = await Promise.all(CHATS.map((chat, index) =>
      server.post(ALERTS_BOT.id, messageUpdate(index + 1, chat, {id: chat.id, is_bot: false, first_name: chat.first_name!}, '/help'), HEADER)))
    expect(posted.every((result) => result.status === 200)).toBe(true)
    await server.waitForLine(/\/help in chat \d+: replied$/, 'stdout', CHATS.length)
    const replies = callsOf(api, 'sendMessage').filter((request) => request.status === 200)
    expect(replies.map((request) => Number(request.params.chat_id)).sort()).toEqual(CHATS.map((chat) => chat.id).sort())
    expect(maxInAnyWindow(replies.map((request) => request.time), 1000)).toBeLessThanOrEqual(30)
  })
})
