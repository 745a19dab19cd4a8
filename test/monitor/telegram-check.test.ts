import {describe, expect, it} from 'vitest'

import {runCheck} from '../../src/monitor/checks/run-check.js'
import {telegramProbe} from '../../src/monitor/checks/telegram-check.js'
import {PRIVATE_CHAT, TOKEN} from '../api/fixture.js'
import {tempDir} from '../throttle/helpers.js'
import {monitorsFrom, useMonitorWorld} from './helpers.js'

const world = useMonitorWorld()

function envWith(chats: string) {
  const home = tempDir('fastpay-tg-home-')
  return {HOME: home, XDG_CONFIG_HOME: `${home}/config`, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_IDS: chats, TELEGRAM_API_BASE_URL: world.api.url}
}

describe('telegram check', () => {
  it("runs health's Telegram checks: passes when the token and chats answer, fails naming what does not", async () => {
    const {config} = await monitorsFrom('checks:\n  - {name: telegram, type: telegram}\n')
    const [check] = config.checks
    const ok = await runCheck(check!, {telegram: telegramProbe({env: envWith(String(PRIVATE_CHAT))})})
    expect([ok.ok, ok.message]).toEqual([true, '1 bot and 1 chat reachable'])
    const bad = await runCheck(check!, {telegram: telegramProbe({env: envWith(`${PRIVATE_CHAT},999`)})})
    expect([bad.ok, bad.message]).toEqual([
      false,
      "chat env TELEGRAM_BOT_TOKEN 999: Call to 'getChat' failed (400: Bad Request: chat not found): check the chat id, and that the bot was added to the chat",
    ])
    expect(world.api.requests.map((request) => request.method).sort()).toEqual(['getChat', 'getChat', 'getChat', 'getMe', 'getMe', 'getWebhookInfo', 'getWebhookInfo'])
  })
})
