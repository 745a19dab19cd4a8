import type {Update} from '@grammyjs/types'
import {afterAll, beforeEach, describe, expect, it, vi} from 'vitest'
import {type FakeBotApi, startFakeBotApi} from './server.js'

const TOKEN = '800000002:AAE-fake_server_test_token_0123456789'
const OTHER_TOKEN = '800000003:AAE-second_bot_token_for_the_fake_0000'
let api: FakeBotApi

beforeEach(async () => {
  api ??= await startFakeBotApi({
    bots: [
      {token: TOKEN, id: 800000002, username: 'fake_test_bot'},
      {token: OTHER_TOKEN, id: 800000003, username: 'other_bot'},
    ],
    chats: [
      {id: 10, type: 'private', first_name: 'Bo'},
      {id: -20, type: 'group', title: 'Team'},
      {id: -1003000, type: 'channel', title: 'News', username: 'news_channel'},
    ],
  })
  api.reset()
})
afterAll(() => api?.close())

async function post(method: string, params: Record<string, unknown> = {}, token = TOKEN) {
  const response = await fetch(`${api.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify(params),
  })
  return {status: response.status, type: response.headers.get('content-type'), body: await response.text()}
}

interface WireAnswer {
  ok: boolean
  // biome-ignore lint/suspicious/noExplicitAny: raw wire JSON whose shape is what these tests check, field by field
  result?: any
  description?: string
  error_code?: number
  parameters?: unknown
}

const json = async (method: string, params?: Record<string, unknown>, token?: string) =>
  JSON.parse((await post(method, params, token)).body) as WireAnswer

describe('wire format', () => {
  it('unknown token: 401 with Telegram’s exact body', async () => {
    const answer = await post('getMe', {}, '1:nope')
    expect(answer).toEqual({status: 401, type: 'application/json', body: '{"ok":false,"error_code":401,"description":"Unauthorized"}'})
  })

  it('unknown method: 404 Not Found; /file/bot… too', async () => {
    expect(await post('sendTelepathy')).toMatchObject({status: 404, body: '{"ok":false,"error_code":404,"description":"Not Found"}'})
    const file = await fetch(`${api.url}/file/bot${TOKEN}/documents/file_1.pdf`)
    expect([file.status, await file.text()]).toEqual([404, '{"ok":false,"error_code":404,"description":"Not Found"}'])
  })

  it('accepts GET with a query string and urlencoded bodies, and records them', async () => {
    const get = await fetch(`${api.url}/bot${TOKEN}/getChat?chat_id=-20`)
    expect(((await get.json()) as {result: unknown}).result).toMatchObject({id: -20, type: 'group', title: 'Team'})
    const form = await fetch(`${api.url}/bot${TOKEN}/sendMessage`, {method: 'POST', body: new URLSearchParams({chat_id: '10', text: 'hi'})})
    expect(((await form.json()) as {result: unknown}).result).toMatchObject({message_id: 1, chat: {id: 10}, text: 'hi'})
    expect(api.requests.map((request) => [request.httpMethod, request.encoding, request.params])).toEqual([
      ['GET', 'query', {chat_id: '-20'}],
      ['POST', 'urlencoded', {chat_id: '10', text: 'hi'}],
    ])
  })

  it('numbers messages per chat and resolves @username; channel posts carry sender_chat', async () => {
    api.addChat({id: -21, type: 'group', title: 'Fresh'})
    const ids = [
      (await json('sendMessage', {chat_id: -21, text: 'a'})).result.message_id,
      (await json('sendMessage', {chat_id: -21, text: 'b'})).result.message_id,
    ]
    expect(ids).toEqual([1, 2])
    const channel = await json('sendMessage', {chat_id: '@news_channel', text: 'c'})
    expect(channel.result).toMatchObject({chat: {id: -1003000, type: 'channel'}, sender_chat: {id: -1003000}})
    expect(channel.result.from).toBeUndefined()
    expect(api.messages(-21).map((message) => message.text)).toEqual(['a', 'b'])
  })
})

describe('validation like Telegram', () => {
  it('chat not found, for getChat and sendMessage', async () => {
    expect(await json('getChat', {chat_id: 999})).toEqual({ok: false, error_code: 400, description: 'Bad Request: chat not found'})
    expect(await json('sendMessage', {chat_id: '@nobody', text: 'x'})).toEqual({ok: false, error_code: 400, description: 'Bad Request: chat not found'})
  })

  it('text of 4096 characters passes, 4097 is too long; tags do not count', async () => {
    expect((await json('sendMessage', {chat_id: 10, text: 'x'.repeat(4096)})).ok).toBe(true)
    expect(await json('sendMessage', {chat_id: 10, text: 'x'.repeat(4097)})).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: message is too long',
    })
    const html = `<b>${'x'.repeat(4096)}</b>`
    expect((await json('sendMessage', {chat_id: 10, text: html, parse_mode: 'HTML'})).result.text).toHaveLength(4096)
  })

  it('empty text, long caption, bad HTML', async () => {
    expect((await json('sendMessage', {chat_id: 10, text: ''})).description).toBe('Bad Request: message text is empty')
    expect((await json('sendDocument', {chat_id: 10, document: 'BQAfake', caption: 'c'.repeat(1025)})).description).toBe(
      'Bad Request: message caption is too long',
    )
    expect(await json('sendMessage', {chat_id: 10, text: '<b>open', parse_mode: 'HTML'})).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    })
    expect((await json('sendMessage', {chat_id: 10, text: '1 < 2', parse_mode: 'HTML'})).description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    )
    expect((await json('sendPhoto', {chat_id: 10})).description).toBe('Bad Request: there is no photo in the request')
  })

  it('MarkdownV2: length counted after parsing, bad syntax refused as Telegram does', async () => {
    // 6,007 characters sent, 4,005 seen: Telegram counts the second.
    const escaped = `*bold* ${'a\\.'.repeat(2000)}`
    const sent = await json('sendMessage', {chat_id: 10, text: escaped, parse_mode: 'MarkdownV2'})
    expect(sent.result.text).toBe(`bold ${'a.'.repeat(2000)}`)
    expect((await json('sendMessage', {chat_id: 10, text: `*${'x'.repeat(4097)}*`, parse_mode: 'MarkdownV2'})).description).toBe(
      'Bad Request: message is too long',
    )
    expect((await json('sendMessage', {chat_id: 10, text: 'v1.2', parse_mode: 'MarkdownV2'})).description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    )
    expect((await json('sendMessage', {chat_id: 10, text: '*open', parse_mode: 'markdownv2'})).description).toBe(
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
    )
    expect((await json('sendDocument', {chat_id: 10, document: 'BQAfake', caption: '_x', parse_mode: 'MarkdownV2'})).description).toBe(
      "Bad Request: can't parse entities: Can't find end of Italic entity at byte offset 0",
    )
  })

  it('an uploaded file of zero bytes is refused', async () => {
    const form = new FormData()
    form.set('chat_id', '10')
    form.set('document', new Blob([]), 'empty.log')
    const response = await fetch(`${api.url}/bot${TOKEN}/sendDocument`, {method: 'POST', body: form})
    expect(await response.json()).toEqual({ok: false, error_code: 400, description: 'Bad Request: file must be non-empty'})
  })

  it('an uploaded photo over 10 MB is refused (a document of that size is taken)', async () => {
    const upload = async (method: string, field: string, size: number) => {
      const form = new FormData()
      form.set('chat_id', '10')
      form.set(field, new Blob([new Uint8Array(size)]), 'shot.jpg')
      return (await (await fetch(`${api.url}/bot${TOKEN}/${method}`, {method: 'POST', body: form})).json()) as {ok: boolean}
    }
    expect(await upload('sendPhoto', 'photo', 10_000_001)).toEqual({ok: false, error_code: 400, description: 'Bad Request: PHOTO_SAVE_FILE_INVALID'})
    expect((await upload('sendPhoto', 'photo', 10_000_000)).ok).toBe(true)
    expect((await upload('sendDocument', 'document', 12_000_000)).ok).toBe(true)
  })

  it('editMessageText: edits, refuses an identical edit and an unknown message', async () => {
    const sent = await json('sendMessage', {chat_id: 10, text: 'v1'})
    const id = sent.result.message_id
    expect((await json('editMessageText', {chat_id: 10, message_id: id, text: 'v2'})).result).toMatchObject({message_id: id, text: 'v2'})
    expect((await json('editMessageText', {chat_id: 10, message_id: id, text: 'v2'})).description).toMatch(
      /^Bad Request: message is not modified: specified new message content and reply markup are exactly the same/,
    )
    expect((await json('editMessageText', {chat_id: 10, message_id: 9999, text: 'x'})).description).toBe(
      'Bad Request: message to edit not found',
    )
    // Another bot's message.
    expect((await json('editMessageText', {chat_id: 10, message_id: id, text: 'v3'}, OTHER_TOKEN)).description).toBe("Bad Request: message can't be edited")
  })

  it('a migrated group answers with migrate_to_chat_id, and the supergroup exists', async () => {
    api.addChat({id: -30, type: 'group', title: 'Grows'})
    api.migrateChat(-30, -1000030)
    expect(await json('sendMessage', {chat_id: -30, text: 'x'})).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: {migrate_to_chat_id: -1000030},
    })
    expect((await json('getChat', {chat_id: -1000030})).result).toMatchObject({type: 'supergroup', title: 'Grows'})
  })
})

describe('updates and webhooks', () => {
  const message = (text: string) => ({
    message: {message_id: 1, date: 0, chat: {id: 10, type: 'private' as const, first_name: 'Bo'}, from: {id: 10, is_bot: false, first_name: 'Bo'}, text},
  })

  it('getUpdates honours offset (positive and negative) and limit', async () => {
    for (const text of ['a', 'b', 'c', 'd']) api.pushUpdate(message(text))
    const texts = (updates: Update[]) => updates.map((update) => update.message?.text)
    expect(texts((await json('getUpdates', {limit: 2})).result)).toEqual(['a', 'b'])
    const all = (await json('getUpdates')).result
    expect(all.map((update: Update) => update.update_id)).toEqual([1, 2, 3, 4])
    expect(texts((await json('getUpdates', {offset: 3})).result)).toEqual(['c', 'd'])
    expect(texts((await json('getUpdates', {offset: -1})).result)).toEqual(['d'])
    expect((await json('getWebhookInfo')).result.pending_update_count).toBe(1)
  })

  it('queues are per bot', async () => {
    api.pushUpdate(message('for other'), OTHER_TOKEN)
    expect((await json('getUpdates')).result).toEqual([])
    expect((await json('getUpdates', {}, OTHER_TOKEN)).result).toHaveLength(1)
  })

  it('a long poll is woken by pushUpdate, and a second poll terminates the first with 409', async () => {
    // Each step waits until the server holds the poll (it registers it as it records the request): no fixed pause.
    const polls = (count: number) => vi.waitFor(() => expect(api.requests).toHaveLength(count), {timeout: 20_000, interval: 10})
    const first = json('getUpdates', {timeout: 30})
    await polls(1)
    const second = json('getUpdates', {timeout: 30})
    await polls(2)
    api.pushUpdate(message('wake'))
    expect(await first).toEqual({
      ok: false,
      error_code: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    })
    expect((await second).result.map((update: Update) => update.message?.text)).toEqual(['wake'])
  })

  it('setWebhook: validates, reports, blocks getUpdates; deleteWebhook undoes it', async () => {
    expect((await json('setWebhook', {url: 'http://insecure.example.com/hook'})).description).toBe(
      'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
    )
    expect((await json('setWebhook', {url: 'https://example.com:9999/hook'})).description).toBe(
      'Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443',
    )
    const set = await json('setWebhook', {url: 'https://example.com/hook', secret_token: 's3cret', allowed_updates: ['message'], max_connections: 10})
    expect(set).toEqual({ok: true, result: true, description: 'Webhook was set'})
    api.setWebhookError('Wrong response from the webhook: 502 Bad Gateway')
    const info = (await json('getWebhookInfo')).result
    expect(info).toMatchObject({
      url: 'https://example.com/hook',
      has_custom_certificate: false,
      pending_update_count: 0,
      max_connections: 10,
      allowed_updates: ['message'],
      last_error_message: 'Wrong response from the webhook: 502 Bad Gateway',
    })
    expect(typeof info.last_error_date).toBe('number')
    expect((await json('getUpdates')).error_code).toBe(409)
    expect(await json('deleteWebhook')).toEqual({ok: true, result: true, description: 'Webhook was deleted'})
    expect((await json('getWebhookInfo')).result).toEqual({url: '', has_custom_certificate: false, pending_update_count: 0})
  })
})

describe('fault injection', () => {
  it('consumes faults in order, per method, and records them', async () => {
    api.failNext({method: 'sendMessage', kind: {status: 403}})
    api.failNext({times: 2, kind: {status: 500}})
    expect((await post('getMe')).status).toBe(500)
    expect(await json('sendMessage', {chat_id: 10, text: 'x'})).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    })
    expect(await json('sendMessage', {chat_id: 10, text: 'x'})).toEqual({ok: false, error_code: 500, description: 'Internal Server Error'})
    expect((await post('getMe')).status).toBe(200)
    expect(api.requests.map((request) => [request.method, request.status, request.fault])).toEqual([
      ['getMe', 500, {status: 500}],
      ['sendMessage', 403, {status: 403}],
      ['sendMessage', 500, {status: 500}],
      ['getMe', 200, undefined],
    ])
  })

  it('429 carries retry_after; 502 is an HTML page', async () => {
    api.failNext({kind: {status: 429, retryAfter: 7}})
    api.failNext({kind: {status: 502}})
    expect(await json('getMe')).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: {retry_after: 7},
    })
    const gateway = await post('getMe')
    expect([gateway.status, gateway.type]).toEqual([502, 'text/html'])
    expect(gateway.body).toContain('<head><title>502 Bad Gateway</title></head>')
  })

  it('delayMs answers normally, later', async () => {
    api.failNext({method: 'getMe', kind: {delayMs: 30}})
    expect((await json('getMe')).result).toMatchObject({username: 'fake_test_bot'})
    expect(api.requests.map((request) => [request.status, request.fault])).toEqual([[200, {delayMs: 30}]])
  })

  it('destroy resets the connection; close() ends a hanging request', async () => {
    api.failNext({kind: {destroy: true}})
    const reset = await fetch(`${api.url}/bot${TOKEN}/getMe`).catch((error: Error) => error)
    expect(reset).toBeInstanceOf(TypeError)
    const own = await startFakeBotApi({bots: [{token: TOKEN, id: 1, username: 'b'}]})
    own.failNext({kind: {hang: true}})
    const hanging = fetch(`${own.url}/bot${TOKEN}/getMe`).catch((error: Error) => error)
    // Closed once the server holds the request (a fixed pause lost that race under load).
    await vi.waitFor(() => expect(own.requests).toHaveLength(1), {timeout: 20_000, interval: 10})
    await own.close()
    expect(await hanging).toBeInstanceOf(TypeError)
    expect(own.requests.map((request) => [request.method, request.status])).toEqual([['getMe', undefined]])
  })
})
