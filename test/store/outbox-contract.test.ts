// FileOutbox and RedisOutbox keep and deliver alike: the same cases run against both. What only one backend has
// (files, claims by pid, consumers) is in file-outbox.test.ts and redis-outbox.test.ts.
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it, vi} from 'vitest'

import {TelegramApiError, TelegramNetworkError} from '../../src/api/index.js'
import {describeFailure} from '../../src/describe-failure.js'
import {registerSecret} from '../../src/redact.js'
import type {ChatDelivery} from '../../src/send/deliver.js'
import {FileOutbox, type OutboxEntry, type OutboxStore, RedisOutbox} from '../../src/store/index.js'
import {tempDir} from '../throttle/helpers.js'
import {redisForFile, testPrefix} from './redis-server.js'
import {recorder, spoolText} from './outbox-helpers.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const NETWORK_DOWN = describeFailure(new TelegramNetworkError('sendMessage', 'network', 'connect ECONNREFUSED 127.0.0.1:9'))
const BLOCKED = describeFailure(new TelegramApiError('sendMessage', 403, 'Forbidden: bot was blocked by the user'))
const BAD_TOKEN = describeFailure(new TelegramApiError('sendMessage', 401, 'Unauthorized'))
const SLOW_DOWN = describeFailure(new TelegramApiError('sendMessage', 429, 'Too Many Requests: retry after 300', {retry_after: 300}))

const sharedRedis = await redisForFile()

interface Backend {
  name: string
  skip?: string
  /** Two views of one outbox, as two hosts (or processes) have. */
  open: () => Promise<[OutboxStore, OutboxStore]>
  /** Everything the backend stores, to look for a token in it. */
  dump: (outbox: OutboxStore) => Promise<string>
  /** What the backend still keeps of entries (files, claims; stream entries, documents, holders): none once all went. */
  leftovers: (outbox: OutboxStore) => Promise<string[]>
  /** Overwrites what is stored of entry `id` (of bot alerts) with `text`. */
  corrupt: (outbox: OutboxStore, id: string) => Promise<void>
  /** Where entry `id` is kept, as warnings name it. */
  placeOf: (outbox: OutboxStore, id: string) => string
  /** Where an unreadable entry goes, as warnings name it, and what is kept there. */
  setAside: (outbox: OutboxStore, id: string) => {where: string; read: () => Promise<string | undefined>}
}

const UNREADABLE = '{"version":1,"id":'

const backends: Backend[] = [
  {
    name: 'FileOutbox',
    open: async () => {
      const dir = tempDir('fastpay-tg-outbox-')
      return [new FileOutbox({dir, now: () => T0}), new FileOutbox({dir, now: () => T0})]
    },
    dump: async (outbox) => JSON.stringify(await outbox.list()),
    leftovers: async (outbox) => {
      const {dir} = outbox as FileOutbox
      return [...readdirSync(dir).filter((name) => name !== 'claimed'), ...readdirSync(join(dir, 'claimed'))]
    },
    corrupt: async (outbox, id) => writeFileSync(join((outbox as FileOutbox).dir, `${id}.json`), UNREADABLE),
    placeOf: (outbox, id) => join((outbox as FileOutbox).dir, `${id}.json`),
    setAside: (outbox, id) => {
      const path = join((outbox as FileOutbox).dir, 'corrupt', `${id}.json`)
      return {where: `as ${path}`, read: async () => readFileSync(path, 'utf8')}
    },
  },
  {
    name: 'RedisOutbox',
    skip: sharedRedis.skip,
    open: async () => {
      const redis = await sharedRedis.client()
      const prefix = testPrefix()
      return [
        new RedisOutbox({redis, prefix, consumer: 'host-a/1', now: () => T0}),
        new RedisOutbox({redis, prefix, consumer: 'host-b/2', now: () => T0}),
      ]
    },
    dump: async (outbox) => {
      const redis = await sharedRedis.client()
      const keys = await redis.keys(`${(outbox as RedisOutbox).prefix}*`)
      const values = await Promise.all(keys.map(async (key) => ((await redis.type(key)) === 'hash' ? JSON.stringify(await redis.hgetall(key)) : '')))
      return values.join('\n')
    },
    leftovers: async (outbox) => {
      const redis = await sharedRedis.client()
      const stream = (outbox as RedisOutbox).streamFor('alerts')
      const stored = [`${stream} ${await redis.xlen(stream)}`, ...(await redis.hkeys(`${stream}:entries`)), ...(await redis.hkeys(`${stream}:holders`))]
      return stored.filter((item) => item !== `${stream} 0`)
    },
    corrupt: async (outbox, id) => void (await (await sharedRedis.client()).hset(`${(outbox as RedisOutbox).streamFor('alerts')}:entries`, id, UNREADABLE)),
    placeOf: (outbox, id) => `${(outbox as RedisOutbox).streamFor('alerts')} ${id}`,
    setAside: (outbox, id) => {
      const key = `${(outbox as RedisOutbox).streamFor('alerts')}:set-aside`
      return {where: `in ${key}`, read: async () => (await (await sharedRedis.client()).hget(key, id)) ?? undefined}
    },
  },
]


for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    it('keeps entries without the token in them, listed oldest first', async () => {
      const token = '700000009:AAE-outbox_secret_token_0123456789ab'
      registerSecret(token)
      const [outbox] = await backend.open()
      expect(await outbox.list()).toEqual({items: [], warnings: []})
      const later = await spoolText(outbox, `second, quoting ${token}`, T0 + 5_000, [-100, '@ops'])
      expect(later.message.text).toBe('second, quoting 700000009:AA…ab')
      const first = await outbox.spool({
        bot: 'alerts',
        chatIds: [42],
        message: {text: 'first', parseMode: 'HTML', silent: true, threadId: 7},
        throttleKey: 'alerts:Disk',
        createdAt: new Date(T0),
        lastError: `Call failed for bot${token}`,
      })
      expect(first).toEqual({
        version: 1,
        id: expect.stringMatching(new RegExp(`^00${T0}-${process.pid}-[0-9a-f]{8}$`)),
        bot: 'alerts',
        chatIds: [42],
        message: {text: 'first', parseMode: 'HTML', silent: true, threadId: 7},
        throttleKey: 'alerts:Disk',
        createdAt: '2025-06-01T14:02:11.000Z',
        attempts: 1,
        lastError: 'Call failed for bot700000009:AA…ab',
      })
      const listing = await outbox.list()
      expect(listing.items.map((item) => item.entry)).toEqual([first, later])
      expect(listing.items.map((item) => item.entry.message.text)).toEqual(['first', 'second, quoting 700000009:AA…ab'])
      expect(listing.items[1]!.entry.chatIds).toEqual([-100, '@ops'])
      expect(listing.warnings).toEqual([])
      expect(await backend.dump(outbox)).not.toContain(token)
    })

    it('delivers oldest first, removes what every chat took, and a second flush finds nothing', async () => {
      const [outbox] = await backend.open()
      await spoolText(outbox, 'a', T0)
      await spoolText(outbox, 'b', T0 + 1)
      await spoolText(outbox, 'c', T0 + 2, [1, 2])
      const {sent, deliver} = recorder()
      const report = await outbox.flush(deliver)
      expect(sent).toEqual([
        {text: 'a', chatId: 1},
        {text: 'b', chatId: 1},
        {text: 'c', chatId: 1},
        {text: 'c', chatId: 2},
      ])
      expect(report).toMatchObject({waiting: 0, warnings: []})
      expect(report.entries.map((entry) => entry.delivered)).toEqual([[1], [1], [1, 2]])
      expect(report).not.toHaveProperty('stoppedBy')
      expect(await backend.leftovers(outbox)).toEqual([])
      expect(await outbox.flush(deliver)).toEqual({entries: [], waiting: 0, warnings: []})
      expect(sent).toHaveLength(4)
    })

    it('keeps only the chats still missing an entry, and stops there so that later entries keep their order', async () => {
      const [outbox, other] = await backend.open()
      const first = await spoolText(outbox, 'first', T0, [1, 2, 3])
      await spoolText(outbox, 'second', T0 + 1)
      let down = true
      const {sent, deliver} = recorder((chatId) => (down && chatId === 2 ? NETWORK_DOWN : chatId === 3 ? BLOCKED : undefined))
      expect(await outbox.flush(deliver)).toEqual({
        entries: [{id: first.id, bot: 'alerts', delivered: [1], refused: [{chatId: 3, error: BLOCKED.message}], pending: [{chatId: 2, error: NETWORK_DOWN.message}]}],
        stoppedBy: "Call to 'sendMessage' failed: connect ECONNREFUSED 127.0.0.1:9",
        waiting: 2,
        warnings: [],
      })
      expect((await outbox.list()).items.map((item) => item.entry)).toMatchObject([
        {id: first.id, chatIds: [2], attempts: 2, lastError: NETWORK_DOWN.message},
        {message: {text: 'second'}, chatIds: [1], attempts: 1},
      ])
      down = false
      // Another host's flush takes the entry given back first, before the newer one.
      await other.flush(deliver)
      expect(sent).toEqual([
        {text: 'first', chatId: 1},
        {text: 'first', chatId: 2},
        {text: 'second', chatId: 1},
      ])
      expect((await outbox.list()).items).toEqual([])
    })

    it('keeps an entry after a 429 longer than the client waits, a wrong token (401, fixed in config later) and a delivery that threw', async () => {
      const [outbox] = await backend.open()
      await spoolText(outbox, 'x', T0)
      expect((await outbox.flush(recorder(() => SLOW_DOWN).deliver)).stoppedBy).toBe(SLOW_DOWN.message)
      expect((await outbox.list()).items.map((item) => item.entry.attempts)).toEqual([2])
      expect((await outbox.flush(recorder(() => BAD_TOKEN).deliver)).stoppedBy).toBe(BAD_TOKEN.message)
      expect((await outbox.list()).items.map((item) => item.entry.attempts)).toEqual([3])
      const report = await outbox.flush(async () => {
        throw new TelegramNetworkError('sendMessage', 'timeout', 'request timed out after 30000 ms')
      })
      expect(report.stoppedBy).toBe("Call to 'sendMessage' failed: request timed out after 30000 ms")
      expect(report.waiting).toBe(1)
      expect((await outbox.list()).items.map((item) => item.entry.attempts)).toEqual([4])
    })

    it('drops an entry every chat refused for good', async () => {
      const [outbox] = await backend.open()
      await spoolText(outbox, 'x', T0, [1, 2])
      const report = await outbox.flush(recorder(() => BLOCKED).deliver)
      expect(report.entries[0]?.refused).toEqual([
        {chatId: 1, error: BLOCKED.message},
        {chatId: 2, error: BLOCKED.message},
      ])
      expect(report.waiting).toBe(0)
    })

    it('addresses a group upgraded on the way by its new id', async () => {
      const [outbox] = await backend.open()
      await spoolText(outbox, 'x', T0, [-100])
      await outbox.flush(async (entry) => [{chatId: entry.chatIds[0]!, ok: false, messageIds: [], migratedTo: -1009, error: NETWORK_DOWN}])
      expect((await outbox.list()).items[0]?.entry.chatIds).toEqual([-1009])
    })

    it('only touches the entries of the bot it was asked for', async () => {
      const [outbox] = await backend.open()
      await spoolText(outbox, 'for deploy', T0, [1], 'deploy')
      await spoolText(outbox, 'for alerts', T0 + 1, [1], 'alerts')
      const {sent, deliver} = recorder()
      const report = await outbox.flush(deliver, {bot: 'alerts'})
      expect(sent.map((item) => item.text)).toEqual(['for alerts'])
      expect(report.waiting).toBe(0)
      expect((await outbox.list()).items.map((item) => item.entry.bot)).toEqual(['deploy'])
      expect((await outbox.list({bot: 'alerts'})).items).toEqual([])
    })

    it('sets an unreadable entry aside with a warning and goes on', async () => {
      const [outbox] = await backend.open()
      const bad = await spoolText(outbox, 'bad', T0)
      await spoolText(outbox, 'good', T0 + 1)
      await backend.corrupt(outbox, bad.id)
      const place = backend.placeOf(outbox, bad.id)
      expect((await outbox.list()).warnings).toEqual([`outbox entry ${place} is unreadable (not JSON); the next flush sets it aside`])
      const {sent, deliver} = recorder()
      const report = await outbox.flush(deliver)
      const aside = backend.setAside(outbox, bad.id)
      expect(report.warnings).toEqual([`outbox entry ${place} was unreadable; set aside ${aside.where}`])
      expect(await aside.read()).toBe(UNREADABLE)
      expect(sent.map((item) => item.text)).toEqual(['good'])
      expect(await outbox.list()).toEqual({items: [], warnings: []})
    })

    it('takes each chat Telegram accepted off a held entry as it goes: a run killed half-way leaves the others only', async () => {
      const [outbox, other] = await backend.open()
      const held = await outbox.hold({bot: 'alerts', chatIds: [1, 2, 3], message: {text: 'x', parseMode: 'HTML'}, createdAt: new Date(T0)})
      // What another host or a later run finds while the delivery is under way (where a kill would leave it). The
      // record is written in the background (fsync'd): vi.waitFor's default of 1 s is short on a loaded machine.
      const waitingFor = async (chatIds: Array<number | string>) =>
        vi.waitFor(async () => expect((await other.list()).items.map((item) => item.entry.chatIds)).toEqual([chatIds]), {timeout: 20_000, interval: 10})
      const flushed = await outbox.deliverHeld(held, async (entry, chatDone) => {
        const deliveries: ChatDelivery[] = [{chatId: 1, ok: true, messageIds: [1]}, {chatId: 2, ok: false, messageIds: [], error: NETWORK_DOWN}, {chatId: 3, ok: true, messageIds: [2]}]
        expect(entry.chatIds).toEqual([1, 2, 3])
        chatDone(deliveries[0]!)
        await waitingFor([2, 3])
        chatDone(deliveries[1]!)
        chatDone(deliveries[2]!)
        await waitingFor([2])
        return deliveries
      })
      expect(flushed).toEqual({id: held.entry.id, bot: 'alerts', delivered: [1, 3], refused: [], pending: [{chatId: 2, error: NETWORK_DOWN.message}]})
      expect((await other.list()).items.map((item) => [item.entry.chatIds, item.entry.attempts, item.claimedBy])).toEqual([[[2], 1, undefined]])
    })

    it('delivers each entry once when two hosts flush at once', async () => {
      const [outbox, other] = await backend.open()
      for (let index = 0; index < 30; index++) await spoolText(outbox, `m${index}`, T0 + index, [1, 2])
      const {sent, deliver} = recorder()
      // Each flush's first delivery waits until the other holds an entry too: both take part, whatever the timing.
      let holding = 0
      let bothHold!: () => void
      const bothHolding = new Promise<void>((resolve) => (bothHold = resolve))
      const firstWaits = () => {
        let first = true
        return async (entry: OutboxEntry) => {
          if (first) {
            first = false
            if (++holding === 2) bothHold()
            await bothHolding
          }
          return deliver(entry)
        }
      }
      const [a, b] = await Promise.all([outbox.flush(firstWaits()), other.flush(firstWaits())])
      expect(a.entries.length + b.entries.length).toBe(30)
      expect(a.entries.length).toBeGreaterThan(0)
      expect(b.entries.length).toBeGreaterThan(0)
      expect(sent).toHaveLength(60)
      expect(new Set(sent.map((item) => `${item.text}/${item.chatId}`)).size).toBe(60)
    })
  })
}
