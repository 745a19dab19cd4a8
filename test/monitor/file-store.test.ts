import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {applyResults} from '../../src/monitor/apply-results.js'
import type {AlertSender} from '../../src/monitor/alert-sender.js'
import type {CheckCommon} from '../../src/monitor/check-spec.js'
import {FileMonitorStore} from '../../src/store/file/file-monitor-store.js'
import {tempDir} from '../throttle/helpers.js'
import {T0} from './helpers.js'

const DAY = 86_400_000
const CHECK: CheckCommon = {name: 'db', source: 'test', intervalMs: 60_000, timeoutMs: 1000, failureThreshold: 1, successThreshold: 1, channel: 'health', sendOnResolved: true, severity: 'error', throttleMs: 0}
const noAlerts: AlertSender = {send: async () => Promise.reject(new Error('no alert expected'))}

describe('file monitor store', () => {
  it('keeps one history file per UTC day and deletes the days older than the retention', async () => {
    const dir = tempDir('fastpay-tg-store-')
    const store = new FileMonitorStore({dir})
    for (const daysAgo of [20, 15, 14, 1, 0]) await store.appendHistory([{type: 'result', at: T0 - daysAgo * DAY, check: 'db', ok: true, ms: 1}])
    expect(readdirSync(join(dir, 'history')).sort()).toEqual(['2025-05-12.jsonl', '2025-05-17.jsonl', '2025-05-18.jsonl', '2025-05-31.jsonl', '2025-06-01.jsonl'])
    expect(await store.pruneHistory(T0 - 14 * DAY)).toEqual(['2025-05-12.jsonl', '2025-05-17.jsonl'])
    expect(readdirSync(join(dir, 'history')).sort()).toEqual(['2025-05-18.jsonl', '2025-05-31.jsonl', '2025-06-01.jsonl'])
    const {records} = await store.readHistory(T0 - 2 * DAY, T0 + 1)
    expect(records.map((record) => record.at)).toEqual([T0 - DAY, T0])
  })

  it('scans a day file line by line: a cut line is skipped and counted, a last line without a newline is read', async () => {
    const dir = tempDir('fastpay-tg-store-')
    const store = new FileMonitorStore({dir})
    await store.appendHistory([{type: 'result', at: T0, check: 'db', ok: true, ms: 1}])
    const file = join(dir, 'history', '2025-06-01.jsonl')
    // A line cut short by a killed process, then one written without its newline, longer than a read chunk.
    const long = {type: 'result', at: T0 + 2, check: 'db', ok: false, ms: 3, error: 'x'.repeat(300_000)}
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"type":"resu\n${JSON.stringify(long)}`)
    const visited: unknown[] = []
    const {warnings} = await store.scanHistory(0, Infinity, (record) => visited.push(record))
    expect(visited).toEqual([{type: 'result', at: T0, check: 'db', ok: true, ms: 1}, long])
    expect(warnings).toEqual([`1 unreadable line in ${file} skipped`])
    expect(await store.readHistory(0, Infinity)).toEqual({records: visited, warnings})
  })

  it('reads an unreadable state file as empty, saying so', async () => {
    const dir = tempDir('fastpay-tg-store-')
    writeFileSync(join(dir, 'state.json'), '{"version":1,"checks":{"db":{"status":"sideways"}}}')
    const store = new FileMonitorStore({dir})
    expect(await store.readState()).toEqual({
      state: {version: 1, checks: {}},
      warnings: [`monitor state of check "db" in ${join(dir, 'state.json')} is unreadable; starting afresh`],
    })
    writeFileSync(join(dir, 'state.json'), '{"version":1,"che')
    expect((await store.readState()).warnings).toEqual([`monitor state ${join(dir, 'state.json')} is unreadable (not JSON); starting afresh`])
  })

  it('when another live pass holds the state too long: records the results, evaluates nothing, and says why', async () => {
    const dir = tempDir('fastpay-tg-store-')
    mkdirSync(dir, {recursive: true})
    // A lock held by a live process (the test runner's parent), which is not taken over before staleMs.
    writeFileSync(join(dir, 'state.lock'), `${process.ppid}\n`)
    const store = new FileMonitorStore({dir, lock: {timeoutMs: 50, retryDelayMs: 5}})
    const report = await applyResults([{check: CHECK, target: 'tcp db:5432', result: {ok: false, startedAt: T0, durationMs: 3, message: 'connection refused'}}], {store, sender: noAlerts, now: () => T0, host: 'mon-1'})
    expect(report).toMatchObject({evaluated: false, alerts: [], warnings: [`another monitor pass (pid ${process.ppid}) held ${join(dir, 'state.lock')} for too long: these results were recorded but not evaluated`]})
    expect(existsSync(join(dir, 'state.json'))).toBe(false)
    const {records} = await store.readHistory(0, Infinity)
    expect(records).toEqual([{type: 'result', at: T0, check: 'db', ok: false, ms: 3, error: 'connection refused', host: 'mon-1'}])
  })
})
