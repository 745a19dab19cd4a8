// A Redis that refuses the store URL's password (wrong, or none given) is a mistake in the configuration, not an
// outage: every line says so and how to fix it (never the password). Doors that deliver keep delivering on this host's
// files (no alert is lost); `health` fails the store; `digest` stops with exit 2.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {redisForTests, type RedisForTests} from '../store/redis-server.js'
import {ALERTS_BOT, callsOf, jsonOf, ON_CALL, useCliWorld} from './fixture.js'

const world = useCliWorld()
const asAlerts = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}

let available: RedisForTests
let port = ''
beforeAll(async () => {
  available = await redisForTests({own: true, args: ['--requirepass', 'right-pass']})
  if (available.redis) port = new URL(available.redis.url).port
})
afterAll(async () => {
  await available.redis?.stop()
})

const REFUSED = 'WRONGPASS invalid username-password pair or user is disabled.'
const files = 'using the file store in .+ until it is fixed'

describe('a Redis store that refuses the password', () => {
  it('alert: one line saying the password was refused and where to fix it; sent from this host, exit 0', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const env = {...asAlerts, FASTPAY_TG_STORE: `redis://:wrong-s3cret@127.0.0.1:${port}/0`}
    const result = await world.run(['alert', 'Disk full', '--no-host'], {env})
    expect([result.exitCode, result.stdout]).toEqual([0, `sent to ${ON_CALL.id}: message 1`])
    const masked = `redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0`
    expect(result.stderr).toMatch(
      new RegExp(`^Warning: store ${masked} refused the password \\(${REFUSED.replace('.', '\\.')}\\): set the right one in env FASTPAY_TG_STORE; ${files}$`),
    )
    expect(result.stderr).not.toContain('wrong-s3cret')
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })

  // With a database other than 0 the SELECT after the refused AUTH answered NOAUTH, and that reply was the reason.
  it('alert to database 3 with a wrong password: the line still says the password was refused', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const env = {...asAlerts, FASTPAY_TG_STORE: `redis://:wrong-s3cret@127.0.0.1:${port}/3`}
    const result = await world.run(['alert', 'Disk full', '--no-host'], {env})
    expect([result.exitCode, result.stdout]).toEqual([0, `sent to ${ON_CALL.id}: message 1`])
    const masked = `redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/3`
    expect(result.stderr).toMatch(
      new RegExp(`^Warning: store ${masked} refused the password \\(${REFUSED.replace('.', '\\.')}\\): set the right one in env FASTPAY_TG_STORE; ${files}$`),
    )
    expect(result.stderr).not.toContain('wrong-s3cret')
  })

  it('alert without a password: one line saying Redis asks for one', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const env = {...asAlerts, FASTPAY_TG_STORE: `redis://127.0.0.1:${port}/0`}
    const result = await world.run(['alert', 'Disk full', '--no-host'], {env})
    expect([result.exitCode, result.stdout]).toEqual([0, `sent to ${ON_CALL.id}: message 1`])
    expect(result.stderr).toMatch(
      new RegExp(`^Warning: store redis://127\\.0\\.0\\.1:${port}/0 asks for a password \\(NOAUTH Authentication required\\.\\): set it in env FASTPAY_TG_STORE; ${files}$`),
    )
  })

  it('health: the store check fails, naming the refusal', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const env = {...asAlerts, FASTPAY_TG_STORE: `redis://:wrong-s3cret@127.0.0.1:${port}/0`}
    const result = await world.run(['health', '--json'], {env})
    const report = jsonOf(result) as {items: Array<{check: string; status: string; detail: string}>}
    expect(report.items.find((item) => item.check === 'store')).toEqual({
      check: 'store',
      status: 'fail',
      detail: `redis redis://:***@127.0.0.1:${port}/0 (env FASTPAY_TG_STORE) refused the password (${REFUSED}): set the right one in env FASTPAY_TG_STORE`,
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr).not.toContain('wrong-s3cret')
  })

  it('monitor status: exit 2 with the refusal, no state of this host\'s files shown as the fleet\'s', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const env = {...asAlerts, FASTPAY_TG_STORE: `redis://:wrong-s3cret@127.0.0.1:${port}/0`}
    const result = await world.run(['monitor', 'status'], {env})
    expect([result.exitCode, result.stdout]).toEqual([2, ''])
    expect(result.stderr.split('\n').at(-1)).toBe(
      `Error: store redis://:***@127.0.0.1:${port}/0 refused the password (${REFUSED}): set the right one in env FASTPAY_TG_STORE`,
    )
    expect(result.stderr).not.toContain('wrong-s3cret')
  })

  it('digest: exit 2 with the refusal, nothing sent', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const env = {...asAlerts, FASTPAY_TG_STORE: `redis://:wrong-s3cret@127.0.0.1:${port}/0`}
    const result = await world.run(['digest'], {env})
    expect([result.exitCode, result.stdout]).toEqual([2, ''])
    expect(result.stderr.split('\n').at(-1)).toBe(
      `Error: store redis://:***@127.0.0.1:${port}/0 refused the password (${REFUSED}): set the right one in env FASTPAY_TG_STORE`,
    )
    expect(result.stderr).not.toContain('wrong-s3cret')
    expect(world.api.requests).toEqual([])
  })
})

describe('a Redis store given a password it does not ask for', () => {
  let open: RedisForTests
  beforeAll(async () => {
    open = await redisForTests({own: true})
  })
  afterAll(async () => {
    await open.redis?.stop()
  })

  // The Redis client printed its own "[WARN] This Redis server's `default` user does not require a password…" on
  // stderr, outside --json.
  it('alert: one warning line of ours (under --json warnings too), and Redis is used', async (context) => {
    if (!open.redis) return context.skip(open.skip)
    const {port: openPort} = new URL(open.redis.url)
    const env = {...asAlerts, FASTPAY_TG_STORE: `redis://:spare-s3cret@127.0.0.1:${openPort}/0`}
    const line = `store redis://:***@127.0.0.1:${openPort}/0 asks for no password, but the URL gives one: remove it from env FASTPAY_TG_STORE`
    const plain = await world.run(['alert', 'Cache cold', '--no-host'], {env})
    expect(plain).toEqual({exitCode: 0, stdout: `sent to ${ON_CALL.id}: message 1`, stderr: `Warning: ${line}`})
    const json = await world.run(['alert', 'Cache cold', '--no-host', '--json'], {env})
    // Our warnings go to stderr under --json too (stdout stays JSON), and are carried under `warnings`.
    expect([json.exitCode, json.stderr]).toEqual([0, `Warning: ${line}`])
    const result = jsonOf(json) as {status: string; warnings?: string[]}
    // Held back by Redis: the window the first run opened there.
    expect([result.status, result.warnings]).toEqual(['suppressed', [line]])
    expect(plain.stderr + json.stdout).not.toContain('spare-s3cret')
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })
})
