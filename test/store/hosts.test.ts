// Three simulated hosts (separate state dirs, separate processes) sharing one Redis.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {closedPort, PRIVATE_CHAT, startApi, TOKEN} from '../api/fixture.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {tempDir} from '../throttle/helpers.js'
import {redisForTests, testPrefix} from './redis-server.js'
import {bundleHost, runFixture} from './run-host.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const HOSTS = ['host-a', 'host-b', 'host-c']

const found = await redisForTests()
let script: string
let api: FakeBotApi
beforeAll(async () => {
  if (found.skip) return
  ;[script, api] = await Promise.all([bundleHost(), startApi()])
})
afterAll(async () => {
  await api?.close()
  await found.redis?.stop()
})

function fleet() {
  const prefix = testPrefix()
  const stateDirs = Object.fromEntries(HOSTS.map((host) => [host, tempDir(`fastpay-tg-${host}-`)]))
  const job = (host: string, extra: object) => ({host, stateDir: stateDirs[host], storeUrl: found.redis!.url, prefix, apiRoot: api.url, token: TOKEN, ...extra})
  const alert = (host: string, now: number, extra: object = {}) =>
    job(host, {mode: 'alert', chatIds: [PRIVATE_CHAT], title: 'Backup failed', key: 'alerts:Backup failed', windowSeconds: 60, now, ...extra})
  return {job, alert}
}

type AlertLine = {status: string; text?: string; warnings: string[]}
const parsed = (stdout: string) => JSON.parse(stdout) as AlertLine
const lines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as AlertLine)
const sendMessages = () => api.requests.filter((request) => request.method === 'sendMessage')

describe.skipIf(found.skip !== undefined)(`hosts sharing one Redis${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('3 hosts x 20 concurrent alerts with one key deliver exactly 1; after the window the next says 59 were suppressed', async () => {
    const {alert} = fleet()
    api.reset()
    // Each host process runs its 20 alerts at once, each through its own store and Redis connection.
    const runs = await Promise.all(HOSTS.map((host) => runFixture(script, alert(host, T0, {concurrent: 20}))))
    expect(runs.map((run) => run.stderr)).toEqual(['', '', ''])
    expect(runs.map((run) => run.exitCode)).toEqual([0, 0, 0])
    const statuses = runs.flatMap((run) => lines(run.stdout).map((line) => line.status))
    expect(statuses).toHaveLength(60)
    expect(statuses.filter((status) => status === 'sent')).toHaveLength(1)
    expect(statuses.filter((status) => status === 'suppressed')).toHaveLength(59)
    expect(sendMessages()).toHaveLength(1)

    const next = await runFixture(script, alert('host-b', T0 + 61_000))
    expect(parsed(next.stdout)).toEqual({
      status: 'sent',
      text: '🚨 <b>Backup failed</b>\n\n<i>59 similar alerts suppressed since 14:02:11 UTC</i>\n<i>host-b · 2025-06-01T14:03:12Z</i>',
      warnings: [],
    })
    expect(sendMessages()).toHaveLength(2)
  })

  it('a host killed while it holds an outbox entry: another host delivers it, once', async () => {
    const {job, alert} = fleet()
    const down = `http://127.0.0.1:${await closedPort()}`
    const spooled = await runFixture(script, alert('host-a', T0, {apiRoot: down, title: 'Disk full', key: 'alerts:Disk full'}))
    expect(spooled.exitCode).toBe(75)
    expect(parsed(spooled.stdout).status).toBe('spooled')
    api.reset()

    let holding = ''
    const killed = await runFixture(script, job('host-a', {mode: 'hold'}), (stdout, kill) => {
      if (holding !== '' || !stdout.includes('holding ')) return
      holding = stdout.trim().slice('holding '.length)
      kill()
    })
    expect(killed.signal).toBe('SIGKILL')
    expect(holding).toMatch(/^\d{15}-\d+-[0-9a-f]{8}$/)

    // A short claim timeout stands for "the dead host's claim has expired" without waiting ten minutes for it.
    const takeover = await runFixture(script, job('host-b', {mode: 'flush', claimTimeoutMs: 1}))
    const report = JSON.parse(takeover.stdout) as {entries: Array<{id: string; delivered: number[]}>; waiting: number; warnings: string[]}
    expect(report.entries).toEqual([{id: holding, bot: 'alerts', delivered: [PRIVATE_CHAT], refused: [], pending: []}])
    expect(report.waiting).toBe(0)
    expect(report.warnings).toEqual([expect.stringMatching(new RegExp(`^outbox entry ${holding} was left claimed by host-a/\\d+; delivered by host-b/\\d+$`))])
    expect(sendMessages()).toHaveLength(1)
    expect(api.messages(PRIVATE_CHAT).at(-1)?.text?.split('\n')[0]).toBe('🚨 Disk full')

    const again = await runFixture(script, job('host-c', {mode: 'flush', claimTimeoutMs: 1}))
    expect(JSON.parse(again.stdout)).toEqual({entries: [], waiting: 0, warnings: []})
    expect(sendMessages()).toHaveLength(1)
  })
})
