// FileThrottle and RedisThrottle answer alike: the same cases run against both.
import {describe, expect, it} from 'vitest'

import {RedisThrottle, type ThrottleStore} from '../../src/store/index.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {tempDir} from '../throttle/helpers.js'
import {redisForFile, testPrefix} from './redis-server.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const WINDOW = 60

const sharedRedis = await redisForFile()

const backends: Array<{name: string; skip?: string; open: () => Promise<ThrottleStore>}> = [
  {name: 'FileThrottle', open: async () => new FileThrottle({dir: tempDir()})},
  {
    name: 'RedisThrottle',
    skip: sharedRedis.skip,
    open: async () => new RedisThrottle({redis: await sharedRedis.client(), prefix: testPrefix()}),
  },
]

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    it('lets one alert through per window and reports the suppressed ones with the next', async () => {
      const throttle = await backend.open()
      expect(await throttle.decide('disk', WINDOW, T0)).toMatchObject({send: true, warnings: []})
      expect(await throttle.decide('disk', WINDOW, T0 + 1_000)).toEqual({
        send: false,
        suppressedCount: 1,
        since: new Date(T0 + 1_000),
        nextAt: new Date(T0 + 60_000),
        warnings: [],
      })
      expect(await throttle.decide('disk', WINDOW, T0 + 59_999)).toMatchObject({send: false, suppressedCount: 2})
      const next = await throttle.decide('disk', WINDOW, T0 + 60_000)
      expect(next).toMatchObject({send: true, suppressed: {count: 2, since: new Date(T0 + 1_000)}})
      const quiet = await throttle.decide('disk', WINDOW, T0 + 120_000)
      expect(quiet.send).toBe(true)
      expect(quiet).not.toHaveProperty('suppressed')
    })

    it('keeps keys apart', async () => {
      const throttle = await backend.open()
      await throttle.decide('alerts:disk', WINDOW, T0)
      expect(await throttle.decide('alerts:cpu', WINDOW, T0)).toMatchObject({send: true})
      expect(await throttle.decide('alerts:disk', WINDOW, T0)).toMatchObject({send: false, suppressedCount: 1})
    })

    it('lets exactly one of many concurrent calls through, and numbers the others 1..n', async () => {
      const throttle = await backend.open()
      const decisions = await Promise.all(Array.from({length: 25}, () => throttle.decide('k', WINDOW, T0)))
      expect(decisions.filter((decision) => decision.send)).toHaveLength(1)
      const counts = decisions.flatMap((decision) => (decision.send ? [] : [decision.suppressedCount]))
      expect(counts.sort((a, b) => a - b)).toEqual(Array.from({length: 24}, (_, index) => index + 1))
    })

    it('does not hold alerts back for a day when the clock was set back by a day', async () => {
      const throttle = await backend.open()
      await throttle.decide('k', WINDOW, T0)
      expect(await throttle.decide('k', WINDOW, T0 - 86_400_000)).toMatchObject({send: true})
    })

    it('mutes a key until a time, counting what it held back, and lifts a mute given a past time', async () => {
      const throttle = await backend.open()
      expect(await throttle.mute('k', T0 + 3_600_000, T0)).toEqual([])
      expect(await throttle.decide('k', WINDOW, T0 + 10)).toEqual({
        send: false,
        suppressedCount: 1,
        since: new Date(T0 + 10),
        nextAt: new Date(T0 + 3_600_000),
        mutedUntil: new Date(T0 + 3_600_000),
        warnings: [],
      })
      expect(await throttle.decide('k', WINDOW, T0 + 3_600_000)).toMatchObject({send: true, suppressed: {count: 1, since: new Date(T0 + 10)}})
      await throttle.mute('other', T0 + 3_600_000, T0)
      await throttle.mute('other', 0, T0 + 1)
      expect(await throttle.decide('other', WINDOW, T0 + 2)).toMatchObject({send: true})
    })

    it('gives a window back with release, keeping the count, and leaves a later window alone', async () => {
      const throttle = await backend.open()
      await throttle.decide('k', WINDOW, T0)
      await throttle.decide('k', WINDOW, T0 + 1_000)
      const refused = await throttle.decide('k', WINDOW, T0 + 61_000)
      expect(refused).toMatchObject({send: true, suppressed: {count: 1}})
      await throttle.decide('k', WINDOW, T0 + 62_000)
      expect(refused.send && (await throttle.release(refused.ticket!, T0 + 63_000))).toEqual([])
      expect(await throttle.decide('k', WINDOW, T0 + 64_000)).toMatchObject({send: true, suppressed: {count: 2, since: new Date(T0 + 1_000)}})

      const first = await throttle.decide('later', WINDOW, T0)
      await throttle.decide('later', WINDOW, T0 + 61_000)
      expect(first.send).toBe(true)
      await throttle.release(first.send ? first.ticket! : {key: 'later', sendId: 'none'}, T0 + 62_000)
      expect(await throttle.decide('later', WINDOW, T0 + 63_000)).toMatchObject({send: false, suppressedCount: 1})
    })

    it('peeks without recording anything', async () => {
      const throttle = await backend.open()
      expect(await throttle.peek('k', WINDOW, T0)).toMatchObject({send: true})
      expect(await throttle.decide('k', WINDOW, T0)).toMatchObject({send: true})
      expect(await throttle.peek('k', WINDOW, T0 + 5)).toMatchObject({send: false, suppressedCount: 1})
      expect(await throttle.decide('k', WINDOW, T0 + 6)).toMatchObject({send: false, suppressedCount: 1})
    })
  })
}

describe.skipIf(sharedRedis.skip !== undefined)(`RedisThrottle keys${sharedRedis.skip ? ` (${sharedRedis.skip})` : ''}`, () => {
  it('keeps a key for its window plus the retention, so that an idle key goes away by itself', async () => {
    const redis = await sharedRedis.client()
    const throttle = new RedisThrottle({redis, prefix: testPrefix(), retentionMs: 3_600_000})
    await throttle.decide('k', WINDOW, T0)
    const ttl = await redis.pttl(throttle.keyFor('k'))
    expect(ttl).toBeGreaterThan(3_600_000)
    expect(ttl).toBeLessThanOrEqual(3_660_000)
    await throttle.mute('k', T0 + 86_400_000, T0)
    expect(await redis.pttl(throttle.keyFor('k'))).toBeGreaterThan(86_400_000)
    expect(await redis.hget(throttle.keyFor('k'), 'lastSentAt')).toBe(String(T0))
  })
})
