// Two `alert flush` runs at once (two hosts on Redis, two processes on one host's files): each entry is delivered
// once, and the run whose entry the other is delivering says so, exit 0: nothing of its own waits. It said
// "1 alert(s) still waiting", exit 75, which tells cron that Telegram could not take it.
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {createCliSandbox} from '../helpers/run-cli.js'
import {redisForTests, type RedisForTests} from '../store/redis-server.js'
import {ALERTS_BOT, callsOf, closedApiRoot, jsonOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()

let available: RedisForTests
beforeAll(async () => {
  available = await redisForTests({own: true})
})
afterAll(async () => {
  await available.redis?.stop()
})

describe('alert flush while another flush delivers the entry', () => {
  it.for(['file', 'redis'] as const)('%s store: "being delivered by another run", exit 0; delivered once', async (kind, context) => {
    if (kind === 'redis' && !available.redis) return context.skip(available.skip)
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id), ...(kind === 'redis' ? {FASTPAY_TG_STORE: available.redis!.url} : {})}
    const spooled = await world.run(['alert', 'Settlement stuck', '--no-host'], {env: {...env, TELEGRAM_API_BASE_URL: await closedApiRoot()}})
    expect(spooled.exitCode).toBe(75)

    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    world.api.failNext({method: 'sendMessage', kind: {gate}})
    const first = world.run(['alert', 'flush'], {env})
    await vi.waitFor(() => expect(callsOf(world.api, 'sendMessage')).toHaveLength(1), {timeout: 20_000, interval: 10})
    // Another host on Redis; another process of this host on the files.
    const otherHost = kind === 'redis' ? createCliSandbox(world.api.url) : world.cli
    try {
      const second = await otherHost.run(['alert', 'flush'], {env})
      expect(second).toEqual({exitCode: 0, stdout: '1 alert(s) being delivered by another run', stderr: ''})
      const json = await otherHost.run(['alert', 'flush', '--json'], {env})
      expect(json.exitCode).toBe(0)
      expect(jsonOf(json)).toMatchObject({waiting: 0, deliveringElsewhere: 1})
    } finally {
      release()
      if (otherHost !== world.cli) otherHost.cleanup()
    }
    const done = await first
    expect([done.exitCode, done.stderr]).toEqual([0, ''])
    expect(done.stdout).toMatch(/^delivered \S+ \(bot env TELEGRAM_BOT_TOKEN \(bot 7012345678\)\) to 4242\noutbox empty$/)
    expect(world.api.messages(ON_CALL.id)).toHaveLength(1)
  })
})
