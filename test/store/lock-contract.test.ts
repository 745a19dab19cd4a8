// FileLockStore and RedisLock grant leases alike: the same cases run against both.
import {describe, expect, it} from 'vitest'

import {FileLockStore, type LockStore, RedisLock} from '../../src/store/index.js'
import {tempDir} from '../throttle/helpers.js'
import {redisForFile, testPrefix} from './redis-server.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const TTL = 30_000

const sharedRedis = await redisForFile()

interface Backend {
  name: string
  skip?: string
  /** Two hosts sharing the locks, and a way to let a lease run out as time would. */
  open: () => Promise<{a: LockStore; b: LockStore; expire: (name: string) => Promise<void>; now: () => number}>
}

const backends: Backend[] = [
  {
    name: 'FileLockStore',
    open: async () => {
      const dir = tempDir('fastpay-tg-locks-')
      let now = T0
      const clock = () => now
      return {
        a: new FileLockStore({dir, holder: 'host-a/1', now: clock}),
        b: new FileLockStore({dir, holder: 'host-b/2', now: clock}),
        expire: async () => void (now += TTL),
        now: clock,
      }
    },
  },
  {
    name: 'RedisLock',
    skip: sharedRedis.skip,
    open: async () => {
      const redis = await sharedRedis.client()
      const prefix = testPrefix()
      const a = new RedisLock({redis, prefix, holder: 'host-a/1', now: () => T0})
      // Redis expires the key by itself; deleting it is that moment, without waiting for it.
      return {a, b: new RedisLock({redis, prefix, holder: 'host-b/2', now: () => T0}), expire: async (name) => void (await redis.del(a.keyFor(name))), now: () => T0}
    },
  },
]

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    it('grants a lease to one host at a time, and names its holder', async () => {
      const {a, b} = await backend.open()
      const lease = await a.acquire('monitor:disk', TTL)
      expect(lease).toEqual({name: 'monitor:disk', token: expect.stringMatching(/^[0-9a-f]{24}$/), holder: 'host-a/1', expiresAt: T0 + TTL})
      expect(await b.acquire('monitor:disk', TTL)).toBeUndefined()
      expect(await b.acquire('monitor:cpu', TTL)).toMatchObject({holder: 'host-b/2'})
      const held = await b.holder('monitor:disk')
      expect(held?.holder).toBe('host-a/1')
      expect(held!.expiresAt).toBeGreaterThan(T0 + TTL - 1_000)
      expect(held!.expiresAt).toBeLessThanOrEqual(T0 + TTL)
    })

    it('lets only the holder end its lease, after which another host takes it', async () => {
      const {a, b} = await backend.open()
      const lease = (await a.acquire('k', TTL))!
      expect(await b.release({...lease, token: 'f'.repeat(24)})).toBe(false)
      expect(await b.acquire('k', TTL)).toBeUndefined()
      expect(await a.release(lease)).toBe(true)
      expect(await a.holder('k')).toBeUndefined()
      expect(await b.acquire('k', TTL)).toMatchObject({holder: 'host-b/2'})
      expect(await a.release(lease)).toBe(false)
    })

    it('renews a lease it holds, and refuses to renew one that ran out and was taken', async () => {
      const {a, b, expire} = await backend.open()
      const lease = (await a.acquire('k', TTL))!
      expect(await a.renew(lease, TTL)).toBe(true)
      await expire('k')
      const taken = await b.acquire('k', TTL)
      expect(taken).toMatchObject({holder: 'host-b/2'})
      expect(await a.renew(lease, TTL)).toBe(false)
      expect(await a.release(lease)).toBe(false)
      expect((await a.holder('k'))?.holder).toBe('host-b/2')
    })
  })
}
