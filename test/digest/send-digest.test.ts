import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {computeDigest, renderDigest, sendDigest} from '../../src/digest/index.js'
import type {HistoryRecord} from '../../src/monitor/store.js'
import {Outbox} from '../../src/outbox/index.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {PRIVATE_CHAT, startApi, testClient} from '../api/fixture.js'
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
    const result = await sendDigest({target: {client, botLabel: 'health', chatIds: [PRIVATE_CHAT]}, text, outbox: new Outbox({dir: join(tempDir(), 'outbox')})})
    expect(result.exitCode).toBe(0)
    const sent = api.requests.filter((request) => request.method === 'sendMessage').map((request) => String(request.params.text))
    expect(sent.length).toBe(2)
    for (const part of sent) expect(part.length).toBeLessThanOrEqual(4096)
    expect(sent.join('')).toBe(text)
    expect(sent[0]!.endsWith('ms\n')).toBe(true)
    expect(sent[1]!.startsWith('✅ <b>service-')).toBe(true)
  })
})
