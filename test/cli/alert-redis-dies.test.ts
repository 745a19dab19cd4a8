// Redis stopping while `alert` or `alert flush` waits for Telegram's answer: handled as a Redis unreachable from the
// start (one warning line, this host's files), and once Redis is back nothing is sent twice and nothing is lost. The
// fake API holds sendMessage until the test has stopped Redis, so the order of events is fixed, not timed.
import {readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest'

import {tempDir} from '../throttle/helpers.js'
import {connectRedis, redisForTests, type RedisForTests, type TestRedis} from '../store/redis-server.js'
import {ALERTS_BOT, callsOf, ON_CALL, OPS_FORUM, useCliWorld} from './fixture.js'

const world = useCliWorld()

const dataDir = tempDir('fastpay-tg-redis-data-')
let available: RedisForTests
beforeAll(async () => {
  available = await redisForTests({own: true, dataDir})
})
afterAll(async () => {
  await available.redis?.stop()
})
// Each test starts with Redis running and empty, also after one that failed while it was stopped.
let stopped = false
afterEach(async () => {
  if (!available.redis) return
  if (stopped) await available.redis.start()
  stopped = false
  const client = await connectRedis(available.redis.url)
  await client.flushall()
  await client.quit()
  rmSync(join(dataDir, 'dump.rdb'), {force: true})
})

const spooled = () => readdirSync(join(world.cli.stateDir, 'outbox')).filter((name) => name.endsWith('.json'))
const messageCount = () => world.api.messages(ON_CALL.id).length

/** Holds the next `count` sendMessage calls until `release`; resolves `arrived` once they reached the fake API. */
function holdNextSend(then?: {status: 502}, count = 1) {
  let release = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  world.api.failNext({method: 'sendMessage', kind: {gate, ...(then ? {then} : {})}, times: count})
  const arrived = vi.waitFor(() => expect(callsOf(world.api, 'sendMessage')).toHaveLength(count), {timeout: 20_000, interval: 10})
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

describe('alert flush whose Redis stops while Telegram answers', () => {
  const chats = [ON_CALL.id, OPS_FORUM.id]
  const envFor = (redis: TestRedis) => ({TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: chats.join(','), FASTPAY_TG_STORE: redis.url})
  const perChat = () => chats.map((chatId) => world.api.messages(chatId).length)

  /** An alert Telegram refused (502) waiting in Redis's outbox for both chats: its id. */
  async function waitingInRedis(redis: TestRedis, title: string): Promise<string> {
    world.api.failNext({method: 'sendMessage', kind: {status: 502}, times: 100})
    const alert = await world.run(['alert', title, '--no-host', '--json'], {env: envFor(redis)})
    expect(alert.exitCode).toBe(75)
    world.api.reset()
    expect(await entriesInRedis(redis)).toBe(1)
    return (JSON.parse(alert.stdout) as {spooled: {id: string}}).spooled.id
  }

  it('an entry Telegram took is reported delivered; Redis back with it claimed, the next flush sends nothing again', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const redis = available.redis
    const env = envFor(redis)
    const id = await waitingInRedis(redis, 'Flush cut short after Telegram took it')
    const send = holdNextSend(undefined, 2)
    const running = world.run(['alert', 'flush'], {env})
    await send.arrived
    await stopRedis(redis, true)
    send.release()
    const flush = await running

    expect([flush.exitCode, flush.stdout]).toEqual([0, `delivered ${id} (bot env TELEGRAM_BOT_TOKEN (bot ${ALERTS_BOT.id})) to ${chats.join(', ')}\noutbox empty`])
    expect(flush.stderr).toMatch(/^Warning: store \S+ unreachable \(.+\); using the file store in .+ until it is back$/)
    expect([perChat(), spooled()]).toEqual([[1, 1], []])

    await redis.start()
    stopped = false
    // Back with the entry the flush had claimed: only this host knows that Telegram took it.
    expect(await entriesInRedis(redis)).toBe(1)
    expect(await world.run(['alert', 'outbox'], {env})).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(await world.run(['alert', 'flush'], {env})).toEqual({stdout: 'outbox empty', stderr: '', exitCode: 0})
    expect(perChat()).toEqual([1, 1])
    expect(await entriesInRedis(redis)).toBe(0)
  })

  it('an entry Telegram did not take waits in this host\'s files (exit 75) and is delivered once after Redis is back', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const redis = available.redis
    const env = envFor(redis)
    await waitingInRedis(redis, 'Flush cut short before Telegram took it')
    const send = holdNextSend({status: 502}, 2)
    world.api.failNext({method: 'sendMessage', kind: {status: 502}, times: 100})
    const running = world.run(['alert', 'flush', '--json'], {env})
    await send.arrived
    await stopRedis(redis, true)
    send.release()
    const flush = await running

    expect(flush.exitCode).toBe(75)
    const report = JSON.parse(flush.stdout) as {waiting: number; bots: Array<{entries: Array<{id: string; pending: unknown[]}>}>}
    expect(report.waiting).toBe(1)
    const [copy] = spooled()
    expect(report.bots.flatMap((bot) => bot.entries.map((entry) => [`${entry.id}.json`, entry.pending.length]))).toEqual([[copy, 2]])
    expect(perChat()).toEqual([0, 0])

    await redis.start()
    stopped = false
    world.api.reset()
    const again = await world.run(['alert', 'flush'], {env})
    expect([again.exitCode, again.stderr]).toEqual([0, `Warning: 1 alert spooled on this host while ${redis.url} was unreachable handed over to it`])
    expect([perChat(), spooled(), await entriesInRedis(redis)]).toEqual([[1, 1], [], 0])
    expect((await world.run(['alert', 'flush'], {env})).stdout).toBe('outbox empty')
    expect(perChat()).toEqual([1, 1])
  })
})
