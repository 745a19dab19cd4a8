import {afterEach, describe, expect, it} from 'vitest'
import {type FakeBotApi, type RateLimits, startFakeBotApi} from './server.js'

const TOKEN = '800000004:AAE-rate_limit_test_token_000000000000'
let api: FakeBotApi | undefined
let clock = 1_700_000_000_000

afterEach(() => api?.close())

async function start(limits: RateLimits) {
  clock = 1_700_000_000_000
  api = await startFakeBotApi({
    bots: [{token: TOKEN, id: 800000004, username: 'limited_bot'}],
    chats: [
      {id: 1, type: 'private', first_name: 'A'},
      {id: 2, type: 'private', first_name: 'B'},
      {id: -3, type: 'group', title: 'G'},
    ],
    limits,
    now: () => clock,
  })
  return api
}

async function send(chatId: number) {
  const response = await fetch(`${api?.url}/bot${TOKEN}/sendMessage`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({chat_id: chatId, text: 'x'}),
  })
  const body = (await response.json()) as {ok: boolean; parameters?: {retry_after: number}; description?: string}
  return body.ok ? 'ok' : `${response.status} ${body.description} (${body.parameters?.retry_after})`
}

describe('rate limits', () => {
  it('perChatPerSecond: the next message to that chat waits, other chats do not', async () => {
    await start({perChatPerSecond: 1})
    expect(await send(1)).toBe('ok')
    expect(await send(1)).toBe('429 Too Many Requests: retry after 1 (1)')
    expect(await send(2)).toBe('ok')
    clock += 999
    expect(await send(1)).toBe('429 Too Many Requests: retry after 1 (1)')
    clock += 1
    expect(await send(1)).toBe('ok')
  })

  it('perGroupPerMinute: retry_after counts down to when the oldest message leaves the minute', async () => {
    await start({perGroupPerMinute: 3})
    for (let i = 0; i < 3; i++) {
      expect(await send(-3)).toBe('ok')
      clock += 10_000
    }
    expect(await send(-3)).toBe('429 Too Many Requests: retry after 30 (30)')
    expect(await send(1)).toBe('ok')
    clock += 30_000
    expect(await send(-3)).toBe('ok')
  })

  it('perBotPerSecond counts all chats together; refused messages do not count', async () => {
    await start({perBotPerSecond: 2})
    expect([await send(1), await send(2), await send(-3)]).toEqual(['ok', 'ok', '429 Too Many Requests: retry after 1 (1)'])
    clock += 1000
    expect(await send(-3)).toBe('ok')
    expect(api?.messages(-3)).toHaveLength(1)
  })
})
