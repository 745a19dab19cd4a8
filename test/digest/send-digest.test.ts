import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {computeDigest, renderDigest, sendDigest} from '../../src/digest/index.js'
import type {HistoryRecord} from '../../src/store/monitor-state.js'
import {FileOutbox} from '../../src/store/index.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {GROUP_CHAT, PRIVATE_CHAT, startApi, testClient} from '../api/fixture.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {tempDir} from '../throttle/helpers.js'
import {NOW} from './history-fixture.js'

let api: FakeBotApi
beforeEach(async () => {
  api = await startApi()
})
afterEach(() => api.close())

describe('sending a digest', () => {
  it('splits a long digest on line boundaries, each part within Telegram\'s 4,096 characters', async () => {
    const records: HistoryRecord[] = Array.from({length: 150}, (_, index) => ({type: 'result', at: NOW - 1000, check: `service-${String(index).padStart(3, '0')}`, ok: true, ms: index}))
    const text = renderDigest(computeDigest(records, NOW - 3_600_000, NOW))
    expect(text.length).toBeGreaterThan(4096)
    const {client} = testClient(api)
    const result = await sendDigest({target: {client, botLabel: 'health', chatIds: [PRIVATE_CHAT]}, text, outbox: new FileOutbox({dir: join(tempDir(), 'outbox')})})
    expect(result.exitCode).toBe(0)
    const sent = api.requests.filter((request) => request.method === 'sendMessage').map((request) => String(request.params.text))
    expect(sent.length).toBe(2)
    for (const part of sent) expect(part.length).toBeLessThanOrEqual(4096)
    expect(sent.join('')).toBe(text)
    expect(sent[0]!.endsWith('ms\n')).toBe(true)
    expect(sent[1]!.startsWith('✅ <b>service-')).toBe(true)
  })

  it('goes to the chats linked to its channel too, read only once the throttle lets it through', async () => {
    const {client} = testClient(api)
    const dir = tempDir()
    const throttle = {store: new FileThrottle({dir: join(dir, 'throttle')}), key: 'digest:health:24h', windowSeconds: 60}
    let asked = 0
    const links = {
      chatsFor: async () => {
        asked++
        return [{chat_id: GROUP_CHAT, channels: ['health'], linked_at: '2025-06-01T00:00:00Z'}]
      },
    }
    const target = {client, botLabel: 'health', chatIds: [PRIVATE_CHAT], linkedTo: {channel: 'health', bot: 'health'}}
    const send = (now: number) => sendDigest({target, text: 'digest', outbox: new FileOutbox({dir: join(dir, 'outbox')}), throttle, links, now})
    expect((await send(NOW)).deliveries.map((delivery) => delivery.chatId)).toEqual([PRIVATE_CHAT, GROUP_CHAT])
    expect((await send(NOW + 1000)).suppressed).toMatchObject({key: 'digest:health:24h'})
    expect(asked).toBe(1)
  })

  it('a digest that reached no chat gives its throttle window back; one that reached a chat keeps it', async () => {
    const {client} = testClient(api)
    const dir = tempDir()
    const throttle = {store: new FileThrottle({dir: join(dir, 'throttle')}), key: 'digest:health:24h', windowSeconds: 60}
    const send = (chatIds: Array<number | string>, now: number) =>
      sendDigest({target: {client, botLabel: 'health', chatIds}, text: 'digest', outbox: new FileOutbox({dir: join(dir, 'outbox')}), throttle, now})
    const refused = await send([999_999], NOW)
    expect([refused.exitCode, refused.suppressed]).toEqual([1, undefined])
    const sent = await send([PRIVATE_CHAT], NOW + 1000)
    expect([sent.exitCode, sent.suppressed, sent.deliveries.map((delivery) => delivery.ok)]).toEqual([0, undefined, [true]])
    const repeated = await send([PRIVATE_CHAT], NOW + 2000)
    expect(repeated).toEqual({deliveries: [], suppressed: {key: 'digest:health:24h', count: 1, nextAt: new Date(NOW + 61_000)}, exitCode: 0, warnings: []})
    expect(api.requests.filter((request) => request.method === 'sendMessage')).toHaveLength(2)
  })
})
