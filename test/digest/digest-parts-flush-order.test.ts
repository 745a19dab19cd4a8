// A digest long enough to go as several messages, spooled while Telegram is down or cut off by a killed run: the
// flushes that deliver it later (two at once, as two cron hosts would) must give the chat each part once, in order.
import {spawn} from 'node:child_process'
import {resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

import {FileMonitorStore, monitorDirIn} from '../../src/store/file/file-monitor-store.js'
import type {HistoryRecord} from '../../src/store/monitor-state.js'
import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'

const world = useCliWorld()
const CHECKS = 120
const BIN = resolve(import.meta.dirname, '../../bin/run.js')
const name = (index: number) => `service-${String(index).padStart(3, '0')}`

/** A history of enough checks for a digest of several messages. */
async function recordChecks(): Promise<void> {
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
  const now = Date.now()
  const records: HistoryRecord[] = []
  for (let index = 0; index < CHECKS; index++) records.push({type: 'result', at: now - 60_000, check: `${name(index)}-${'x'.repeat(40)}`, ok: true, ms: index})
  await new FileMonitorStore({dir: monitorDirIn(world.cli.stateDir)}).appendHistory(records)
}

/** The chat holds the digest once: its head once, then every check once and in order, the last part last. */
function expectDigestOnceInOrder(): void {
  const texts = world.api.messages(ON_CALL.id).map((message) => message.text ?? '')
  expect(texts.length).toBeGreaterThan(2)
  expect(texts[0]).toMatch(/^📊 Monitor digest/)
  expect(texts.filter((text) => text.startsWith('📊 Monitor digest'))).toHaveLength(1)
  expect(texts.at(-1)).toMatch(/\nAlerts: none$/)
  const listed = texts.join('\n').match(/service-\d{3}/g) ?? []
  expect(listed).toEqual(Array.from({length: CHECKS}, (_, index) => name(index)))
}

describe('a digest split in parts', () => {
  it('spooled while Telegram is down: two flushes at once deliver every part exactly once, in order', async () => {
    await recordChecks()
    world.api.failNext({method: 'sendMessage', times: 10_000, kind: {status: 502}})
    const digest = await world.run(['digest', '--since', '1h'])
    expect(digest.exitCode).toBe(75)
    expect(world.api.messages(ON_CALL.id)).toHaveLength(0)
    world.api.reset()
    // The first part a flush sends is slow to answer: a second flush running meanwhile must not send a later part.
    world.api.failNext({method: 'sendMessage', kind: {delayMs: 1500}})
    const flushes = await Promise.all([world.run(['alert', 'flush']), world.run(['alert', 'flush'])])
    for (const flushed of flushes) expect(flushed.exitCode).toBe(0)
    expectDigestOnceInOrder()
  })

  it('its run killed after the first part (SIGKILL, a job timeout): the flush sends the rest, not the first again', async () => {
    await recordChecks()
    world.api.failNext({method: 'sendMessage', kind: {delayMs: 1}})
    world.api.failNext({method: 'sendMessage', kind: {hang: true}})
    const run = spawn(process.execPath, [BIN, 'digest', '--since', '1h'], {env: world.cli.env, stdio: 'ignore'})
    const exited = new Promise((done) => run.once('exit', done))
    // Killed while Telegram holds the second part: the first is in the chat.
    while (world.api.requests.filter((request) => request.method === 'sendMessage').length < 2) await new Promise((done) => setTimeout(done, 20))
    run.kill('SIGKILL')
    await exited
    expect(world.api.messages(ON_CALL.id)).toHaveLength(1)
    world.api.reset()
    const flushed = await world.run(['alert', 'flush'])
    expect(flushed.exitCode).toBe(0)
    expectDigestOnceInOrder()
  })
})
