// Key-value documents and histories (monitor state, per-host observations) behave alike on files and on Redis.
import {readdirSync, readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {FileHistory, FileKeyValue, type HistoryStore, type KeyValueStore, RedisHistory, RedisKeyValue} from '../../src/store/index.js'
import {tempDir} from '../throttle/helpers.js'
import {redisForFile, testPrefix} from './redis-server.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')

const sharedRedis = await redisForFile()

interface Backend {
  name: string
  skip?: string
  open: () => Promise<{
    kv: KeyValueStore
    history: HistoryStore
    expire: (key: string) => Promise<void>
    ttlOf: (key: string) => Promise<number | null>
    /** How many keys under the prefix the backend still keeps anything of (files, Redis keys), expired or not. */
    kept: (prefix: string) => Promise<number>
  }>
}

const backends: Backend[] = [
  {
    name: 'FileKeyValue, FileHistory',
    open: async () => {
      const dir = tempDir('fastpay-tg-state-')
      let now = T0
      const kv = new FileKeyValue({dir: `${dir}/state`, now: () => now})
      return {
        kv,
        history: new FileHistory({dir: `${dir}/history`, now: () => now}),
        expire: async () => void (now += 3_600_000),
        ttlOf: async (key) => {
          const documents = await kv.list(key)
          return documents.length === 0 ? null : 1
        },
        kept: async (prefix) => {
          const files = readdirSync(`${dir}/state`).filter((name) => name.endsWith('.json'))
          return files.filter((name) => (JSON.parse(readFileSync(`${dir}/state/${name}`, 'utf8')) as {key: string}).key.startsWith(prefix)).length
        },
      }
    },
  },
  {
    name: 'RedisKeyValue, RedisHistory',
    skip: sharedRedis.skip,
    open: async () => {
      const redis = await sharedRedis.client()
      const prefix = testPrefix()
      const kv = new RedisKeyValue({redis, prefix, now: () => T0})
      return {
        kv,
        history: new RedisHistory({redis, prefix, now: () => T0}),
        // Redis expires keys by itself; deleting one that has a time to live is that moment, without the wait.
        expire: async (key) => {
          if ((await redis.pttl(kv.keyFor(key))) > 0) await redis.del(kv.keyFor(key))
        },
        ttlOf: async (key) => {
          const ttl = await redis.pttl(kv.keyFor(key))
          return ttl === -2 ? null : ttl
        },
        kept: async (prefix) => (await redis.keys(`${kv.keyFor(prefix)}*`)).length,
      }
    },
  },
]

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    it('versions each write, and compare-and-set writes only over the version it expects', async () => {
      const {kv} = await backend.open()
      expect(await kv.get('monitor/state/disk')).toBeUndefined()
      expect(await kv.compareAndSet('monitor/state/disk', 0, {status: 'up'})).toEqual({ok: true, version: 1})
      expect(await kv.compareAndSet('monitor/state/disk', 0, {status: 'down'})).toEqual({
        ok: false,
        current: {value: {status: 'up'}, version: 1, updatedAt: T0},
      })
      expect(await kv.compareAndSet('monitor/state/disk', 1, {status: 'down'})).toEqual({ok: true, version: 2})
      expect(await kv.compareAndSet('monitor/state/cpu', 3, {status: 'down'})).toEqual({ok: false, current: undefined})
      expect(await kv.set('monitor/state/disk', {status: 'up'})).toBe(3)
      expect(await kv.get('monitor/state/disk')).toEqual({value: {status: 'up'}, version: 3, updatedAt: T0})
      await kv.delete('monitor/state/disk')
      expect(await kv.get('monitor/state/disk')).toBeUndefined()
    })

    it('lets exactly one of many racing hosts win a state change', async () => {
      const {kv} = await backend.open()
      await kv.set('monitor/state/api', {status: 'up'})
      const results = await Promise.all(Array.from({length: 20}, (_, host) => kv.compareAndSet('monitor/state/api', 1, {status: 'down', by: host})))
      expect(results.filter((result) => result.ok)).toEqual([{ok: true, version: 2}])
      expect((await kv.get('monitor/state/api'))?.version).toBe(2)
    })

    it('lists the live documents under a prefix, in key order, and forgets those past their time to live', async () => {
      const {kv, expire, ttlOf} = await backend.open()
      await kv.set('monitor/seen/api/1000/host-b', {ok: false}, {ttlMs: 120_000})
      await kv.set('monitor/seen/api/1000/host-a', {ok: false}, {ttlMs: 120_000})
      await kv.set('monitor/seen/api/2000/host-a', {ok: true})
      await kv.set('monitor/seen/api-v2/1000/host-c', {ok: true})
      expect((await kv.list('monitor/seen/api/1000/')).map(({key, value}) => [key, value])).toEqual([
        ['monitor/seen/api/1000/host-a', {ok: false}],
        ['monitor/seen/api/1000/host-b', {ok: false}],
      ])
      expect(await kv.list('monitor/seen/none/')).toEqual([])
      expect(await ttlOf('monitor/seen/api/1000/host-a')).toBeGreaterThan(0)
      await expire('monitor/seen/api/1000/host-a')
      await expire('monitor/seen/api/1000/host-b')
      expect(await kv.list('monitor/seen/api/1000/')).toEqual([])
      expect((await kv.list('monitor/seen/api/')).map(({key}) => key)).toEqual(['monitor/seen/api/2000/host-a'])
    })

    it('removeExpired leaves nothing of the expired keys under its prefix, and keeps the live ones', async () => {
      const {kv, expire, kept} = await backend.open()
      await kv.set('button-keys/aa', 'a long throttle key', {ttlMs: 120_000})
      await kv.set('button-keys/bb', 'another long throttle key')
      await expire('button-keys/aa')
      await kv.removeExpired('button-keys/')
      expect(await kept('button-keys/')).toBe(1)
      expect((await kv.get('button-keys/bb'))?.value).toBe('another long throttle key')
      expect(await kv.get('button-keys/aa')).toBeUndefined()
    })

    it('keeps the newest items of a history, newest first', async () => {
      const {history} = await backend.open()
      for (let index = 1; index <= 5; index++) await history.append('monitor/history/api', {check: index}, {keep: 3, at: T0 + index})
      expect(await history.recent('monitor/history/api', 10)).toEqual([
        {at: T0 + 5, item: {check: 5}},
        {at: T0 + 4, item: {check: 4}},
        {at: T0 + 3, item: {check: 3}},
      ])
      expect(await history.recent('monitor/history/api', 1)).toEqual([{at: T0 + 5, item: {check: 5}}])
      expect(await history.recent('monitor/history/none', 5)).toEqual([])
      // scan: the same items, one at a time (Redis reads them in chunks).
      const scanned = async (limit: number) => {
        const entries: unknown[] = []
        await history.scan('monitor/history/api', limit, (entry) => entries.push(entry))
        return entries
      }
      expect(await scanned(10)).toEqual(await history.recent('monitor/history/api', 10))
      expect(await scanned(2)).toEqual(await history.recent('monitor/history/api', 2))
    })
  })
}
