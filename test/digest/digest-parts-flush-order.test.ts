// A digest long enough to go as several messages, spooled whole while Telegram is down: the flushes that deliver it
// later (two at once, as two cron hosts would) must give the chat each part once and in order.
import {describe, expect, it} from 'vitest'

import {FileMonitorStore, monitorDirIn} from '../../src/store/file/file-monitor-store.js'
import type {HistoryRecord} from '../../src/store/monitor-state.js'
import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()
const CHECKS = 120

describe('a digest split in parts, spooled while Telegram is down', () => {
  it('two flushes at once deliver every part exactly once, in order', async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const now = Date.now()
    const records: HistoryRecord[] = []
    for (let index = 0; index < CHECKS; index++) {
      const check = `service-${String(index).padStart(3, '0')}-${'x'.repeat(40)}`
      records.push({type: 'result', at: now - 60_000, check, ok: true, ms: index})
    }
    await new FileMonitorStore({dir: monitorDirIn(world.cli.stateDir)}).appendHistory(records)
    world.api.failNext({method: 'sendMessage', times: 10_000, kind: {status: 502}})
    const digest = await world.run(['digest', '--since', '1h'])
    expect(digest.exitCode).toBe(75)
    expect(world.api.messages(ON_CALL.id)).toHaveLength(0)
    world.api.reset()
    // The first part a flush sends is slow to answer: a second flush running meanwhile must not send a later part.
    world.api.failNext({method: 'sendMessage', kind: {delayMs: 1500}})
    const flushes = await Promise.all([world.run(['alert', 'flush']), world.run(['alert', 'flush'])])
    for (const flushed of flushes) expect(flushed.exitCode).toBe(0)
    const texts = world.api.messages(ON_CALL.id).map((message) => message.text ?? '')
    expect(texts.length).toBeGreaterThan(2)
    expect(texts[0]).toMatch(/^📊 Monitor digest/)
    expect(texts.at(-1)).toMatch(/\nAlerts: none$/)
    const listed = texts.join('\n').match(/service-\d{3}/g) ?? []
    expect(listed).toEqual(Array.from({length: CHECKS}, (_, index) => `service-${String(index).padStart(3, '0')}`))
  })
})
