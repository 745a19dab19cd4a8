// What only the Redis outbox has: consumers that die holding an entry, entries adopted from a host's files.
import {describe, expect, it} from 'vitest'

import {TelegramNetworkError} from '../../src/api/index.js'
import {describeFailure} from '../../src/describe-failure.js'
import type {OutboxEntry} from '../../src/store/index.js'
import type {ChatDelivery} from '../../src/send/deliver.js'
import {RedisOutbox} from '../../src/store/index.js'
import {hostname} from 'node:os'

import {deadPid} from '../throttle/helpers.js'
import {redisForFile, testPrefix} from './redis-server.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const NETWORK_DOWN = describeFailure(new TelegramNetworkError('sendMessage', 'network', 'connect ECONNREFUSED 127.0.0.1:9'))

const sharedRedis = await redisForFile()

async function twoHosts(takeOverAfterMs = 600_000) {
  const redis = await sharedRedis.client()
  const prefix = testPrefix()
  return {
    redis,
    a: new RedisOutbox({redis, prefix, consumer: 'host-a/1', now: () => T0}),
    b: new RedisOutbox({redis, prefix, consumer: 'host-b/2', now: () => T0, claimTimeoutMs: takeOverAfterMs}),
  }
}

const spool = (outbox: RedisOutbox, text: string, chatIds: number[] = [1]) =>
  outbox.spool({bot: 'alerts', chatIds, message: {text, parseMode: 'HTML'}, createdAt: new Date(T0)})

const delivered = (entry: OutboxEntry): ChatDelivery[] => entry.chatIds.map((chatId) => ({chatId, ok: true, messageIds: [1]}))
/** Delivers like `delivered`, first noting in `sent` what `note` takes from the entry. */
const deliveredNoting =
  <T>(sent: T[], note: (entry: OutboxEntry) => T[]) =>
  async (entry: OutboxEntry) => {
    sent.push(...note(entry))
    return delivered(entry)
  }

describe.skipIf(sharedRedis.skip !== undefined)(`RedisOutbox consumers${sharedRedis.skip ? ` (${sharedRedis.skip})` : ''}`, () => {
  it('an entry held by a dead process of this host is taken over at once; one held by a live consumer elsewhere waits for its lease (60 s by default)', async () => {
    const redis = await sharedRedis.client()
    const prefix = testPrefix()
    const dead = new RedisOutbox({redis, prefix, consumer: `${hostname()}/${await deadPid()}`, now: () => T0})
    const elsewhere = new RedisOutbox({redis, prefix, consumer: 'other-host/1', now: () => T0})
    const flusher = new RedisOutbox({redis, prefix, now: () => T0})
    const input = (text: string) => ({bot: 'alerts', chatIds: [1], message: {text}, createdAt: new Date(T0)})
    const left = await dead.hold(input('left by a dead run'))
    await elsewhere.hold(input('held elsewhere'))
    const sent: string[] = []
    const report = await flusher.flush(deliveredNoting(sent, (entry) => [entry.message.text]))
    expect(sent).toEqual(['left by a dead run'])
    expect(report.warnings).toEqual([`outbox entry ${left.entry.id} was left claimed by ${hostname()}/${dead.consumer.split('/')[1]}; delivered by ${flusher.consumer}`])
    expect(report.waiting).toBe(1)
    expect((await flusher.list()).items).toMatchObject([{entry: {message: {text: 'held elsewhere'}}, claimedBy: 'other-host/1'}])
  })

  it('a new entry held by the alert that wrote it is not delivered by a flush meanwhile, even of the same consumer', async () => {
    const {a} = await twoHosts()
    const held = await a.hold({bot: 'alerts', chatIds: [1], message: {text: 'new'}, createdAt: new Date(T0)})
    await spool(a, 'waiting')
    const sent: string[] = []
    expect((await a.flush(deliveredNoting(sent, (entry) => [entry.message.text]))).waiting).toBe(1)
    expect(sent).toEqual(['waiting'])
    expect(await a.deliverHeld(held, deliveredNoting(sent, (entry) => [entry.message.text]))).toMatchObject({delivered: [1], pending: []})
    expect(sent).toEqual(['waiting', 'new'])
    expect((await a.list()).items).toEqual([])
  })

  it('lets another host take over an entry whose consumer stopped answering, and keeps the first from bringing it back', async () => {
    const {a, b} = await twoHosts(0)
    const entry = await spool(a, 'stuck')
    let release!: (deliveries: ChatDelivery[]) => void
    let claimed!: () => void
    const claimedNow = new Promise<void>((resolve) => (claimed = resolve))
    const stuck = a.flush(() => {
      claimed()
      return new Promise((resolve) => (release = resolve))
    })
    await claimedNow
    expect((await b.list()).items).toMatchObject([{entry: {id: entry.id}, claimedBy: 'host-a/1', path: `${a.streamFor('alerts')} ${entry.id}`}])

    const sent: string[] = []
    const report = await b.flush(async (waiting) => {
      sent.push(waiting.message.text)
      return delivered(waiting)
    })
    expect(sent).toEqual(['stuck'])
    expect(report).toMatchObject({waiting: 0, warnings: [`outbox entry ${entry.id} was left claimed by host-a/1; delivered by host-b/2`]})

    release([{chatId: 1, ok: false, messageIds: [], error: NETWORK_DOWN}])
    expect((await stuck).warnings).toEqual([`outbox entry ${entry.id} was taken over by another consumer while host-a/1 delivered it`])
    expect(await a.list()).toEqual({items: [], warnings: []})
    expect((await b.flush(deliveredNoting(sent, (waiting) => [waiting.message.text]))).entries).toEqual([])
    expect(sent).toEqual(['stuck'])
  })

  it('leaves an entry to its consumer until the claim timeout', async () => {
    const {a, b} = await twoHosts(600_000)
    await spool(a, 'busy')
    let release!: (deliveries: ChatDelivery[]) => void
    let claimed!: () => void
    const claimedNow = new Promise<void>((resolve) => (claimed = resolve))
    const busy = a.flush(() => {
      claimed()
      return new Promise((resolve) => (release = resolve))
    })
    await claimedNow
    const sent: string[] = []
    expect(await b.flush(deliveredNoting(sent, (entry) => [entry.message.text]))).toEqual({entries: [], waiting: 1, warnings: []})
    release([{chatId: 1, ok: true, messageIds: [1]}])
    expect(await busy).toMatchObject({waiting: 0, warnings: []})
    expect(sent).toEqual([])
  })

  it('removes its consumer from the group once it holds nothing', async () => {
    const {redis, a} = await twoHosts()
    await spool(a, 'x')
    await a.flush(async (entry) => delivered(entry))
    expect(await redis.xinfo('CONSUMERS', a.streamFor('alerts'), 'senders')).toEqual([])
    await spool(a, 'y')
    await a.flush(async (entry) => entry.chatIds.map((chatId) => ({chatId, ok: false, messageIds: [], error: NETWORK_DOWN})))
    // It holds the entry it gave back until another flush takes it over.
    const consumers = (await redis.xinfo('CONSUMERS', a.streamFor('alerts'), 'senders')) as unknown[][]
    expect(consumers.map((fields) => fields.slice(0, 4))).toEqual([['name', 'host-a/1', 'pending', 1]])
  })

  it('adopts an entry from elsewhere once, keeping its id, age and attempts, even after it was delivered', async () => {
    const {a, b} = await twoHosts()
    const entry: OutboxEntry = {
      version: 1,
      id: `00${T0 - 5_000}-4242-0a0b0c0d`,
      bot: 'alerts',
      chatIds: [7],
      message: {text: 'from files', parseMode: 'HTML'},
      createdAt: new Date(T0 - 5_000).toISOString(),
      attempts: 3,
      lastError: 'down',
    }
    expect(await a.adopt(entry)).toBe(true)
    expect(await b.adopt(entry)).toBe(false)
    expect((await a.list()).items.map((item) => item.entry)).toEqual([entry])
    const sent: number[] = []
    await b.flush(deliveredNoting(sent, (waiting) => waiting.chatIds.map(Number)))
    expect(await a.adopt(entry)).toBe(false)
    expect((await a.list()).items).toEqual([])
    expect(sent).toEqual([7])
  })

  it('names a bot label with spaces and colons in its keys without reaching another bot', async () => {
    const {a} = await twoHosts()
    expect(a.streamFor('env TELEGRAM_BOT_TOKEN (bot 12)')).toBe(`${a.prefix}outbox:env%20TELEGRAM_BOT_TOKEN%20(bot%2012)`)
    expect(a.streamFor('x:entries')).not.toBe(`${a.streamFor('x')}:entries`)
  })
})
