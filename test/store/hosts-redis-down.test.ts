// Three simulated hosts whose shared Redis stops mid-run and comes back: nothing lost, nothing doubled.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {closedPort, PRIVATE_CHAT, startApi, TOKEN} from '../api/fixture.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {tempDir} from '../throttle/helpers.js'
import {redisForTests, testPrefix} from './redis-server.js'
import {bundleHost, runFixture} from './run-host.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')

const found = await redisForTests({own: true})
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

const parsed = (stdout: string) => JSON.parse(stdout) as {status: string; warnings: string[]}
const spooledFiles = (stateDir: string) => readdirSync(join(stateDir, 'outbox')).filter((name) => name.endsWith('.json'))
const firstLines = () => api.messages(PRIVATE_CHAT).map((message) => message.text?.split('\n')[0])

describe.skipIf(found.skip !== undefined)(`hosts whose Redis stops mid-run${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('alerts still go out or are spooled on their host, one warning line each; once Redis is back each spool is drained once', async () => {
    const redis = found.redis!
    const prefix = testPrefix()
    const dirs = {a: tempDir('fastpay-tg-host-a-'), b: tempDir('fastpay-tg-host-b-'), c: tempDir('fastpay-tg-host-c-')}
    const down = `http://127.0.0.1:${await closedPort()}`
    const job = (host: 'a' | 'b' | 'c', extra: object) => ({host: `host-${host}`, stateDir: dirs[host], storeUrl: redis.url, prefix, apiRoot: api.url, token: TOKEN, ...extra})
    const alert = (host: 'a' | 'b' | 'c', title: string, now: number, extra: object = {}) =>
      job(host, {mode: 'alert', chatIds: [PRIVATE_CHAT], title, key: `alerts:${title}`, windowSeconds: 60, now, ...extra})

    const one = await runFixture(script, alert('a', 'one', T0))
    expect([parsed(one.stdout).status, one.stderr]).toEqual(['sent', ''])

    await redis.stop()
    const hostPort = redis.url.slice('redis://'.length)
    const warning = (dir: string) => `warning: store ${redis.url} unreachable (connect ECONNREFUSED ${hostPort}); using the file store in ${dir} until it is back\n`
    const two = await runFixture(script, alert('a', 'two', T0 + 1))
    expect([parsed(two.stdout).status, two.exitCode, two.stderr]).toEqual(['sent', 0, warning(dirs.a)])
    // Telegram unreachable too: spooled in each host's own state dir.
    const [three, four] = await Promise.all([
      runFixture(script, alert('b', 'three', T0 + 2, {apiRoot: down})),
      runFixture(script, alert('c', 'four', T0 + 3, {apiRoot: down})),
    ])
    expect([parsed(three.stdout).status, three.exitCode, three.stderr]).toEqual(['spooled', 75, warning(dirs.b)])
    expect([parsed(four.stdout).status, four.exitCode, four.stderr]).toEqual(['spooled', 75, warning(dirs.c)])
    expect([spooledFiles(dirs.b).length, spooledFiles(dirs.c).length]).toEqual([1, 1])
    expect(firstLines()).toEqual(['🚨 one', '🚨 two'])

    await redis.start()
    // Two flushes on host b race for its one spooled alert, while host c drains its own.
    const flushes = await Promise.all([
      runFixture(script, job('b', {mode: 'flush'})),
      runFixture(script, job('b', {mode: 'flush'})),
      runFixture(script, job('c', {mode: 'flush'})),
    ])
    expect(flushes.map((run) => run.stderr)).toEqual(['', '', ''])
    const reports = flushes.map((run) => JSON.parse(run.stdout) as {entries: unknown[]; waiting: number; warnings: string[]})
    expect(reports.reduce((sum, report) => sum + report.entries.length, 0)).toBe(2)
    const handedOver = reports.flatMap((report) => report.warnings)
    expect(handedOver.sort()).toEqual([
      `1 alert spooled on this host while ${redis.url} was unreachable handed over to it`,
      `1 alert spooled on this host while ${redis.url} was unreachable handed over to it`,
    ])
    expect([spooledFiles(dirs.b), spooledFiles(dirs.c)]).toEqual([[], []])
    expect(firstLines().slice(2).sort()).toEqual(['🚨 four', '🚨 three'])

    const again = await runFixture(script, job('a', {mode: 'flush'}))
    expect(JSON.parse(again.stdout)).toEqual({entries: [], waiting: 0, warnings: []})
    expect(firstLines()).toHaveLength(4)
  }, 120_000)
})
