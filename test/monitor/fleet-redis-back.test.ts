// A monitor host whose Redis was unreachable kept its check states in its own files; once Redis is back, a change
// it applied and alerted meanwhile is not applied and alerted again from Redis's older state.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {connectRedis, redisForTests} from '../store/redis-server.js'
import {callsOf, HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {type FlipServer, intervalHoldingNow, startFlipServer} from './helpers.js'
import {tempDir} from '../throttle/helpers.js'

// Stopped and started by the tests: always a Redis of our own, which comes back with what it held (a network cut).
const dataDir = tempDir('fastpay-tg-redis-data-')
const found = await redisForTests({own: true, dataDir})
const world = useCliWorld()

let api: FlipServer
beforeAll(async () => {
  api = await startFlipServer()
})
afterAll(async () => {
  await api?.close()
  await found.redis?.stop()
})
// Each test starts with Redis running and empty, also after one that failed while it was stopped.
let stopped = false
const stopRedis = async () => {
  const client = await connectRedis(found.redis!.url)
  await client.save()
  await client.quit()
  await found.redis!.stop()
  stopped = true
}
const startRedis = async () => {
  await found.redis!.start()
  stopped = false
}
afterEach(async () => {
  if (!found.redis) return
  if (stopped) await startRedis()
  const client = await connectRedis(found.redis.url)
  await client.flushall()
  await client.save()
  await client.quit()
})

const DOWN_LINES = 'down   api: status 500 Internal Server Error, expected 2xx\nalert  sent api down to health (bot health)'
const warningLine = /^Warning: store redis:\/\/127\.0\.0\.1:\d+ unreachable \(.+\); using the file store in .+ until it is back$/

describe.skipIf(found.skip !== undefined)(`a monitor host whose Redis comes back${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('a check that went down (and was alerted) while Redis was away is not alerted down again once it is back', async () => {
    const redis = found.redis!
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const home = tempDir('fastpay-tg-fleet-back-')
    const file = join(home, 'monitors.yml')
    // The passes of the test share one interval.
    writeFileSync(file, `checks:\n  - {name: api, type: http, url: "${api.url}/health", failure-threshold: 1, interval: ${intervalHoldingNow()}}\n`)
    const pass = () => world.run(['monitor', 'run', '--file', file, '--host', 'web-1'], {env: {FASTPAY_TG_STORE: redis.url}})

    api.answer = 'ok'
    expect(await pass()).toMatchObject({exitCode: 0, stdout: '', stderr: ''})
    await stopRedis()
    api.answer = 'error'
    const during = await pass()
    expect([during.exitCode, during.stdout]).toEqual([0, DOWN_LINES])
    expect(during.stderr).toMatch(warningLine)

    await startRedis()
    const after = await pass()
    expect(after).toMatchObject({exitCode: 0, stdout: '', stderr: ''})
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
    // The state in Redis is the one this host kept meanwhile: down since the pass Redis missed.
    const status = await world.run(['monitor', 'status', '--file', file, '--json'], {env: {FASTPAY_TG_STORE: redis.url}})
    expect(JSON.parse(status.stdout)).toMatchObject({checks: [{name: 'api', status: 'down'}]})
    // And the history in Redis has what the host recorded meanwhile: the incident and its alert.
    const digest = await world.run(['digest', '--since', '1h', '--dry-run'], {env: {FASTPAY_TG_STORE: redis.url}})
    expect(digest.stdout.split('\n')[3]).toMatch(/^🔴 <b>api<\/b>: \d+(\.\d+)?% up · 1 incident \(.+, ongoing\) · p50 \d+ms · p95 \d+ms · alerts 1 sent$/)
  }, 120_000)

  it('a check that came back while Redis was away, which this host never saw down, is told recovered once Redis is back', async () => {
    const redis = found.redis!
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const home = tempDir('fastpay-tg-fleet-back-')
    const file = join(home, 'monitors.yml')
    const monitors = (interval: string) =>
      writeFileSync(file, `checks:\n  - {name: api, type: http, url: "${api.url}/health", failure-threshold: 1, interval: ${interval}}\n`)
    const pass = () => world.run(['monitor', 'run', '--file', file, '--host', 'web-1'], {env: {FASTPAY_TG_STORE: redis.url}})

    api.answer = 'error'
    monitors(intervalHoldingNow())
    expect((await pass()).stdout).toBe(DOWN_LINES)
    await stopRedis()
    api.answer = 'ok'
    // A 1 s interval from here on: these results are later than the failure, whose interval began a minute ago at least.
    monitors('1s')
    const during = await pass()
    expect([during.exitCode, during.stdout]).toEqual([0, ''])
    expect(during.stderr).toMatch(warningLine)

    await startRedis()
    const after = await pass()
    expect(after).toMatchObject({exitCode: 0, stdout: 'up     api: 200 OK\nalert  sent api recovered to health (bot health)', stderr: ''})
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(2)
  }, 120_000)
})
