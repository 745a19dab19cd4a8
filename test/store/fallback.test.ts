// One long-running process (a monitor, `webhook serve`) whose Redis stops and comes back: alerts keep going out or
// are spooled on this host, and the spool is handed to Redis once it is back, each alert delivered once.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it, vi} from 'vitest'

import {sendAlert} from '../../src/alert/send-alert.js'
import {BotApiClient} from '../../src/api/index.js'
import type {OutboxEntry} from '../../src/store/index.js'
import {deliverToChats} from '../../src/send/deliver.js'
import {openStore} from '../../src/store/index.js'
import {closedPort, PRIVATE_CHAT, startApi, TOKEN} from '../api/fixture.js'
import {tempDir} from '../throttle/helpers.js'
import {keepUpdates, takeKeptUpdates} from '../../src/webhook/kept-updates.js'
import type {QueuedUpdate} from '../../src/webhook/webhook-server.js'
import {redisForTests, testPrefix} from './redis-server.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')

const found = await redisForTests({own: true})
afterAll(() => found.redis?.stop())

describe.skipIf(found.skip !== undefined)(`a store whose Redis stops mid-run${found.skip ? ` (${found.skip})` : ''}`, () => {
  it('sends or spools on this host meanwhile, warns once, and hands the spool to Redis once it is back', async () => {
    const api = await startApi()
    const stateDir = tempDir('fastpay-tg-fallback-')
    const warnings: string[] = []
    const store = await openStore({
      configPath: '/nonexistent/config.yml',
      env: {FASTPAY_TG_STORE: found.redis!.url},
      stateDir,
      onWarning: (line) => warnings.push(line),
      redis: {prefix: testPrefix(), retryAfterMs: 0},
    })
    try {
      const up = new BotApiClient({token: TOKEN, apiRoot: api.url, retry: {sleep: async () => {}}})
      const down = new BotApiClient({token: TOKEN, apiRoot: `http://127.0.0.1:${await closedPort()}`, retry: {sleep: async () => {}}})
      const alert = (title: string, now: number, client = up) =>
        sendAlert({
          target: {client, botLabel: 'alerts', chatIds: [PRIVATE_CHAT]},
          content: {title, severity: 'error', channel: 'alerts', host: 'web-1'},
          throttle: {store: store.throttle, key: `alerts:${title}`, windowSeconds: 60},
          outbox: store.outbox,
          now,
        })

      expect(await alert('one', T0)).toMatchObject({status: 'sent', warnings: []})
      await found.redis!.stop()
      expect(await alert('two', T0 + 1)).toMatchObject({status: 'sent', warnings: []})
      expect(await alert('three', T0 + 2, down)).toMatchObject({status: 'spooled', exitCode: 75})
      // Held back by this host's own throttle while Redis is away (Telegram still down: the spool stays).
      expect(await alert('two', T0 + 3, down)).toMatchObject({status: 'suppressed', suppressed: {count: 1}})
      // Why depends on whether the client saw the connection close before the next command: both are true.
      const hostPort = found.redis!.url.slice('redis://'.length).replaceAll('.', '\\.')
      const reason = `(connect ECONNREFUSED ${hostPort}|connection lost|read ECONNRESET)`
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^store redis://${hostPort} unreachable \\(${reason}\\); using the file store in ${stateDir} until it is back$`))])
      expect(readdirSync(join(stateDir, 'outbox')).filter((name) => name.endsWith('.json'))).toHaveLength(1)
      expect(await store.describe()).toMatchObject({active: 'file', reachable: false, localWaiting: 1})

      await found.redis!.start()
      const deliver = (entry: OutboxEntry) => deliverToChats(up, entry.chatIds, entry.message)
      const flushed = await store.outbox.flush(deliver)
      expect(flushed).toMatchObject({waiting: 0, entries: [{delivered: [PRIVATE_CHAT]}]})
      expect(flushed.warnings).toEqual([`1 alert spooled on this host while ${found.redis!.url} was unreachable handed over to it`])
      expect(await store.outbox.flush(deliver)).toEqual({entries: [], waiting: 0, warnings: []})
      expect(readdirSync(join(stateDir, 'outbox')).filter((name) => name.endsWith('.json'))).toEqual([])
      expect(api.messages(PRIVATE_CHAT).map((message) => message.text?.split('\n')[0])).toEqual(['❌ one', '❌ two', '❌ three'])
      expect(await store.describe()).toMatchObject({active: 'redis', reachable: true, localWaiting: 0})
      expect(warnings).toHaveLength(1)
    } finally {
      await store.close()
      await api.close()
    }
  })

  it('webhook updates kept while Redis was away are taken from this host\'s files once it is back, once', async () => {
    const store = await openStore({
      configPath: '/nonexistent/config.yml',
      env: {FASTPAY_TG_STORE: found.redis!.url},
      stateDir: tempDir('fastpay-tg-fallback-'),
      onWarning: () => undefined,
      redis: {prefix: testPrefix(), retryAfterMs: 0},
    })
    const kept = (updateId: number): QueuedUpdate => ({webhookId: 1, update: {update_id: updateId, message: {message_id: updateId, date: 1, chat: {id: 4242, type: 'private', first_name: 'Ana'}, from: {id: 4242, is_bot: false, first_name: 'Ana'}, text: '/help'}}})
    const take = async () => {
      const taken: number[] = []
      expect((await takeKeptUpdates(store.kv, [1], ({update}) => taken.push(update.update_id))).failures).toEqual([])
      return taken
    }
    try {
      await found.redis!.stop()
      await keepUpdates(store.kv, [kept(2)])
      // Back (this test's Redis keeps nothing across a restart), and a stop keeps one more there.
      await found.redis!.start()
      await keepUpdates(store.kv, [kept(1)])
      expect((await take()).toSorted()).toEqual([1, 2])
      expect(await take()).toEqual([])
    } finally {
      await store.close()
    }
  })

  it('an alert whose Redis stops answering while Telegram takes it is reported sent with one warning line, not thrown', async () => {
    const api = await startApi()
    const warnings: string[] = []
    const store = await openStore({
      configPath: '/nonexistent/config.yml',
      env: {FASTPAY_TG_STORE: found.redis!.url},
      stateDir: tempDir('fastpay-tg-fallback-'),
      onWarning: (line) => warnings.push(line),
      redis: {prefix: testPrefix(), retryAfterMs: 0, commandTimeoutMs: 300},
    })
    try {
      const client = new BotApiClient({token: TOKEN, apiRoot: api.url, retry: {sleep: async () => {}}})
      let release = () => {}
      api.failNext({method: 'sendMessage', kind: {gate: new Promise<void>((resolve) => (release = resolve))}})
      const sending = sendAlert({
        target: {client, botLabel: 'alerts', chatIds: [PRIVATE_CHAT]},
        content: {title: 'Redis paused', severity: 'error', channel: 'alerts', host: 'web-1'},
        throttle: {store: store.throttle, key: 'alerts:Redis paused', windowSeconds: 60},
        outbox: store.outbox,
        now: T0,
      })
      await vi.waitFor(() => expect(api.requests.filter((request) => request.method === 'sendMessage')).toHaveLength(1), {timeout: 20_000, interval: 10})
      found.redis!.pause()
      release()
      const result = await sending.finally(() => found.redis!.resume())
      expect([result.status, result.exitCode]).toEqual(['sent', 0])
      const hostPort = found.redis!.url.slice('redis://'.length).replaceAll('.', '\\.')
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^store redis://${hostPort} unreachable \\(Command timed out\\); using the file store in .+ until it is back$`))])

      const deliver = (entry: OutboxEntry) => deliverToChats(client, entry.chatIds, entry.message)
      expect(await store.outbox.list()).toEqual({items: [], warnings: []})
      expect(await store.outbox.flush(deliver)).toEqual({entries: [], waiting: 0, warnings: []})
      expect(api.messages(PRIVATE_CHAT)).toHaveLength(1)
    } finally {
      found.redis!.resume()
      await store.close()
      await api.close()
    }
  })
})
