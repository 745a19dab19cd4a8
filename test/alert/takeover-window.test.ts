// A run killed between writing its alert's entry and committing the alert's window leaves the entry as the only
// sign of that window (see ThrottleStore.admit). Another run of the same bot (an alert with another title, or
// `alert flush`) may take the entry over and deliver it before the killed alert's retry asks the throttle: the
// delivered entry must still stand for the window, or the retry sends the title a second time. The kill loop
// (kill-loop.test.ts) met this once in CI on Redis; here it is step by step, on both stores, without timing.
import {mkdirSync, renameSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import type {Redis} from 'ioredis'
import {afterAll, afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {AlertTarget} from '../../src/alert/alert-target.js'
import {FileOutbox, type NewOutboxEntry, type OutboxStore, RedisOutbox, RedisThrottle} from '../../src/store/index.js'
import {FileThrottle} from '../../src/store/file/file-throttle.js'
import type {ThrottleStore} from '../../src/store/types.js'
import {PRIVATE_CHAT, startApi, testClient} from '../api/fixture.js'
import type {FakeBotApi} from '../fake-bot-api/server.js'
import {connectRedis, redisForTests, testPrefix} from '../store/redis-server.js'
import {deadPid, tempDir} from '../throttle/helpers.js'
import {alertSender} from './alert-sender.js'

const T0 = Date.parse('2025-06-01T14:02:11Z')
const KEY = 'alerts:DB down'

const found = await redisForTests()
let redis: Redis | undefined
afterAll(async () => {
  await redis?.quit()
  await found.redis?.stop()
})

let api: FakeBotApi
beforeEach(async () => {
  api = await startApi()
})
afterEach(() => api.close())

interface Stores {
  throttle: ThrottleStore
  outbox: OutboxStore
  /** What a run killed right after writing its entry leaves: the entry, held by a process that is gone; no window. */
  leaveHeldByDeadRun(input: NewOutboxEntry): Promise<void>
}

const backends: Array<{name: string; skip?: string; open: () => Promise<Stores>}> = [
  {
    name: 'file store',
    open: async () => {
      const stateDir = tempDir('fastpay-tg-takeover-')
      const outbox = new FileOutbox({dir: join(stateDir, 'outbox'), now: () => T0})
      const leaveHeldByDeadRun = async (input: NewOutboxEntry) => {
        const entry = await outbox.spool(input)
        mkdirSync(join(outbox.dir, 'claimed'), {recursive: true})
        renameSync(join(outbox.dir, `${entry.id}.json`), join(outbox.dir, 'claimed', `${entry.id}.${await deadPid()}.${T0}.claim`))
      }
      return {throttle: new FileThrottle({dir: join(stateDir, 'throttle')}), outbox, leaveHeldByDeadRun}
    },
  },
  {
    name: 'Redis store',
    skip: found.skip,
    open: async () => {
      redis ??= await connectRedis(found.redis!.url)
      const prefix = testPrefix()
      const outbox = new RedisOutbox({redis, prefix, now: () => T0})
      const leaveHeldByDeadRun = async (input: NewOutboxEntry) => {
        // Its claim would be renewed every 20 minutes: never within this test, as the dead run never renews.
        const dead = new RedisOutbox({redis: redis!, prefix, consumer: `${hostname()}/${await deadPid()}`, claimTimeoutMs: 3_600_000, now: () => T0})
        await dead.hold(input)
      }
      return {throttle: new RedisThrottle({redis, prefix}), outbox, leaveHeldByDeadRun}
    },
  },
]

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    it("an entry another run took over and delivered still stands for its killed alert's window: the retry is suppressed", async () => {
      const {throttle, outbox, leaveHeldByDeadRun} = await backend.open()
      const {client} = testClient(api)
      const target: AlertTarget = {client, botLabel: 'alerts', chatIds: [PRIVATE_CHAT]}
      const alert = alertSender(target, throttle, outbox, T0)

      await leaveHeldByDeadRun({bot: 'alerts', chatIds: [PRIVATE_CHAT], message: {text: '❌ <b>DB down</b>', parseMode: 'HTML'}, throttleKey: KEY, createdAt: new Date(T0), attempts: 0})
      expect((await throttle.peek(KEY, 60, T0 + 1_000)).send).toBe(true)
      // Another title's alert lets the older entry of its bot go first: it takes it over from the dead run.
      expect(await alert('Disk full', T0 + 1_000)).toMatchObject({status: 'sent', flushed: {entries: [{delivered: [PRIVATE_CHAT]}]}})
      expect(await outbox.list()).toEqual({items: [], warnings: []})

      const retry = await alert('DB down', T0 + 2_000)
      expect(retry).toMatchObject({status: 'suppressed', suppressed: {count: 1, nextAt: new Date(T0 + 60_000)}})
      expect(api.messages(PRIVATE_CHAT).map((message) => message.text?.split('\n')[0])).toEqual(['❌ DB down', '❌ Disk full'])
      expect(await throttle.peek(KEY, 60, T0 + 3_000)).toMatchObject({send: false})
      // Past the window, the title goes out again.
      expect(await alert('DB down', T0 + 61_000)).toMatchObject({status: 'sent'})
    })
  })
}
