// The updates a stopping `webhook serve` keeps (kept-updates.ts), on both stores: each batch is handled by exactly
// one of the serves that start at once, oldest first, and only by a serve of its own bot.
import {readdirSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {FileKeyValue, type KeyValueStore, RedisKeyValue} from '../../src/store/index.js'
import {keepUpdates, pruneKeptUpdates, takeKeptUpdates} from '../../src/webhook/kept-updates.js'
import type {QueuedUpdate} from '../../src/webhook/webhook-server.js'
import {redisForFile, testPrefix} from '../store/redis-server.js'
import {tempDir} from '../throttle/helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const sharedRedis = await redisForFile()

const backends: Array<{name: string; skip?: string; open: () => Promise<KeyValueStore>}> = [
  {name: 'files', open: async () => new FileKeyValue({dir: tempDir('fastpay-tg-kept-')})},
  {name: 'Redis', skip: sharedRedis.skip, open: async () => new RedisKeyValue({redis: await sharedRedis.client(), prefix: testPrefix()})},
]

const update = (webhookId: number, updateId: number): QueuedUpdate => ({webhookId, update: {update_id: updateId}})

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`kept updates on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    it('two stops, then serves starting at once: every update handled by exactly one, oldest stop first', async () => {
      const kv = await backend.open()
      await keepUpdates(kv, [update(1, 10), update(2, 20), update(1, 11)], T0)
      await keepUpdates(kv, [update(1, 12)], T0 + 1_000)
      const takers = await Promise.all([1, 2, 3, 4].map(() => takeKeptUpdates(kv, [1, 2])))
      const taken = takers.flat().map(({webhookId, update}) => `${webhookId}:${update.update_id}`)
      expect(taken.toSorted()).toEqual(['1:10', '1:11', '1:12', '2:20'])
      for (const one of takers) {
        const ofBot1 = one.filter(({webhookId}) => webhookId === 1).map(({update}) => update.update_id)
        expect(ofBot1).toEqual(ofBot1.toSorted())
      }
      expect(await takeKeptUpdates(kv, [1, 2])).toEqual([])
    })

    it('a batch whose taker died between its claim and its delete is taken again after a minute, not before', async () => {
      const kv = await backend.open()
      const key = 'webhook/kept-updates/1/000000000000001-gone-host-4242'
      await kv.set(key, {updates: [{update_id: 10}], takenBy: 'gone-host/4242'})
      const claimedAt = (await kv.get(key))!.updatedAt
      expect(await takeKeptUpdates(kv, [1], claimedAt + 59_000)).toEqual([])
      expect(await takeKeptUpdates(kv, [1], claimedAt + 60_000)).toEqual([update(1, 10)])
      expect(await kv.get(key)).toBeUndefined()
    })

    it('a serve takes only its own bots\' updates; the others wait for theirs', async () => {
      const kv = await backend.open()
      await keepUpdates(kv, [update(1, 10), update(2, 20)], T0)
      expect(await takeKeptUpdates(kv, [2])).toEqual([update(2, 20)])
      expect(await takeKeptUpdates(kv, [1])).toEqual([update(1, 10)])
    })
  })
}

describe('kept updates nobody took', () => {
  it('are gone after a day; serve\'s hourly prune removes their files', async () => {
    let now = T0
    const dir = tempDir('fastpay-tg-kept-')
    const kv = new FileKeyValue({dir, now: () => now})
    await keepUpdates(kv, [update(1, 10)], T0)
    expect(readdirSync(dir).filter((name) => name.endsWith('.json'))).toHaveLength(2)
    now += 24 * 3600 * 1000
    expect(await takeKeptUpdates(kv, [1], now)).toEqual([])
    await pruneKeptUpdates(kv)
    expect(readdirSync(dir).filter((name) => name.endsWith('.json'))).toEqual([])
  })
})
