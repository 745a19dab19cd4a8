import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {flushAlerts} from '../../src/alert/flush-alerts.js'
import {FileOutbox} from '../../src/store/index.js'
import {UserError} from '../../src/user-error.js'
import {GROUP_CHAT, PRIVATE_CHAT, startApi, testClient} from '../api/fixture.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {tempDir} from '../throttle/helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')

let api: FakeBotApi
beforeEach(async () => {
  api = await startApi()
})
afterEach(() => api.close())

describe('flushAlerts', () => {
  it('flushes bot by bot, so that a bot that cannot send holds up no other', async () => {
    const outbox = new FileOutbox({dir: join(tempDir(), 'outbox')})
    const spool = (bot: string, text: string, at: number) =>
      outbox.spool({bot, chatIds: [PRIVATE_CHAT, GROUP_CHAT], message: {text, parseMode: 'HTML'}, createdAt: new Date(at)})
    await spool('gone', 'for a bot no longer configured', T0)
    await spool('alerts', 'first', T0 + 1)
    await spool('alerts', 'second', T0 + 2)
    const opened: string[] = []
    const report = await flushAlerts({
      outbox,
      openBot: async (bot) => {
        opened.push(bot)
        if (bot === 'gone') throw new UserError('--bot: no bot named "gone"')
        return {client: testClient(api).client}
      },
    })
    expect(opened).toEqual(['gone', 'alerts'])
    expect(report.bots.map(({bot, entries, stoppedBy, waiting}) => ({bot, tried: entries.length, stoppedBy, waiting}))).toEqual([
      {bot: 'gone', tried: 1, stoppedBy: '--bot: no bot named "gone"', waiting: 1},
      {bot: 'alerts', tried: 2, stoppedBy: undefined, waiting: 0},
    ])
    expect(report.waiting).toBe(1)
    expect(api.messages(PRIVATE_CHAT).map((message) => message.text)).toEqual(['first', 'second'])
    expect(api.messages(GROUP_CHAT).map((message) => message.text)).toEqual(['first', 'second'])
    expect((await outbox.list()).items.map((item) => item.entry.bot)).toEqual(['gone'])
  })

  it('flushes only the bot it was asked for', async () => {
    const outbox = new FileOutbox({dir: join(tempDir(), 'outbox')})
    await outbox.spool({bot: 'deploy', chatIds: [PRIVATE_CHAT], message: {text: 'd'}, createdAt: new Date(T0)})
    await outbox.spool({bot: 'alerts', chatIds: [PRIVATE_CHAT], message: {text: 'a'}, createdAt: new Date(T0 + 1)})
    const report = await flushAlerts({outbox, bot: 'alerts', openBot: async () => ({client: testClient(api).client})})
    expect(report.bots.map((flushed) => flushed.bot)).toEqual(['alerts'])
    expect(report.waiting).toBe(0)
    expect(api.messages(PRIVATE_CHAT).map((message) => message.text)).toEqual(['a'])
  })
})
