// Redis stopping while `alert` waits for Telegram's answer: handled as a Redis unreachable from the start (one
// warning line, this host's files), and once Redis is back nothing is sent twice and nothing is lost. The fake API
// holds sendMessage until the test has stopped Redis, so the order of events is fixed, not timed.
import {readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest'

import {tempDir} from '../throttle/helpers.js'
import {connectRedis, redisForTests, type RedisForTests, type TestRedis} from '../store/redis-server.js'
import {ALERTS_BOT, callsOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()

const dataDir = tempDir('fastpay-tg-redis-data-')
let available: RedisForTests
beforeAll(async () => {
  available = await redisForTests({own: true, dataDir})
})
afterAll(async () => {
  await available.redis?.stop()
})
// Each test starts with Redis running, also after one that failed while it was stopped.
let stopped = false
afterEach(async () => {
  if (stopped) await available.redis?.start()
  stopped = false
})

const spooled = () => readdirSync(join(world.cli.stateDir, 'outbox')).filter((name) => name.endsWith('.json'))
const messageCount = () => world.api.messages(ON_CALL.id).length

/** Holds the next sendMessage until `release`; resolves `arrived` once it reached the fake API. */
function holdNextSend(then?: {status: 502}) {
  let release = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  world.api.failNext({method: 'sendMessage', kind: {gate, ...(then ? {then} : {})}})
  const arrived = vi.waitFor(() => expect(callsOf(world.api, 'sendMessage')).toHaveLength(1), {timeout: 20_000, interval: 10})
  return {release, arrived}
}

/** Stops Redis, first writing its data to disk when `save` (it comes back with it), else losing it. */
async function stopRedis(redis: TestRedis, save: boolean) {
  if (save) {
    const client = await connectRedis(redis.url)
    await client.save()
    await client.quit()
  }
  await redis.stop()
  stopped = true
  if (!save) rmSync(join(dataDir, 'dump.rdb'), {force: true})
}

/** The outbox entries Redis keeps, of every bot. */
async function entriesInRedis(redis: TestRedis): Promise<number> {
  const client = await connectRedis(redis.url)
  try {
    const keys = await client.keys('fastpay-tg:outbox:*:entries')
    return (await Promise.all(keys.map((key) => client.hlen(key)))).reduce((sum, count) => sum + count, 0)
  } finally {
    await client.quit()
  }
}

describe('alert whose Redis stops while Telegram answers', () => {
  const warningLine = (url: string) =>
    new RegExp(`^Warning: store ${url.replaceAll('.', '\\.')} unreachable \\(.+\\); using the file store in .+ until it is back$`)

  it('an alert Telegram took exits 0; Redis back with the held entry, no flush sends it again', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const redis = available.redis
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id), FASTPAY_TG_STORE: redis.url}
    const send = holdNextSend()
    const running = world.run(['alert', 'Redis restart double', '--no-host'], {env})
    await send.arrived
    await stopRedis(redis, true)
    send.release()
    const alert = await running

    expect([alert.exitCode, alert.stdout]).toEqual([0, `sent to ${ON_CALL.id}: message 1`])
    expect(alert.stderr.split('\n')).toHaveLength(1)
    expect(alert.stderr).toMatch(warningLine(redis.url))
    expect(spooled()).toEqual([])

    await redis.start()
    stopped = false
    // Redis came back with the entry the alert held: only this host knows that Telegram took it.
    expect(await entriesInRedis(redis)).toBe(1)
    const outbox = await world.run(['alert', 'outbox'], {env})
    expect([outbox.exitCode, outbox.stdout, outbox.stderr]).toEqual([0, 'outbox empty', ''])
    const flush = await world.run(['alert', 'flush'], {env})
    expect([flush.exitCode, flush.stderr]).toEqual([0, ''])
    expect(messageCount()).toBe(1)
    expect(await entriesInRedis(redis)).toBe(0)
  })

  it('an alert Telegram did not take is spooled on this host (exit 75) and delivered once Redis is back empty', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const redis = available.redis
    const env = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id), FASTPAY_TG_STORE: redis.url}
    const send = holdNextSend({status: 502})
    world.api.failNext({method: 'sendMessage', kind: {status: 502}, times: 20})
    const running = world.run(['alert', 'Redis lost mid-send', '--no-host', '--json'], {env})
    await send.arrived
    await stopRedis(redis, false)
    send.release()
    const alert = await running

    expect(alert.exitCode).toBe(75)
    const result = JSON.parse(alert.stdout) as {status: string; spooled: {id: string; chatIds: number[]}; warnings: string[]}
    expect([result.status, result.spooled.chatIds]).toEqual(['spooled', [ON_CALL.id]])
    expect(spooled()).toEqual([`${result.spooled.id}.json`])
    expect(alert.stderr.split('\n')).toHaveLength(1)
    expect(alert.stderr).toMatch(warningLine(redis.url))
    expect(messageCount()).toBe(0)

    await redis.start()
    stopped = false
    world.api.reset()
    const flush = await world.run(['alert', 'flush'], {env})
    expect([flush.exitCode, flush.stderr]).toEqual([0, `Warning: 1 alert spooled on this host while ${redis.url} was unreachable handed over to it`])
    expect(messageCount()).toBe(1)
    expect(spooled()).toEqual([])
    const again = await world.run(['alert', 'flush'], {env})
    expect([again.exitCode, messageCount()]).toEqual([0, 1])
  })
})
