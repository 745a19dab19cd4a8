// A token works once, even when two chats send `/link TOKEN` at the same moment (two `webhook serve` hosts on
// Redis, or two updates of one host): both read the unused token, both try to spend it, exactly one links.
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {LinkStore} from '../../src/store/link-store.js'
import {openStore, type Store} from '../../src/store/select-store.js'
import type {KeyValueStore} from '../../src/store/types.js'
import {consumeLinkToken, createLinkToken, type LinkOutcome} from '../../src/webhook/link-tokens.js'
import {redisForTests, type RedisForTests} from '../store/redis-server.js'

let available: RedisForTests
const dirs: string[] = []
const stores: Store[] = []
beforeAll(async () => {
  available = await redisForTests()
})
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close()
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})
afterAll(async () => {
  if (available.redis?.own) await available.redis.stop()
})

/** `kv`, except that reads of a token wait until `readers` of them have arrived: every racer sees it unused. */
function readTogether(kv: KeyValueStore, readers: number): KeyValueStore {
  let waiting = 0
  let release: () => void = () => {}
  const allThere = new Promise<void>((resolve) => (release = resolve))
  return {
    async get<T>(key: string) {
      const value = await kv.get<T>(key)
      if (!key.startsWith('links/tokens/')) return value
      if (++waiting === readers) release()
      await allThere
      return value
    },
    compareAndSet: (key, expected, value, options) => kv.compareAndSet(key, expected, value, options),
    set: (key, value, options) => kv.set(key, value, options),
    delete: (key) => kv.delete(key),
    list: (prefix) => kv.list(prefix),
    removeExpired: (prefix) => kv.removeExpired(prefix),
  }
}

async function openFor(kind: 'file' | 'redis'): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'fastpay-tg-link-race-'))
  dirs.push(dir)
  const env = {XDG_CONFIG_HOME: join(dir, 'config'), ...(kind === 'redis' ? {FASTPAY_TG_STORE: available.redis!.url} : {})}
  const store = await openStore({stateDir: join(dir, 'state'), env, onWarning: (line) => expect.fail(line), redis: {prefix: `fastpay-tg-test:${randomBytes(6).toString('hex')}:`}})
  stores.push(store)
  return store
}

describe.each(['file', 'redis'] as const)('two /link of one token at once (%s store)', (kind) => {
  it('exactly one chat is linked; the other hears that it was used', async (context) => {
    if (kind === 'redis' && !available.redis) return context.skip(available.skip)
    const store = await openFor(kind)
    const {token} = await createLinkToken(store.links, {bot: 'alerts', channels: ['alerts']})
    // Only the token's sha256 is stored.
    expect(JSON.stringify(await store.kv.list(''))).not.toContain(token)
    const racing = new LinkStore({kv: readTogether(store.kv, 2), target: 'test'})
    const outcomes: LinkOutcome[] = await Promise.all(
      [4242, 5151].map((chatId) => consumeLinkToken(racing, token, {chatId, bot: 'alerts'})),
    )
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['linked', 'used'])
    const winner = outcomes[0]!.kind === 'linked' ? 4242 : 5151
    expect((await store.links.chats({bot: 'alerts'})).map((chat) => chat.chat_id)).toEqual([winner])
    expect((await store.links.chatsFor('alerts', 'ALERTS')).map((chat) => chat.chat_id)).toEqual([winner])
    // A third try, later, reads it as used.
    expect((await consumeLinkToken(store.links, token, {chatId: 6161, bot: 'alerts'})).kind).toBe('used')
  })
})
