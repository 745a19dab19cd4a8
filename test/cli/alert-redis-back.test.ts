// A throttle window opened in this host's files while Redis was unreachable still holds once Redis is back: the
// alert (or deploy notice) it let through is not sent again by this host, nor by another host, within the window.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'
import {redisForTests, type RedisForTests} from '../store/redis-server.js'
import {closedPort} from '../api/fixture.js'
import {ALERTS_BOT, callsOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const asAlerts = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}

let available: RedisForTests
beforeAll(async () => {
  // Stopped and started by the tests: always a Redis of our own.
  available = await redisForTests({own: true})
})
afterAll(async () => {
  await available.redis?.stop()
})

const warningLine = /^Warning: store redis:\/\/127\.0\.0\.1:\d+ unreachable \(.+\); using the file store in .+ until it is back$/

describe('a throttle window opened while Redis was unreachable', () => {
  it('holds the same key back once Redis is back, on this host and on another', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const redis = available.redis
    const otherHost = createCliSandbox(world.api.url)
    try {
      const env = {...asAlerts, FASTPAY_TG_STORE: redis.url}
      await redis.stop()
      const during = await world.run(['alert', 'Payments API down', '--no-host'], {env})
      expect([during.exitCode, during.stdout]).toEqual([0, `sent to ${ON_CALL.id}: message 1`])
      expect(during.stderr).toMatch(warningLine)

      await redis.start()
      const again = await world.run(['alert', 'Payments API down', '--no-host'], {env})
      expect([again.exitCode, again.stderr]).toEqual([0, ''])
      expect(again.stdout).toMatch(/^suppressed: 1 alert\(s\) with key "alerts:Payments API down" held back; the next can go at /)
      const elsewhere = await otherHost.run(['alert', 'Payments API down', '--no-host'], {env})
      expect([elsewhere.exitCode, elsewhere.stderr]).toEqual([0, ''])
      expect(elsewhere.stdout).toMatch(/^suppressed: 2 alert\(s\) with key "alerts:Payments API down" held back; the next can go at /)
      expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
    } finally {
      otherHost.cleanup()
    }
  })

  it('holds the same deploy notice back (deploy --throttle-seconds) once Redis is back', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const redis = available.redis
    const env = {...asAlerts, FASTPAY_TG_STORE: redis.url}
    const deploy = ['deploy', '--status', 'success', '--environment', 'production', '--repository', 'fastpay/api', '--sha', '9f3c2d1', '--throttle-seconds', '60']
    await redis.stop()
    const during = await world.run(deploy, {env})
    expect([during.exitCode, during.stdout]).toEqual([0, `${ON_CALL.id}:1`])

    await redis.start()
    const again = await world.run(deploy, {env})
    expect(again).toEqual({exitCode: 0, stdout: '', stderr: 'Warning: deploy notice suppressed: the same notice went out within the window (1 held back so far)'})
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })
})

describe('a throttle window opened in Redis', () => {
  // The fallback reads this host's files: a window Redis admitted was in Redis only, so the same alert went out again.
  it('holds the same key back on this host once Redis is unreachable, within the window', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const sent = await world.run(['alert', 'Ledger lag', '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: available.redis.url}})
    expect([sent.exitCode, sent.stdout, sent.stderr]).toEqual([0, `sent to ${ON_CALL.id}: message 1`, ''])

    const gone = `redis://127.0.0.1:${await closedPort()}`
    const during = await world.run(['alert', 'Ledger lag', '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: gone}})
    expect(during.exitCode).toBe(0)
    expect(during.stdout).toMatch(/^suppressed: 1 alert\(s\) with key "alerts:Ledger lag" held back; the next can go at /)
    expect(during.stderr).toMatch(warningLine)
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })
})
