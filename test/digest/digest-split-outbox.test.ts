// A digest long enough to go as several messages, when Telegram stops answering half-way: the chat must end up with
// each part once, not the parts it already had again from the outbox.
import {describe, expect, it} from 'vitest'

import {FileMonitorStore, monitorDirIn} from '../../src/store/file/file-monitor-store.js'
import type {HistoryRecord} from '../../src/store/monitor-state.js'
import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()

describe('a digest split in parts, Telegram gone after the first', () => {
  it('delivers every part once: the outbox keeps only the parts the chat has not had', async () => {
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const now = Date.now()
    const records: HistoryRecord[] = []
    for (let index = 0; index < 120; index++) {
      const check = `service-${String(index).padStart(3, '0')}-${'x'.repeat(40)}`
      records.push({type: 'result', at: now - 60_000, check, ok: true, ms: index})
    }
    await new FileMonitorStore({dir: monitorDirIn(world.cli.stateDir)}).appendHistory(records)
    world.api.failNext({method: 'sendMessage', kind: {delayMs: 1}})
    world.api.failNext({method: 'sendMessage', times: 4, kind: {status: 502}})
    const first = await world.run(['digest', '--since', '1h'])
    expect(first.exitCode).toBe(75)
    const flushed = await world.run(['alert', 'flush'])
    expect(flushed.exitCode).toBe(0)
    const texts = world.api.messages(ON_CALL.id).map((message) => message.text ?? '')
    expect(texts.length).toBeGreaterThan(2)
    expect(texts.filter((text) => text.startsWith('📊 Monitor digest'))).toHaveLength(1)
    expect(new Set(texts).size).toBe(texts.length)
    expect(texts.at(-1)).toMatch(/\nAlerts: none$/)
  })
})
