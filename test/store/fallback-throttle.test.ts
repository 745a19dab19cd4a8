// The throttle of a Redis store keeps a copy of each window Redis opens for this host in its files, so that an outage
// does not let the same alert out again; the copy follows a release, and no held-back alert is counted twice.
import {afterAll, describe, expect, it} from 'vitest'

import {openStore, type Store} from '../../src/store/index.js'
import {tempDir} from '../throttle/helpers.js'
import {connectRedis, redisForTests, testPrefix} from './redis-server.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const WINDOW = 60

// Redis comes back with what it held (SAVE before each stop), as a restarted server with persistence does.
const found = await redisForTests({own: true, dataDir: tempDir('fastpay-tg-redis-data-')})
afterAll(() => found.redis?.stop())

let down = false
async function outage(): Promise<void> {
  down = true
  const client = await connectRedis(found.redis!.url)
  await client.save()
  await client.quit()
  await found.redis!.stop()
}

async function withStore(test: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore({
    configPath: '/nonexistent/config.yml',
    env: {FASTPAY_TG_STORE: found.redis!.url},
    stateDir: tempDir('fastpay-tg-fallback-throttle-'),
    onWarning: () => {},
    redis: {prefix: testPrefix(), retryAfterMs: 0},
  })
  try {
    await test(store)
  } finally {
    await store.close()
    if (down) await found.redis!.start()
    down = false
  }
}

describe.skipIf(found.skip !== undefined)(`a window Redis opened, once Redis is away${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('holds the key back on this host; each held-back alert is reported by one store only', () =>
    withStore(async ({throttle}) => {
      expect(await throttle.decide('k', WINDOW, T0)).toMatchObject({send: true})
      expect(await throttle.decide('k', WINDOW, T0 + 1)).toMatchObject({send: false, suppressedCount: 1})
      await outage()
      // Redis's count is Redis's to report: this host's files count their own (1, not 2).
      expect(await throttle.decide('k', WINDOW, T0 + 2)).toMatchObject({send: false, suppressedCount: 1})
      await found.redis!.start()
      down = false
      const next = await throttle.decide('k', WINDOW, T0 + 60_001)
      expect(next).toMatchObject({send: true, suppressed: {count: 1, since: new Date(T0 + 1)}})
      await outage()
      // Held back by the copy of Redis's new window; the files still count the one Redis never saw (T0 + 2).
      expect(await throttle.decide('k', WINDOW, T0 + 60_002)).toMatchObject({send: false, suppressedCount: 2, since: new Date(T0 + 2)})
    }))

  it('a window given back in Redis (the alert reached no chat) is given back in the copy too', () =>
    withStore(async ({throttle}) => {
      const sent = await throttle.decide('r', WINDOW, T0)
      if (!sent.send || !sent.ticket) throw new Error('expected a send with a ticket')
      expect(await throttle.release(sent.ticket, T0 + 1)).toEqual([])
      await outage()
      expect(await throttle.decide('r', WINDOW, T0 + 2)).toMatchObject({send: true})
    }))
})
