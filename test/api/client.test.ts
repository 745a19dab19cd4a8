import {afterAll, beforeEach, describe, expect, it, vi} from 'vitest'
import {BotApiClient, isTelegramApiError, TelegramApiError} from '../../src/api/index.js'
import {UserError} from '../../src/user-error.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {FORUM_CHAT, PRIVATE_CHAT, rejectionOf, startApi, testClient, TOKEN} from './fixture.js'

let api: FakeBotApi
beforeEach(async () => {
  api ??= await startApi()
  api.reset()
})
afterAll(() => api?.close())

describe('BotApiClient calls', () => {
  it('getMe returns the bot and sends one JSON POST to /bot<token>/getMe', async () => {
    const {client} = testClient(api)
    const me = await client.getMe()
    expect(me).toMatchObject({id: 700000001, is_bot: true, username: 'fastpay_test_bot', first_name: 'Fastpay Test'})
    expect(api.requests).toHaveLength(1)
    expect(api.requests[0]).toMatchObject({method: 'getMe', token: TOKEN, httpMethod: 'POST', encoding: 'json'})
  })

  it('sendMessage leaves out undefined parameters and echoes markup and thread', async () => {
    const {client} = testClient(api)
    const markup = {inline_keyboard: [[{text: 'Open', url: 'https://example.com/run/1'}]]}
    const message = await client.sendMessage({
      chat_id: FORUM_CHAT,
      text: '<b>Deploy</b> done &amp; green',
      parse_mode: 'HTML',
      message_thread_id: 7,
      reply_markup: markup,
      link_preview_options: undefined,
      disable_notification: undefined,
    })
    expect(message).toMatchObject({
      message_id: 1,
      text: 'Deploy done & green',
      message_thread_id: 7,
      is_topic_message: true,
      reply_markup: markup,
      chat: {id: FORUM_CHAT, type: 'supergroup', title: 'Ops forum'},
    })
    expect(api.requests[0]?.params).toEqual({
      chat_id: FORUM_CHAT,
      text: '<b>Deploy</b> done &amp; green',
      parse_mode: 'HTML',
      message_thread_id: 7,
      reply_markup: markup,
    })
  })

  it('getChat resolves @username', async () => {
    const {client} = testClient(api)
    const chat = await client.getChat({chat_id: '@ops_forum'})
    expect(chat).toMatchObject({id: FORUM_CHAT, type: 'supergroup', is_forum: true, username: 'ops_forum'})
  })

  it('editMessageText returns the edited message', async () => {
    const {client} = testClient(api)
    const sent = await client.sendMessage({chat_id: PRIVATE_CHAT, text: 'building'})
    const edited = await client.editMessageText({chat_id: PRIVATE_CHAT, message_id: sent.message_id, text: 'built'})
    expect(edited).toMatchObject({message_id: sent.message_id, text: 'built'})
    expect(api.messages(PRIVATE_CHAT).at(-1)?.text).toBe('built')
  })

  it('webhook methods round-trip and answerCallbackQuery answers true', async () => {
    const {client} = testClient(api)
    await expect(client.setWebhook({url: 'https://hooks.example.com/tg', max_connections: 5})).resolves.toBe(true)
    const info = await client.getWebhookInfo()
    expect(info).toMatchObject({url: 'https://hooks.example.com/tg', max_connections: 5, pending_update_count: 0})
    await expect(client.deleteWebhook({drop_pending_updates: true})).resolves.toBe(true)
    expect((await client.getWebhookInfo()).url).toBe('')
    await expect(client.answerCallbackQuery({callback_query_id: '99', text: 'ok'})).resolves.toBe(true)
  })

  it('getUpdates waits its long-poll timeout on top of timeoutMs instead of timing out', async () => {
    // The deadline asked for is read, and none passes: how slow the machine is decides nothing here.
    const deadlines: number[] = []
    const timeoutSignal = (timeoutMs: number) => {
      deadlines.push(timeoutMs)
      return new AbortController().signal
    }
    const {client} = testClient(api, {timeoutMs: 300, retry: {maxRetries: 0}, timeoutSignal})
    const updates = client.getUpdates({timeout: 30})
    await vi.waitFor(() => expect(api.requests).toHaveLength(1), {timeout: 20_000, interval: 10})
    expect(deadlines).toEqual([30_300])
    api.pushUpdate({message: {message_id: 1, date: 0, chat: {id: 42, type: 'private', first_name: 'Ann'}, from: {id: 42, is_bot: false, first_name: 'Ann'}, text: 'hi'}})
    const [update] = await updates
    expect(update).toMatchObject({update_id: 1, message: {text: 'hi'}})
  })

  it('uses TELEGRAM_API_BASE_URL when no apiRoot is given, trimmed', async () => {
    process.env.TELEGRAM_API_BASE_URL = ` ${api.url}/ \n`
    try {
      const me = await new BotApiClient({token: TOKEN}).getMe()
      expect(me.username).toBe('fastpay_test_bot')
    } finally {
      delete process.env.TELEGRAM_API_BASE_URL
    }
  })
})

describe('configuration mistakes', () => {
  it('an API root that is not an http(s) URL is a user error, before any request', () => {
    expect(() => new BotApiClient({token: TOKEN, apiRoot: 'api.telegram.org'})).toThrow(
      new UserError('apiRoot: expected an http(s) URL, got "api.telegram.org"'),
    )
  })
})

describe('refusals are thrown without retry, with hints', () => {
  it('403 blocked: exact message and hint, one request', async () => {
    const {client, sleeps} = testClient(api)
    api.failNext({method: 'sendMessage', kind: {status: 403}})
    const error = await rejectionOf(client.sendMessage({chat_id: PRIVATE_CHAT, text: 'hi'}))
    expect(error).toBeInstanceOf(TelegramApiError)
    expect(error.message).toBe("Call to 'sendMessage' failed (403: Forbidden: bot was blocked by the user)")
    expect(error).toMatchObject({method: 'sendMessage', errorCode: 403, hint: 'the bot was removed from the chat or blocked'})
    expect(api.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('400 chat not found', async () => {
    const {client, sleeps} = testClient(api)
    const error = await rejectionOf(client.sendMessage({chat_id: 12345, text: 'hi'}))
    expect(error.message).toBe("Call to 'sendMessage' failed (400: Bad Request: chat not found)")
    expect(error).toMatchObject({
      errorCode: 400,
      description: 'Bad Request: chat not found',
      hint: 'check the chat id, and that the bot was added to the chat',
    })
    expect(api.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('401 wrong token', async () => {
    const {client} = testClient(api, {token: '700000001:AAE-not_the_right_token_0000000000xy'})
    const error = await rejectionOf(client.getMe())
    expect(error.message).toBe("Call to 'getMe' failed (401: Unauthorized)")
    expect(isTelegramApiError(error) && error.hint).toBe('the bot token is wrong (ask @BotFather)')
    expect(api.requests).toHaveLength(1)
  })

  it('409 while a webhook is set', async () => {
    const {client} = testClient(api)
    await client.setWebhook({url: 'https://hooks.example.com/tg'})
    const error = await rejectionOf(client.getUpdates({timeout: 0}))
    expect(error.message).toBe(
      "Call to 'getUpdates' failed (409: Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first)",
    )
    expect(error).toMatchObject({hint: 'a webhook is set: run `fastpay-tg webhook delete` or use the webhook'})
    expect(api.requests.map((request) => request.method)).toEqual(['setWebhook', 'getUpdates'])
  })
})

describe('group upgraded to a supergroup', () => {
  it('re-sends once to the new chat and reports both ids', async () => {
    api.addChat({id: -4100, type: 'group', title: 'Legacy'})
    api.migrateChat(-4100, -1004100)
    const migrations: unknown[][] = []
    const {client} = testClient(api, {onMigrate: (from, to, method) => void migrations.push([from, to, method])})
    const message = await client.sendMessage({chat_id: -4100, text: 'still here'})
    expect(message.chat).toEqual({id: -1004100, type: 'supergroup', title: 'Legacy'})
    expect(migrations).toEqual([[-4100, -1004100, 'sendMessage']])
    expect(api.requests.map((request) => request.params.chat_id)).toEqual([-4100, -1004100])
    expect(api.messages(-1004100).map((sent) => sent.text)).toEqual(['still here'])
  })

  it('does not re-send a call that names no chat', async () => {
    api.failNext({kind: {status: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: {migrate_to_chat_id: -100999}}})
    const migrations: unknown[] = []
    const {client} = testClient(api, {onMigrate: (...args) => void migrations.push(args)})
    const error = await rejectionOf(client.getMe())
    expect(error).toMatchObject({errorCode: 400, parameters: {migrate_to_chat_id: -100999}})
    expect(migrations).toEqual([])
    expect(api.requests).toHaveLength(1)
  })

  it('applies to any call naming the chat, such as getChat', async () => {
    const {client} = testClient(api)
    api.addChat({id: -4200, type: 'group', title: 'Old'})
    api.migrateChat(-4200, -1004200)
    const chat = await client.getChat({chat_id: -4200})
    expect(chat).toMatchObject({id: -1004200, type: 'supergroup', title: 'Old'})
    expect(api.requests.map((request) => [request.method, request.status])).toEqual([
      ['getChat', 400],
      ['getChat', 200],
    ])
  })
})
