import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {closedPort, GROUP_CHAT, PRIVATE_CHAT, startApi, TOKEN} from '../api/fixture.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {tempDir} from '../throttle/helpers.js'
import type {KillPoint} from './fixtures/alert-run.js'
import {bundleFixture, runFixture} from './run-fixture.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')

let script: string
let api: FakeBotApi
beforeAll(async () => {
  ;[script, api] = await Promise.all([bundleFixture(), startApi()])
})
afterAll(() => api?.close())

const alertJob = (stateDir: string, now: number, extra: object = {}) => ({
  mode: 'alert',
  stateDir,
  apiRoot: api.url,
  token: TOKEN,
  chatIds: [PRIVATE_CHAT],
  title: 'Backup failed',
  key: 'alerts:Backup failed',
  windowSeconds: 60,
  now,
  ...extra,
})

const parsed = (stdout: string) => JSON.parse(stdout) as {status: string; text?: string; warnings: string[]}

describe('alert processes started together', () => {
  it('50 processes with one key deliver exactly 1 message; after the window the next says 49 were suppressed', async () => {
    const stateDir = tempDir('fastpay-tg-50-')
    api.reset()
    const runs = await Promise.all(Array.from({length: 50}, () => runFixture(script, alertJob(stateDir, T0))))
    expect(runs.map((run) => run.stderr).filter((stderr) => stderr !== '')).toEqual([])
    const statuses = runs.map((run) => parsed(run.stdout).status)
    expect(statuses.filter((status) => status === 'sent')).toHaveLength(1)
    expect(statuses.filter((status) => status === 'suppressed')).toHaveLength(49)
    expect(runs.map((run) => run.exitCode)).toEqual(Array.from({length: 50}, () => 0))
    expect(api.requests.filter((request) => request.method === 'sendMessage')).toHaveLength(1)

    const next = await runFixture(script, alertJob(stateDir, T0 + 61_000))
    expect(parsed(next.stdout)).toEqual({
      status: 'sent',
      text: '🚨 <b>Backup failed</b>\n\n<i>49 similar alerts suppressed since 14:02:11 UTC</i>\n<i>cron-1 · 2025-06-01T14:03:12Z</i>',
      warnings: [],
    })
    expect(api.requests.filter((request) => request.method === 'sendMessage')).toHaveLength(2)
    expect(api.messages(PRIVATE_CHAT).at(-1)?.text).toBe(
      '🚨 Backup failed\n\n49 similar alerts suppressed since 14:02:11 UTC\ncron-1 · 2025-06-01T14:03:12Z',
    )
  }, 120_000)
})

describe('a process killed while it writes the throttle state', () => {
  const points: KillPoint[] = ['lock-draft', 'lock-held', 'temp-empty', 'temp-written', 'renamed']
  it.each(points)('killed at %s: leaves its lock and no corrupt file; the next run takes the lock over', async (killAt) => {
    const stateDir = tempDir('fastpay-tg-kill-')
    const dir = join(stateDir, 'throttle')
    // Were the lock never taken over, decide would wait out this timeout and warn that it sent unthrottled.
    const throttle = new FileThrottle({dir, lock: {timeoutMs: 3_000}})
    const run = await runFixture(script, {mode: 'hammer', stateDir, key: 'k', now: T0, killAt})
    expect(run).toMatchObject({signal: 'SIGKILL', stderr: ''})
    const isDraft = (name: string) => /\.lock\.\d+\.[0-9a-f]+$/.test(name)
    // Killed before linking, it leaves its pid file and no lock; anywhere later, the lock with its pid.
    const left = readdirSync(dir).filter((name) => (killAt === 'lock-draft' ? isDraft(name) : name.endsWith('.lock')))
    expect(left).toHaveLength(1)
    const decision = await throttle.decide('k', 3_600, T0 + 500_000)
    expect(decision).toMatchObject({send: false, suppressedCount: 1, warnings: []})
    expect(JSON.parse(readFileSync(throttle.pathFor('k'), 'utf8'))).toMatchObject({version: 1, key: 'k'})
    expect(readdirSync(dir).filter((name) => name.includes('.corrupt-') || name.endsWith('.lock'))).toEqual([])
    await throttle.prune(T0 + 500_000)
    expect(readdirSync(dir).filter(isDraft)).toEqual([])
  })
})

describe('an outbox shared by processes', () => {
  it('spools while the server is down (exit 75); two flushes at once then deliver it exactly once', async () => {
    const stateDir = tempDir('fastpay-tg-spool-')
    const downRoot = `http://127.0.0.1:${await closedPort()}`
    for (const [index, title] of ['one', 'two', 'three'].entries()) {
      const run = await runFixture(script, alertJob(stateDir, T0 + index, {apiRoot: downRoot, title, key: title, chatIds: [PRIVATE_CHAT, GROUP_CHAT]}))
      expect(run.exitCode).toBe(75)
      expect(parsed(run.stdout).status).toBe('spooled')
    }
    api.reset()
    const flushes = await Promise.all([1, 2].map(() => runFixture(script, {mode: 'flush', stateDir, apiRoot: api.url, token: TOKEN})))
    const reports = flushes.map((run) => JSON.parse(run.stdout) as {entries: unknown[]; waiting: number})
    expect(reports[0]!.entries.length + reports[1]!.entries.length).toBe(3)
    // Each flush goes oldest first; two at once share the entries, so across them the order may interleave.
    for (const chatId of [PRIVATE_CHAT, GROUP_CHAT]) {
      const firstLines = api.messages(chatId).slice(-3).map((message) => message.text?.split('\n')[0])
      expect(firstLines.sort()).toEqual(['🚨 one', '🚨 three', '🚨 two'])
    }
    expect(api.requests.filter((request) => request.method === 'sendMessage')).toHaveLength(6)
    const again = await runFixture(script, {mode: 'flush', stateDir, apiRoot: api.url, token: TOKEN})
    expect(JSON.parse(again.stdout)).toEqual({entries: [], waiting: 0, warnings: []})
    expect(api.requests.filter((request) => request.method === 'sendMessage')).toHaveLength(6)
  })
})
