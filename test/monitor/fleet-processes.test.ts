// Three monitor hosts (separate state dirs, separate `monitor run` processes of the built CLI) sharing one Redis.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {freshRedisDatabase, redisForTests} from '../store/redis-server.js'
import {callsOf, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {closedPort} from '../api/fixture.js'
import {type FlipServer, intervalHoldingNow, startFlipServer} from './helpers.js'
import {tempDir} from '../throttle/helpers.js'

const found = await redisForTests()
const world = useCliWorld()
const HOSTS = ['host-a', 'host-b', 'host-c'] as const
type Host = (typeof HOSTS)[number]

let failing: FlipServer
let passing: FlipServer
beforeAll(async () => {
  failing = await startFlipServer()
  failing.answer = 'error'
  passing = await startFlipServer()
})
afterAll(async () => {
  await failing?.close()
  await passing?.close()
  await found.redis?.stop()
})


/**
 * Each host has its own state dir and its own monitors file: `sees` says whether its view of the API is the
 * failing or the passing endpoint (one host's broken network). The passes of a test share one interval.
 */
function useFleet(storeUrl: string, quorum?: number) {
  writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
  const home = tempDir('fastpay-tg-fleet-')
  const interval = intervalHoldingNow()
  const run = (host: Host, sees: 'failing' | 'passing', extra: string[] = []) => {
    const url = sees === 'failing' ? failing.url : passing.url
    const file = join(home, `${host}.yml`)
    const quorumLine = quorum === undefined ? '' : `quorum: ${quorum}\n`
    writeFileSync(file, `${quorumLine}checks:\n  - {name: api, type: http, url: "${url}/health", failure-threshold: 1, interval: ${interval}}\n`)
    return world.run(['monitor', 'run', '--file', file, '--state-dir', join(home, host), '--host', host, ...extra], {env: {FASTPAY_TG_STORE: storeUrl}})
  }
  return {run, home, storeUrl}
}

const sendMessages = () => callsOf(world.api, 'sendMessage')
const alertTexts = () => world.api.messages(ON_CALL.id).map((message) => message.text ?? '')

type RunJson = {checks: Array<{name: string; ok: boolean; status: string; change?: string; stale?: boolean; belowQuorum?: {failing: number; quorum: number}}>; alerts: Array<{status: string}>}
const jsonOf = (stdout: string) => JSON.parse(stdout) as RunJson
const checkOf = (stdout: string) => {
  const {checks: [api]} = jsonOf(stdout)
  return {ok: api!.ok, status: api!.status, change: api!.change, stale: api!.stale, belowQuorum: api!.belowQuorum}
}
// A time of the status's own day, else date and time: a test run across midnight UTC sees the date.
const AT = String.raw`(?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}`
const DOWN_LINES = 'down   api: status 500 Internal Server Error, expected 2xx\nalert  sent api down to health (bot health)'

describe.skipIf(found.skip !== undefined)(`monitor fleet on one Redis${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('quorum 2 of 3: a failure seen by one host does not alert; seen by a second it alerts once', async () => {
    const fleet = useFleet(await freshRedisDatabase(found.redis!.url, 11), 2)

    const first = await fleet.run('host-a', 'failing', ['--json'])
    expect([first.exitCode, first.stderr]).toEqual([0, ''])
    expect(checkOf(first.stdout)).toEqual({ok: false, status: 'unknown', change: undefined, stale: undefined, belowQuorum: {failing: 1, quorum: 2}})
    expect(sendMessages()).toHaveLength(0)

    // A host that sees the API fine: no failure to count, and the check is up for the fleet.
    const second = await fleet.run('host-b', 'passing', ['--json'])
    expect(checkOf(second.stdout)).toEqual({ok: true, status: 'up', change: undefined, stale: undefined, belowQuorum: undefined})
    expect(sendMessages()).toHaveLength(0)

    // The second host that sees it failing makes the quorum: down, one alert.
    const third = await fleet.run('host-c', 'failing')
    expect(third).toEqual({exitCode: 0, stdout: DOWN_LINES, stderr: ''})
    expect(sendMessages()).toHaveLength(1)
    expect(alertTexts()[0]!.split('\n')[0]).toBe('❌ api is down')

    // host-a again, same interval: the interval's failure was counted already; nothing more is sent.
    const again = await fleet.run('host-a', 'failing', ['--json'])
    expect(checkOf(again.stdout)).toEqual({ok: false, status: 'down', change: undefined, stale: true, belowQuorum: undefined})
    expect(sendMessages()).toHaveLength(1)

    const status = await world.run(['monitor', 'status', '--file', join(fleet.home, 'host-a.yml')], {env: {FASTPAY_TG_STORE: fleet.storeUrl}})
    expect(status.exitCode).toBe(0)
    const lines = status.stdout.split('\n')
    expect(lines[0]).toMatch(/^CHECK +STATUS +SINCE +LAST CHECK +DETAIL$/)
    expect(lines[1]).toMatch(/^api +DOWN +/)
    expect(lines.slice(lines.indexOf('hosts (shared store):'))).toEqual([
      'hosts (shared store):',
      expect.stringMatching(new RegExp(`^ {2}host-a {2}last pass ${AT} UTC: api FAIL \\(status 500 Internal Server Error, expected 2xx\\)$`)),
      expect.stringMatching(new RegExp(`^ {2}host-b {2}last pass ${AT} UTC: api ok$`)),
      expect.stringMatching(new RegExp(`^ {2}host-c {2}last pass ${AT} UTC: api FAIL \\(status 500 Internal Server Error, expected 2xx\\)$`)),
    ])
  })

  it('without quorum, three hosts that see the same failure at once alert once, not three times', async () => {
    const fleet = useFleet(await freshRedisDatabase(found.redis!.url, 12))
    const runs = await Promise.all(HOSTS.map((host) => fleet.run(host, 'failing')))
    expect(runs.map((run) => [run.exitCode, run.stderr])).toEqual([[0, ''], [0, ''], [0, '']])
    expect(runs.map((run) => run.stdout).filter((stdout) => stdout !== '')).toEqual([DOWN_LINES])
    expect(sendMessages()).toHaveLength(1)
    expect(alertTexts()[0]!.split('\n')[0]).toBe('❌ api is down')
  })

  it('quorum 2 of 3 with two hosts failing at once: one alert, whichever host counts second', async () => {
    const fleet = useFleet(await freshRedisDatabase(found.redis!.url, 13), 2)
    const runs = await Promise.all([fleet.run('host-a', 'failing'), fleet.run('host-b', 'passing'), fleet.run('host-c', 'failing')])
    expect(runs.map((run) => [run.exitCode, run.stderr])).toEqual([[0, ''], [0, ''], [0, '']])
    expect(sendMessages()).toHaveLength(1)
  })
  it('Redis unreachable: one warning line, and the host monitors on its own files', async () => {
    const port = await closedPort()
    const storeUrl = `redis://127.0.0.1:${port}/0`
    const fleet = useFleet(storeUrl)
    const run = await fleet.run('host-a', 'failing')
    expect(run).toEqual({
      exitCode: 0,
      stdout: DOWN_LINES,
      stderr: `Warning: store ${storeUrl} unreachable (connect ECONNREFUSED 127.0.0.1:${port}); using the file store in ${join(fleet.home, 'host-a')} until it is back`,
    })
    expect(sendMessages()).toHaveLength(1)
  })
})
