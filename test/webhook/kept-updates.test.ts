// The updates a stopping `webhook serve` keeps (kept-updates.ts), on both stores: each batch is handled by exactly
// one of the serves that start at once, oldest first, and only by a serve of its own bot.
import {readdirSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {FileKeyValue, type KeyValueStore, RedisKeyValue} from '../../src/store/index.js'
import {keepUpdates, pruneKeptUpdates, takeKeptUpdates} from '../../src/webhook/kept-updates.js'
import {openKeptUpdates} from '../../src/webhook/kept-updates-watch.js'
import type {QueuedUpdate} from '../../src/webhook/webhook-server.js'
import {redisForFile, testPrefix} from '../store/redis-server.js'
import {tempDir} from '../throttle/helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const sharedRedis = await redisForFile()

const backends: Array<{name: string; skip?: string; open: () => Promise<KeyValueStore>}> = [
  {name: 'files', open: async () => new FileKeyValue({dir: tempDir('fastpay-tg-kept-')})},
  {name: 'Redis', skip: sharedRedis.skip, open: async () => new RedisKeyValue({redis: await sharedRedis.client(), prefix: testPrefix()})},
]

const update = (webhookId: number, updateId: number): QueuedUpdate => ({
  webhookId,
  update: {update_id: updateId, message: {message_id: updateId, date: 1, chat: {id: 4242, type: 'private', first_name: 'Ana'}, from: {id: 4242, is_bot: false, first_name: 'Ana'}, text: '/help'}},
})

/** What a serve taking now gets, in the order handed on; every batch taken without a failure. */
async function take(kv: KeyValueStore, webhookIds: number[], now?: number): Promise<QueuedUpdate[]> {
  const taken: QueuedUpdate[] = []
  const {failures} = await takeKeptUpdates(kv, webhookIds, (kept) => taken.push(kept), now)
  expect(failures).toEqual([])
  return taken
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`kept updates on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    it('two stops, then serves starting at once: every update handled by exactly one, oldest stop first', async () => {
      const kv = await backend.open()
      await keepUpdates(kv, [update(1, 10), update(2, 20), update(1, 11)], T0)
      await keepUpdates(kv, [update(1, 12)], T0 + 1_000)
      const takers = await Promise.all([1, 2, 3, 4].map(() => take(kv, [1, 2])))
      const taken = takers.flat().map(({webhookId, update}) => `${webhookId}:${update.update_id}`)
      expect(taken.toSorted()).toEqual(['1:10', '1:11', '1:12', '2:20'])
      for (const one of takers) {
        const ofBot1 = one.filter(({webhookId}) => webhookId === 1).map(({update}) => update.update_id)
        expect(ofBot1).toEqual(ofBot1.toSorted())
      }
      expect(await take(kv, [1, 2])).toEqual([])
    })

    it('a batch whose taker died between its claim and its delete is taken again after ten minutes, not before', async () => {
      const kv = await backend.open()
      const key = 'webhook/kept-updates/1/000000000000001-gone-host-4242'
      await kv.set(key, {updates: [update(1, 10).update], takenBy: 'gone-host/4242'})
      const claimedAt = (await kv.get(key))!.updatedAt
      expect(await take(kv, [1], claimedAt + 599_000)).toEqual([])
      expect(await take(kv, [1], claimedAt + 600_000)).toEqual([update(1, 10)])
      expect(await kv.get(key)).toBeUndefined()
    })

    it('a serve takes only its own bots\' updates; the others wait for theirs', async () => {
      const kv = await backend.open()
      await keepUpdates(kv, [update(1, 10), update(2, 20)], T0)
      expect(await take(kv, [2])).toEqual([update(2, 20)])
      expect(await take(kv, [1])).toEqual([update(1, 10)])
    })

    it('a batch whose delete fails stays for the next look; the failure is returned and the other batches are taken', async () => {
      const kv = await backend.open()
      await keepUpdates(kv, [update(1, 10)], T0)
      await keepUpdates(kv, [update(1, 11)], T0 + 1)
      const flaky = failingOnce(kv, 'delete', new Error('disk full'))
      const taken: QueuedUpdate[] = []
      const {failures} = await takeKeptUpdates(flaky, [1], (kept) => taken.push(kept))
      expect([taken, failures.map(String)]).toEqual([[update(1, 11)], ['Error: disk full']])
      // Claimed by the look that failed: taken again once the claim is old.
      expect(await take(kv, [1], Date.now() + 600_000)).toEqual([update(1, 10)])
    })
  })
}

describe('what is kept of an update', () => {
  it('no link token (only its sha256 is ever stored), no quoted or replied-to message; kinds serve ignores are not kept', async () => {
    const kv = new FileKeyValue({dir: tempDir('fastpay-tg-kept-')})
    const chat = {id: 4242, type: 'private' as const, first_name: 'Ana'}
    const quoted = {message_id: 1, date: 1, chat, text: '/link Zx9_secret-token-0123456789abcd'}
    const message = (text: string) => ({message_id: 2, date: 2, chat, text, reply_to_message: quoted})
    await keepUpdates(kv, [
      {webhookId: 1, update: {update_id: 10, message: message('/link@fastpay_alerts_bot Zx9_secret-token-0123456789abcd')}},
      {webhookId: 1, update: {update_id: 11, message: message('/status')}},
      {webhookId: 1, update: {update_id: 12, edited_message: message('/link Zx9_secret-token-0123456789abcd')}},
      {webhookId: 1, update: {update_id: 13, callback_query: {id: 'q', from: {id: 4242, is_bot: false, first_name: 'Ana'}, chat_instance: 'c', data: 'ack', message: message('alert')}}},
      {webhookId: 1, update: {update_id: 14, message: {message_id: 3, date: 3, chat, photo: [], caption: '/link Zx9_secret-token-0123456789abcd'}}},
    ] as QueuedUpdate[])
    const stored = JSON.stringify(await kv.list(''))
    expect(stored).not.toContain('secret-token')
    expect(stored).not.toContain('reply_to_message')
    const taken = await take(kv, [1])
    expect(taken.map(({update}) => update.update_id)).toEqual([10, 11, 13, 14])
    expect(taken.map(({update}) => update.message?.text ?? update.callback_query?.data)).toEqual(['/link@fastpay_alerts_bot (token not kept)', '/status', 'ack', undefined])
  })
})

describe('kept updates nobody took', () => {
  it('are gone after a day; serve\'s hourly prune removes their files (the signal stays)', async () => {
    let now = T0
    const dir = tempDir('fastpay-tg-kept-')
    const kv = new FileKeyValue({dir, now: () => now})
    await keepUpdates(kv, [update(1, 10)], T0)
    const files = () => readdirSync(dir).filter((name) => name.endsWith('.json'))
    expect(files()).toHaveLength(2)
    now += 24 * 3600 * 1000
    expect(await take(kv, [1], now)).toEqual([])
    await pruneKeptUpdates(kv)
    expect(files()).toHaveLength(1)
    expect(await kv.list('webhook/kept-updates/')).toEqual([])
  })
})

/** `kv`, with one method replaced. */
function withMethod(kv: KeyValueStore, name: keyof KeyValueStore, replacement: (...args: never[]) => Promise<unknown>): KeyValueStore {
  const plain: KeyValueStore = {
    get: (key) => kv.get(key),
    compareAndSet: (key, version, value, options) => kv.compareAndSet(key, version, value, options),
    set: (key, value, options) => kv.set(key, value, options),
    list: (prefix) => kv.list(prefix),
    removeExpired: (prefix) => kv.removeExpired(prefix),
    delete: (key) => kv.delete(key),
  }
  return {...plain, [name]: replacement} as KeyValueStore
}

/** The store, but its first call of `name` throws `error`; the calls after reach the store. */
function failingOnce(kv: KeyValueStore, name: keyof KeyValueStore, error: Error): KeyValueStore {
  let failed = false
  return withMethod(kv, name, async (...args: never[]) => {
    if (failed) return Reflect.apply(kv[name], kv, args) as Promise<unknown>
    failed = true
    throw error
  })
}

describe('a serve\'s handover of kept updates', () => {
  it('a stop whose store refuses a bot\'s batch names that batch\'s updates lost, in one line; the others are kept', async () => {
    const lines: string[] = []
    const kv = new FileKeyValue({dir: tempDir('fastpay-tg-kept-')})
    const refusing = withMethod(kv, 'set', async (key: string, value: unknown, options: undefined) => {
      if (key.startsWith('webhook/kept-updates/2/')) throw new Error('disk full')
      return kv.set(key, value, options)
    })
    const handover = await openKeptUpdates(refusing, [1, 2], {env: {}, logError: (line) => lines.push(line)})
    expect(await handover.keep([update(2, 10), update(1, 11), update(2, 12)])).toBe(1)
    expect(lines).toEqual(['webhook: could not keep updates 10, 12 for the next serve (disk full): they are lost'])
    expect(await take(kv, [1, 2])).toEqual([update(1, 11)])
  })

  it('a kept batch whose signal cannot be written is kept, and said so', async () => {
    const lines: string[] = []
    const kv = new FileKeyValue({dir: tempDir('fastpay-tg-kept-')})
    const noSignal = withMethod(kv, 'set', async (key: string, value: unknown, options: undefined) => {
      if (key === 'webhook/kept-updates-signal') throw new Error('disk full')
      return kv.set(key, value, options)
    })
    const handover = await openKeptUpdates(noSignal, [1], {env: {}, logError: (line) => lines.push(line)})
    expect(await handover.keep([update(1, 10)])).toBe(1)
    expect(lines).toEqual(['webhook: kept 1 updates, but could not tell running serves (disk full): one finds them within the hour, or the next to start'])
    expect(await take(kv, [1])).toEqual([update(1, 10)])
  })

  it('a start whose look fails (the store refused) looks again at the first tick, whatever the signal says', async () => {
    const lines: string[] = []
    const kv = new FileKeyValue({dir: tempDir('fastpay-tg-kept-')})
    await keepUpdates(kv, [update(1, 10)])
    const once = failingOnce(kv, 'list', new Error('EACCES'))
    const handover = await openKeptUpdates(once, [1], {env: {FASTPAY_TG_KEPT_UPDATES_POLL_MS: '5'}, logError: (line) => lines.push(line)})
    expect([handover.atStart, lines]).toEqual([[], ['webhook: taking the updates a stopped serve kept failed (they wait for the next look): EACCES']])
    const handed = await new Promise<QueuedUpdate>((resolve) => handover.watch(resolve))
    await handover.stop()
    expect(handed).toEqual(update(1, 10))
  })

  it('a running serve takes what another kept; its stop waits for a look in progress, whose updates are handed on', async () => {
    const kv = new FileKeyValue({dir: tempDir('fastpay-tg-kept-')})
    let release: () => void = () => undefined
    let listing: () => void = () => undefined
    const listed = new Promise<void>((resolve) => (listing = resolve))
    let gated = false
    const slow = withMethod(kv, 'list', async (prefix: string) => {
      if (!gated) return kv.list(prefix)
      listing()
      await new Promise<void>((resolve) => (release = resolve))
      return kv.list(prefix)
    })
    const watched = await openKeptUpdates(slow, [1], {env: {FASTPAY_TG_KEPT_UPDATES_POLL_MS: '5'}, logError: (line) => expect.fail(line)})
    const handed: QueuedUpdate[] = []
    gated = true
    watched.watch((kept) => handed.push(kept))
    await keepUpdates(kv, [update(1, 10)])
    await listed
    let stopped = false
    const stopping = watched.stop().then(() => (stopped = true))
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve))
    expect([stopped, handed]).toEqual([false, []])
    release()
    await stopping
    expect(handed).toEqual([update(1, 10)])
  })
})
