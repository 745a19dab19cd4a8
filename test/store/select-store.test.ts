import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {FileThrottle} from '../../src/store/file/file-throttle.js'
import {openStore, type Store} from '../../src/store/index.js'
import {closedPort} from '../api/fixture.js'
import {tempDir} from '../throttle/helpers.js'
import {connectRedis, redisForTests, testPrefix} from './redis-server.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const NO_CONFIG = '/nonexistent/config.yml'

const found = await redisForTests()
const opened: Store[] = []
afterAll(async () => {
  for (const store of opened) await store.close()
  await found.redis?.stop()
})

async function open(env: Record<string, string>, stateDir = tempDir('fastpay-tg-state-')) {
  const warnings: string[] = []
  const prefix = testPrefix()
  const store = await openStore({configPath: NO_CONFIG, env, stateDir, onWarning: (line) => warnings.push(line), redis: {prefix}})
  opened.push(store)
  return {store, warnings, stateDir, prefix}
}

describe('openStore', () => {
  it('opens the file store in the state dir by default', async () => {
    const {store, warnings, stateDir} = await open({})
    expect(store.kind).toBe('file')
    expect(store.throttle).toBeInstanceOf(FileThrottle)
    expect(await store.describe()).toEqual({kind: 'file', active: 'file', target: stateDir, source: 'default', reachable: true})
    expect(await store.throttle.decide('k', 60, T0)).toMatchObject({send: true})
    expect(readdirSync(join(stateDir, 'throttle'))).toHaveLength(1)
    expect(await store.drainLocalSpool()).toEqual({handedOver: 0, alreadyThere: 0, waiting: 0, warnings: []})
    expect(warnings).toEqual([])
  })

  it('falls back to the file store with one warning line when Redis does not answer, and keeps working', async () => {
    const port = await closedPort()
    const {store, warnings, stateDir} = await open({FASTPAY_TG_STORE: `redis://:Pa55word-secret@127.0.0.1:${port}/0`})
    expect(warnings).toEqual([
      `store redis://:***@127.0.0.1:${port}/0 unreachable (connect ECONNREFUSED 127.0.0.1:${port}); using the file store in ${stateDir} until it is back`,
    ])
    expect(store.kind).toBe('redis')
    expect(await store.throttle.decide('k', 60, T0)).toMatchObject({send: true, warnings: []})
    expect(await store.throttle.decide('k', 60, T0 + 1)).toMatchObject({send: false, suppressedCount: 1})
    const entry = await store.outbox.spool({bot: 'alerts', chatIds: [1], message: {text: 'x', parseMode: 'HTML'}})
    expect(existsSync(join(stateDir, 'outbox', `${entry.id}.json`))).toBe(true)
    expect(await store.lock.acquire('m', 1_000)).toMatchObject({name: 'm'})
    expect(await store.describe()).toEqual({
      kind: 'redis',
      active: 'file',
      target: `redis://:***@127.0.0.1:${port}/0`,
      source: 'env FASTPAY_TG_STORE',
      reachable: false,
      problem: `connect ECONNREFUSED 127.0.0.1:${port}`,
      localWaiting: 1,
    })
    expect(await store.drainLocalSpool()).toEqual({handedOver: 0, alreadyThere: 0, waiting: 1, warnings: []})
    expect(warnings).toHaveLength(1)
  })
})

describe.skipIf(found.skip !== undefined)(`openStore with Redis${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('keeps throttle state in Redis (a copy of the window it let through in the state dir), and describes it as reachable', async () => {
    const {store, warnings, stateDir, prefix} = await open({FASTPAY_TG_STORE: found.redis!.url})
    expect(await store.throttle.decide('k', 60, T0)).toMatchObject({send: true})
    // The copy is what this host's fallback reads while Redis is away (test/store/fallback-throttle.test.ts).
    expect(readdirSync(join(stateDir, 'throttle')).filter((name) => name.endsWith('.json'))).toHaveLength(1)
    const description = await store.describe()
    expect(description).toMatchObject({kind: 'redis', active: 'redis', source: 'env FASTPAY_TG_STORE', reachable: true, localWaiting: 0})
    expect(description.latencyMs).toBeTypeOf('number')
    expect(warnings).toEqual([])
    const redis = await connectRedis(found.redis!.url)
    try {
      expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}throttle:k`])
    } finally {
      await redis.quit()
    }
  })
})
