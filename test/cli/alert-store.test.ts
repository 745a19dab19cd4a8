// The alert door on the shared store: two hosts (separate state dirs) throttle together through Redis, and an
// unreachable Redis costs one warning line, not the alert. The database of the URL: a path that is no number is a
// mistake (one line, exit 2), and a number the server does not have is never served from database 0.
import {randomBytes} from 'node:crypto'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {connectRedis, redisForTests, type RedisForTests} from '../store/redis-server.js'
import {ALERTS_BOT, callsOf, closedApiRoot, expectUsageError, ON_CALL, useCliWorld} from './fixture.js'
import {createCliSandbox} from '../helpers/run-cli.js'

const world = useCliWorld()
const asAlerts = {TELEGRAM_BOT_TOKEN: ALERTS_BOT.token, TELEGRAM_CHAT_IDS: String(ON_CALL.id)}

let available: RedisForTests
beforeAll(async () => {
  available = await redisForTests()
})
afterAll(async () => {
  if (available.redis?.own) await available.redis.stop()
})

describe('alert with FASTPAY_TG_STORE=redis://', () => {
  it('throttles one key across two hosts: the second host suppresses', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const otherHost = createCliSandbox(world.api.url)
    try {
      // A key of its own, so a Redis shared with other runs holds no window for it.
      const title = `Queue stuck ${randomBytes(4).toString('hex')}`
      const env = {...asAlerts, FASTPAY_TG_STORE: available.redis.url}
      const first = await world.run(['alert', title, '--no-host'], {env})
      const second = await otherHost.run(['alert', title, '--no-host'], {env})
      expect([first.exitCode, first.stderr]).toEqual([0, ''])
      expect(first.stdout).toBe(`sent to ${ON_CALL.id}: message 1`)
      expect([second.exitCode, second.stderr]).toEqual([0, ''])
      expect(second.stdout).toMatch(new RegExp(`^suppressed: 1 alert\\(s\\) with key "alerts:${title}" held back; the next can go at `))
      expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
    } finally {
      otherHost.cleanup()
    }
  })
})

describe('alert with a Redis URL its client cannot read', () => {
  // The Redis client percent-decodes the password and throws on a `%` that starts no escape: this was "unexpected
  // error: URI malformed", exit 1, and the same in every door that opens the store.
  it('a password with a bare %: one line naming the variable and the fix, exit 2, never the password', async () => {
    const env = {...asAlerts, FASTPAY_TG_STORE: 'redis://:50%off-s3cret@127.0.0.1:6379/0'}
    const result = await world.run(['alert', 'Disk full', '--no-host'], {env})
    expect(result).toEqual({
      stdout: '',
      stderr: 'Error: env FASTPAY_TG_STORE: the password holds a "%" that starts no %XX escape (write "%" as %25)',
      exitCode: 2,
    })
    expect(world.api.requests).toEqual([])
  })
})

describe('alert with an unreachable Redis', () => {
  it('says so in one line and still sends, throttled on this host', async () => {
    const port = new URL(await closedApiRoot()).port
    const env = {...asAlerts, FASTPAY_TG_STORE: `redis://:s3cret-pass@127.0.0.2:${port}/0`}
    const first = await world.run(['alert', 'Disk full', '--no-host'], {env})
    expect(first.exitCode).toBe(0)
    expect(first.stdout).toBe(`sent to ${ON_CALL.id}: message 1`)
    const warnings = first.stderr.split('\n')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(new RegExp(`^Warning: store redis://:\\*\\*\\*@127\\.0\\.0\\.2:${port}/0 unreachable \\(.+\\); using the file store in .+ until it is back$`))
    expect(first.stderr).not.toContain('s3cret-pass')
    const second = await world.run(['alert', 'Disk full', '--no-host'], {env})
    expect(second.stdout).toMatch(/^suppressed: 1 alert\(s\)/)
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(1)
  })
})

/** The URL of the test's Redis with `path` after the port. */
const storeUrl = (path: string) => `redis://${new URL(available.redis!.url).host}${path}`

describe('FASTPAY_TG_STORE with a database', () => {
  it.for(['/abc', '/-1', '/1.5', '/2/x', '?db=abc'])('refuses %s in one line naming the variable, exit 2, with nothing sent', async (path, context) => {
    if (!available.redis) return context.skip(available.skip)
    const result = await world.run(['alert', 'Disk full', '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: storeUrl(path)}})
    expectUsageError(result, 'Error: env FASTPAY_TG_STORE: the database after the port is a number, such as redis://10.0.0.5:6379/0')
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(0)
  })

  // The client takes the path and ignores ?db=: `/5?db=7` wrote into database 5, though the user may have meant 7.
  it.for(['/5?db=7', '/0?db=3', '/2?db=abc'])('refuses %s (two databases) in one line naming the variable, exit 2, with nothing sent', async (path, context) => {
    if (!available.redis) return context.skip(available.skip)
    const result = await world.run(['alert', 'Disk full', '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: storeUrl(path)}})
    const [, after, query] = /^\/(\w+)\?db=(\w+)$/.exec(path)!
    expectUsageError(result, `Error: env FASTPAY_TG_STORE: the database is given twice (/${after} and ?db=${query}): keep one`)
    expect(callsOf(world.api, 'sendMessage')).toHaveLength(0)
  })

  // ioredis takes any ?name=value as a client option over ours: ?connectTimeout=abc crashed the run with a stack trace;
  // ?commandTimeout=600000 let a Redis that stopped answering hold every alert for ten minutes instead of five seconds.
  it.for(['?connectTimeout=abc', '?commandTimeout=600000', '?enableOfflineQueue=true', '?db=2&keyPrefix=x'])(
    'refuses %s in one line naming the setting, exit 2, with nothing sent',
    async (query, context) => {
      if (!available.redis) return context.skip(available.skip)
      const result = await world.run(['alert', 'Disk full', '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: storeUrl(`/0${query}`)}})
      const name = /[?&](connectTimeout|commandTimeout|enableOfflineQueue|keyPrefix)=/.exec(query)![1]
      expectUsageError(result, `Error: env FASTPAY_TG_STORE: ?${name}= is not a setting of the store URL (it takes db, username, password and family)`)
      expect(callsOf(world.api, 'sendMessage')).toHaveLength(0)
    },
  )

  // The address family is a setting of the link, not of our timeouts: ?family=6 is how hosts on an IPv6-only private
  // network (Fly.io's) reach their Redis, and the client reads it from the URL.
  it('?family=4 or 6 is read as the client reads it: the alert goes through that Redis, no warning', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    // A title of its own: database 0 of a shared Redis may still hold the window of an earlier run's alert.
    const title = `Disk full ${randomBytes(4).toString('hex')}`
    const result = await world.run(['alert', title, '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: storeUrl('/0?family=4')}})
    expect(result).toEqual({stdout: `sent to ${ON_CALL.id}: message 1`, stderr: '', exitCode: 0})
    const bad = await world.run(['alert', 'Disk full', '--no-host'], {env: {...asAlerts, FASTPAY_TG_STORE: storeUrl('/0?family=ipv6')}})
    expectUsageError(bad, 'Error: env FASTPAY_TG_STORE: ?family= is 4 or 6 (the address family), got "ipv6"')
  })

  it('a database the server does not have: one warning, this host\'s files, and nothing written to database 0', async (context) => {
    if (!available.redis) return context.skip(available.skip)
    const title = `Disk full ${randomBytes(4).toString('hex')}`
    const env = {...asAlerts, FASTPAY_TG_STORE: storeUrl('/99')}
    const first = await world.run(['alert', title, '--no-host'], {env})
    expect([first.exitCode, first.stdout]).toEqual([0, `sent to ${ON_CALL.id}: message 1`])
    expect(first.stderr).toMatch(/^Warning: store redis:\/\/127\.0\.0\.1:\d+\/99 unreachable \(ERR DB index is out of range\); using the file store in .+ until it is back$/)
    const second = await world.run(['alert', title, '--no-host'], {env})
    expect(second.stdout).toMatch(/^suppressed: 1 alert\(s\)/)
    const client = await connectRedis(available.redis.url)
    try {
      expect(await client.keys(`*${title}*`)).toEqual([])
    } finally {
      await client.quit()
    }
  })
})
