// `digest` reads the history wherever `monitor run` wrote it: on a Redis store it used to read the state dir's files
// and say "No monitor results in this period" (issue 14). Both commands run as the built CLI.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {HEALTH_BOT, ON_CALL, useCliWorld, writeRegistry} from '../cli/fixture.js'
import {type FlipServer, startFlipServer} from '../monitor/helpers.js'
import {freshRedisDatabase, redisForTests} from '../store/redis-server.js'
import {tempDir} from '../throttle/helpers.js'

const found = await redisForTests()
const world = useCliWorld()

let failing: FlipServer
beforeAll(async () => {
  failing = await startFlipServer()
  failing.answer = 'error'
})
afterAll(async () => {
  await failing?.close()
  await found.redis?.stop()
})


type DigestJson = {checks: Array<{name: string; results: number; passed: number; alerts: {sent: number}}>; text: string}

describe.skipIf(found.skip !== undefined)(`digest on a Redis store${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('sees the history monitor run wrote to Redis, from another state dir; the file store of that dir has none', async () => {
    const storeUrl = await freshRedisDatabase(found.redis!.url, 14)
    writeRegistry(world.cli, `bots:\n  - name: health\n    token: ${HEALTH_BOT.token}\n    chat_ids: [${ON_CALL.id}]\n`)
    const home = tempDir('fastpay-tg-digest-redis-')
    const file = join(home, 'monitors.yml')
    writeFileSync(file, `checks:\n  - {name: api, type: http, url: "${failing.url}/health", failure-threshold: 1}\n`)
    const onRedis = {env: {FASTPAY_TG_STORE: storeUrl}}

    const run = await world.run(['monitor', 'run', '--file', file, '--state-dir', join(home, 'monitor-host')], onRedis)
    expect([run.exitCode, run.stderr]).toEqual([0, ''])
    expect(world.api.messages(ON_CALL.id)).toHaveLength(1)

    const digest = await world.run(['digest', '--since', '1h', '--dry-run', '--json', '--state-dir', join(home, 'digest-host')], onRedis)
    expect([digest.exitCode, digest.stderr]).toEqual([0, ''])
    const {checks, text} = JSON.parse(digest.stdout) as DigestJson
    expect(checks.map(({name, results, passed, alerts}) => ({name, results, passed, sent: alerts.sent}))).toEqual([{name: 'api', results: 1, passed: 0, sent: 1}])
    expect(text).not.toContain('No monitor results')

    // The same command on the file store of that state dir: nothing was ever written there.
    const local = await world.run(['digest', '--since', '1h', '--dry-run', '--json', '--state-dir', join(home, 'digest-host')])
    expect((JSON.parse(local.stdout) as DigestJson).checks).toEqual([])
  })
})
