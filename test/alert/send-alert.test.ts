import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {AlertTarget} from '../../src/alert/alert-target.js'
import {dryRunAlert} from '../../src/alert/dry-run.js'
import {sendAlert, type SendAlertOptions} from '../../src/alert/send-alert.js'
import {parseTemplate} from '../../src/alert/template.js'
import {BotApiClient} from '../../src/api/index.js'
import {FileOutbox, type OutboxEntry} from '../../src/store/index.js'
import {deliverToChats} from '../../src/send/deliver.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {closedPort, FORUM_CHAT, GROUP_CHAT, PRIVATE_CHAT, startApi, testClient, TOKEN} from '../api/fixture.js'
import {tempDir} from '../throttle/helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const CHATS = [PRIVATE_CHAT, GROUP_CHAT]

// A fresh server per test: messages outlive reset(), and tests count them per chat.
let api: FakeBotApi
beforeEach(async () => {
  api = await startApi()
})
afterEach(() => api.close())

function setup(client = testClient(api).client) {
  const stateDir = tempDir('fastpay-tg-alert-')
  const throttle = new FileThrottle({dir: join(stateDir, 'throttle')})
  const outbox = new FileOutbox({dir: join(stateDir, 'outbox')})
  const target: AlertTarget = {client, botLabel: 'alerts', chatIds: CHATS}
  const alert = (title: string, now: number, overrides: Partial<SendAlertOptions> = {}) =>
    sendAlert({
      target,
      content: {title, severity: 'error', fields: [['disk', '/var']], channel: 'alerts', host: 'web-1'},
      throttle: {store: throttle, key: `alerts:${title}`, windowSeconds: 60},
      outbox,
      now,
      ...overrides,
    })
  return {stateDir, throttle, outbox, target, alert}
}

async function downClient() {
  return new BotApiClient({token: TOKEN, apiRoot: `http://127.0.0.1:${await closedPort()}`, retry: {sleep: async () => {}}})
}

const sentTexts = (chatId: number) => api.messages(chatId).map((message) => message.text)

describe('sendAlert', () => {
  it('renders the alert and sends it as HTML to every chat', async () => {
    const {alert} = setup()
    const result = await alert('Disk <full>', T0)
    const text = '❌ <b>Disk &lt;full&gt;</b>\n<b>disk</b>: /var\n\n<i>web-1 · 2025-06-01T14:02:11Z</i>'
    expect(result).toMatchObject({status: 'sent', exitCode: 0, bot: 'alerts', throttleKey: 'alerts:Disk <full>', text})
    expect(result.deliveries.map((delivery) => delivery.ok)).toEqual([true, true])
    expect(api.requests.map((request) => [request.method, request.params.chat_id, request.params.parse_mode])).toEqual([
      ['sendMessage', PRIVATE_CHAT, 'HTML'],
      ['sendMessage', GROUP_CHAT, 'HTML'],
    ])
    expect(sentTexts(PRIVATE_CHAT)).toEqual(['❌ Disk <full>\ndisk: /var\n\nweb-1 · 2025-06-01T14:02:11Z'])
  })

  it('sends an alert whose markup Telegram refuses as plain text instead of losing it', async () => {
    const {alert} = setup()
    // The template's own HTML is the user's and is not checked: an unclosed <b> is refused by Telegram (400).
    const template = parseTemplate('<b>{{title}} on <a href="https://wiki.example/disk">the wiki</a>', 'broken.html')
    const result = await alert('Disk <full>', T0, {template})
    expect(result).toMatchObject({status: 'sent', exitCode: 0})
    const attempts = api.requests.filter((request) => request.params.chat_id === PRIVATE_CHAT)
    expect(attempts.map((request) => [request.status, request.params.parse_mode])).toEqual([
      [400, 'HTML'],
      [200, undefined],
    ])
    expect(sentTexts(PRIVATE_CHAT)).toEqual(['Disk <full> on the wiki (https://wiki.example/disk)'])
    expect(sentTexts(GROUP_CHAT)).toEqual(['Disk <full> on the wiki (https://wiki.example/disk)'])
  })

  it('suppresses repeats within the window, then says how many were suppressed since when', async () => {
    const {alert} = setup()
    await alert('CPU hot', T0)
    const held = await alert('CPU hot', T0 + 5_000)
    expect(held).toMatchObject({
      status: 'suppressed',
      exitCode: 0,
      deliveries: [],
      suppressed: {count: 1, since: new Date(T0 + 5_000), nextAt: new Date(T0 + 60_000)},
    })
    await alert('CPU hot', T0 + 6_000)
    expect(api.requests).toHaveLength(2)
    const next = await alert('CPU hot', T0 + 61_000)
    expect(next.reportedSuppressed).toEqual({count: 2, since: new Date(T0 + 5_000)})
    expect(next.text).toContain('<i>2 similar alerts suppressed since 14:02:16 UTC</i>')
    expect(sentTexts(PRIVATE_CHAT)).toHaveLength(2)
  })

  it('spools when Telegram is unreachable (exit 75), and delivers it once when it is back', async () => {
    const down = setup(await downClient())
    const spooled = await down.alert('DB down', T0)
    expect(spooled).toMatchObject({
      status: 'spooled',
      exitCode: 75,
      spooled: {chatIds: CHATS, reason: 'unreachable', error: expect.stringMatching(/^Call to 'sendMessage' failed: /)},
    })
    expect((await down.outbox.list()).items.map((item) => item.entry)).toEqual([
      {
        version: 1,
        id: spooled.spooled!.id,
        bot: 'alerts',
        chatIds: CHATS,
        message: {text: spooled.text, parseMode: 'HTML', plainFallback: true},
        throttleKey: 'alerts:DB down',
        createdAt: '2025-06-01T14:02:11.000Z',
        attempts: 1,
        lastError: spooled.spooled!.error,
      },
    ])
    // Its window stands: the same alert again is a duplicate of the one waiting.
    expect((await down.alert('DB down', T0 + 1_000)).status).toBe('suppressed')

    const up = new FileOutbox({dir: down.outbox.dir})
    const client = testClient(api).client
    const deliver = (entry: OutboxEntry) => deliverToChats(client, entry.chatIds, entry.message)
    const first = await up.flush(deliver)
    expect(first).toMatchObject({waiting: 0, entries: [{delivered: CHATS, refused: [], pending: []}]})
    expect((await up.flush(deliver)).entries).toEqual([])
    expect(sentTexts(PRIVATE_CHAT)).toEqual(['❌ DB down\ndisk: /var\n\nweb-1 · 2025-06-01T14:02:11Z'])
    expect(sentTexts(GROUP_CHAT)).toHaveLength(1)
  })

  it('queues a new alert behind older ones it cannot deliver yet, without trying', async () => {
    const down = setup(await downClient())
    await down.alert('first', T0)
    const second = await down.alert('second', T0 + 1)
    expect(second).toMatchObject({status: 'spooled', exitCode: 75, deliveries: [], spooled: {reason: 'behind-outbox'}})
    const waiting = (await down.outbox.list()).items.map((item) => [item.entry.message.text.split('\n')[0], item.entry.attempts])
    expect(waiting).toEqual([
      ['❌ <b>first</b>', 2],
      ['❌ <b>second</b>', 0],
    ])
  })

  it('delivers what waits in the outbox before the new alert, oldest first', async () => {
    const down = setup(await downClient())
    await down.alert('older', T0)
    const up = {...down.target, client: testClient(api).client}
    const result = await sendAlert({
      target: up,
      content: {title: 'newer', severity: 'info', channel: 'alerts', host: null},
      outbox: down.outbox,
      now: T0 + 10,
    })
    expect(result).toMatchObject({status: 'sent', flushed: {waiting: 0, entries: [{delivered: CHATS}]}})
    expect(sentTexts(PRIVATE_CHAT).map((text) => text?.split('\n')[0])).toEqual(['❌ older', 'ℹ️ newer'])
  })

  it('reports a refusal without spooling it, and gives the window back when no chat got the alert', async () => {
    const {alert, outbox} = setup()
    api.failNext({method: 'sendMessage', times: 2, kind: {status: 403}})
    const refused = await alert('Blocked', T0)
    expect(refused).toMatchObject({status: 'refused', exitCode: 1})
    expect(refused.deliveries.map((delivery) => delivery.error?.message)).toEqual([
      "Call to 'sendMessage' failed (403: Forbidden: bot was blocked by the user): the bot was removed from the chat or blocked",
      "Call to 'sendMessage' failed (403: Forbidden: bot was blocked by the user): the bot was removed from the chat or blocked",
    ])
    expect((await outbox.list()).items).toEqual([])
    expect(await alert('Blocked', T0 + 1_000)).toMatchObject({status: 'sent'})
  })

  it('spools only the chats that could not get it, and keeps the window when a chat did', async () => {
    const {alert, outbox, target} = setup(testClient(api, {retry: {maxRetries: 0}}).client)
    // One of the two requests meets the 502, whichever arrives first; the other chat does not exist (400).
    target.chatIds = [PRIVATE_CHAT, 'not-a-chat']
    api.failNext({method: 'sendMessage', times: 1, kind: {status: 502}})
    const result = await alert('Half', T0)
    expect(result.status).toBe('spooled')
    const pending = result.deliveries.filter((delivery) => delivery.error?.code === 'unreachable')
    expect(pending).toHaveLength(1)
    expect((await outbox.list()).items.map((item) => item.entry.chatIds)).toEqual([[pending[0]!.chatId]])
    expect((await alert('Half', T0 + 1_000)).status).toBe('suppressed')
    const after = await outbox.flush((entry) => deliverToChats(target.client, entry.chatIds, entry.message))
    expect(after.waiting).toBe(0)
    expect(sentTexts(PRIVATE_CHAT)).toHaveLength(1)
  })

  it('does not spool a wrong token either', async () => {
    const {alert, outbox} = setup(testClient(api, {token: '700000002:AAE-unknown_token_for_tests_012345678'}).client)
    const result = await alert('Who am I', T0)
    expect(result).toMatchObject({status: 'refused', exitCode: 1})
    expect(result.deliveries[0]?.error?.message).toBe("Call to 'sendMessage' failed (401: Unauthorized): the bot token is wrong (ask @BotFather)")
    expect((await outbox.list()).items).toEqual([])
  })
})

describe('chats linked to the channel', () => {
  it('are read from the store only for an alert that goes out, never for one the throttle holds back', async () => {
    const {alert, target} = setup()
    const asked: string[] = []
    const links = {
      chatsFor: async (channel: string, bot: string) => {
        asked.push(`${channel} via ${bot}`)
        return [{chat_id: GROUP_CHAT, channels: ['alerts'], linked_at: '2025-06-01T00:00:00Z'}, {chat_id: FORUM_CHAT, channels: ['alerts'], linked_at: '2025-06-01T00:00:00Z'}]
      },
    }
    const linkedTarget: AlertTarget = {...target, linkedTo: {channel: 'alerts', bot: 'alerts'}}
    const sent = await alert('Disk full', T0, {target: linkedTarget, links})
    expect([sent.status, sent.deliveries.map((delivery) => delivery.chatId)]).toEqual(['sent', [PRIVATE_CHAT, GROUP_CHAT, FORUM_CHAT]])
    expect(asked).toEqual(['alerts via alerts'])
    const held = await alert('Disk full', T0 + 1000, {target: linkedTarget, links})
    expect(held.status).toBe('suppressed')
    expect(asked).toEqual(['alerts via alerts'])
  })

  it('a store that cannot be read costs the linked chats (one warning), not the alert', async () => {
    const {alert, target} = setup()
    const links = {chatsFor: async () => Promise.reject(new Error('store gone'))}
    const sent = await alert('Disk full', T0, {target: {...target, linkedTo: {channel: 'alerts', bot: 'alerts'}}, links})
    expect([sent.status, sent.deliveries.length, sent.warnings]).toEqual(['sent', 2, ['linked chats of alerts not added: unexpected error: store gone']])
  })
})

describe('429 storms', () => {
  it('loses nothing and doubles nothing while Telegram answers 429 for a while', async () => {
    const {client, sleeps} = testClient(api)
    const {alert, outbox} = setup(client)
    api.failNext({method: 'sendMessage', times: 14, kind: {status: 429, retryAfter: 2}})
    const results = [await alert('storm 1', T0), await alert('storm 2', T0 + 1), await alert('storm 3', T0 + 2)]
    await outbox.flush((entry) => deliverToChats(client, entry.chatIds, entry.message))
    expect(results.map((result) => result.status)).toContain('spooled')
    expect(api.requests.filter((request) => request.status === 429)).toHaveLength(14)
    expect(sleeps.length).toBeGreaterThan(0)
    expect(sleeps.every((ms) => ms === 2_000)).toBe(true)
    for (const chatId of CHATS) {
      expect(sentTexts(chatId).map((text) => text?.split('\n')[0])).toEqual(['❌ storm 1', '❌ storm 2', '❌ storm 3'])
    }
    expect(api.requests.filter((request) => request.status === 200)).toHaveLength(6)
    expect((await outbox.list()).items).toEqual([])
  })

  it('spools at once when Telegram asks to wait longer than the bound, and delivers once when it is over', async () => {
    const {client, sleeps} = testClient(api)
    const {alert, outbox} = setup(client)
    api.failNext({method: 'sendMessage', times: 2, kind: {status: 429, retryAfter: 300}})
    const result = await alert('Too fast', T0)
    expect(result).toMatchObject({status: 'spooled', exitCode: 75, spooled: {chatIds: CHATS, reason: 'unreachable'}})
    expect(result.spooled?.error).toBe(
      "Call to 'sendMessage' failed (429: Too Many Requests: retry after 300): Telegram asks this bot to wait 300 s before sending again",
    )
    expect(sleeps).toEqual([])
    const later = await sendAlert({
      target: {client, botLabel: 'alerts', chatIds: CHATS},
      content: {title: 'Next', severity: 'info', channel: 'alerts', host: null},
      outbox,
      now: T0 + 400_000,
    })
    expect(later.status).toBe('sent')
    expect(sentTexts(PRIVATE_CHAT).map((text) => text?.split('\n')[0])).toEqual(['❌ Too fast', 'ℹ️ Next'])
    expect(sentTexts(GROUP_CHAT).map((text) => text?.split('\n')[0])).toEqual(['❌ Too fast', 'ℹ️ Next'])
  })
})

describe('dryRunAlert', () => {
  it('renders and shows bot, chats, sources, throttle and outbox without sending or writing', async () => {
    const {throttle, outbox, stateDir} = setup()
    const result = await dryRunAlert({
      target: {botLabel: 'alerts', chatIds: CHATS, sources: {bot: 'env TELEGRAM_BOT_TOKEN', chats: 'flag --chat'}},
      content: {title: 'Try', severity: 'warning', channel: 'alerts', host: 'h'},
      throttle: {store: throttle, key: 'alerts:Try', windowSeconds: 60},
      outbox,
      now: T0,
    })
    expect(result).toEqual({
      text: '⚠️ <b>Try</b>\n\n<i>h · 2025-06-01T14:02:11Z</i>',
      bot: 'alerts',
      chatIds: CHATS,
      sources: {bot: 'env TELEGRAM_BOT_TOKEN', chats: 'flag --chat'},
      throttle: {key: 'alerts:Try', windowSeconds: 60, wouldSend: true},
      outboxWaiting: 0,
      warnings: [],
    })
    expect(api.requests).toEqual([])
    expect(existsSync(join(stateDir, 'throttle')) ? readdirSync(join(stateDir, 'throttle')) : []).toEqual([])
  })
})
