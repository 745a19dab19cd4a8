// A bot's flood wait kept in the store's key-value part: what one process was told holds back the next, on files and
// on Redis alike, read once per gate, named by a hash of the token, forgotten when the wait is over.
import {describe, expect, it} from 'vitest'

import {FloodWaitError, FloodWaitGate, TelegramApiError} from '../../src/api/index.js'
import {floodWaitKey, floodWaitRecord} from '../../src/store/flood-waits.js'
import {FileKeyValue, type KeyValueStore, RedisKeyValue} from '../../src/store/index.js'
import {tempDir} from '../throttle/helpers.js'
import {redisForFile, testPrefix} from './redis-server.js'

const T0 = Date.parse('2025-06-01T12:00:00Z')
const TOKEN = '7012345678:AAF-q_Zk3xLm9Rt2Vb8Nc4Hd6Jp0Ws5Ye1U'
const OTHER_TOKEN = '6098765432:AAGm4Tq8Wz1Xc5Vb9Nr3Ke7Lp2Hs6Dj0Fy8'
const tooManyRequests = (retryAfter: number) => new TelegramApiError('sendMessage', 429, `Too Many Requests: retry after ${retryAfter}`, {retry_after: retryAfter})

const sharedRedis = await redisForFile()

interface Backend {
  name: string
  skip?: string
  open(clock: {now: number}): Promise<{kv: KeyValueStore; ttlMs(key: string): Promise<number | null>}>
}

const backends: Backend[] = [
  {
    name: 'files',
    open: async (clock) => {
      const kv = new FileKeyValue({dir: `${tempDir('fastpay-tg-state-')}/state`, now: () => clock.now})
      return {kv, ttlMs: async (key) => (await kv.list(key)).length === 0 ? null : 1}
    },
  },
  {
    name: 'Redis',
    skip: sharedRedis.skip,
    open: async (clock) => {
      const redis = await sharedRedis.client()
      const kv = new RedisKeyValue({redis, prefix: testPrefix(), now: () => clock.now})
      return {kv, ttlMs: async (key) => redis.pttl(kv.keyFor(key))}
    },
  },
]

/** Counts the reads a gate makes of the store. */
function counting(kv: KeyValueStore): {kv: KeyValueStore; reads: () => number} {
  let reads = 0
  return {
    kv: new Proxy(kv, {
      get: (target, name, receiver) => {
        if (name === 'get') reads++
        const value = Reflect.get(target, name, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      },
    }),
    reads: () => reads,
  }
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`flood waits on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    it("a 429 kept by one gate holds back another's sends until then, for that bot only, and not a status call", async () => {
      const clock = {now: T0}
      const {kv, ttlMs} = await backend.open(clock)
      const told = new FloodWaitGate(() => floodWaitRecord(kv, TOKEN), {now: () => clock.now})
      await told.check('sendMessage')
      await told.noteFailure('sendMessage', tooManyRequests(120))
      await expect(told.check('sendMessage')).rejects.toThrow(FloodWaitError)

      const {kv: watched, reads} = counting(kv)
      const next = new FloodWaitGate(() => floodWaitRecord(watched, TOKEN), {now: () => clock.now})
      const held = await next.check('sendMessage').catch((error: unknown) => error)
      expect(held).toBeInstanceOf(FloodWaitError)
      expect((held as FloodWaitError).message).toBe("Call to 'sendMessage' not made: Telegram asked this bot to wait until 2025-06-01 12:02:00 UTC")
      expect((held as FloodWaitError).errorCode).toBe(429)
      await next.check('getMe')
      await expect(next.check('sendDocument')).rejects.toThrow('until 2025-06-01 12:02:00 UTC')
      expect(reads()).toBe(1)

      const otherBot = new FloodWaitGate(() => floodWaitRecord(kv, OTHER_TOKEN), {now: () => clock.now})
      await otherBot.check('sendMessage')
      expect(floodWaitKey(TOKEN)).toMatch(/^flood-wait\/[0-9a-f]{32}$/)
      expect(floodWaitKey(TOKEN)).not.toContain(TOKEN.split(':')[1])
      expect(await ttlMs(floodWaitKey(TOKEN))).toBeGreaterThan(0)

      clock.now = T0 + 120_000
      await new FloodWaitGate(() => floodWaitRecord(kv, TOKEN), {now: () => clock.now}).check('sendMessage')
    })

    it('a 429 without retry_after, another refusal, or a 429 on a status call keeps nothing', async () => {
      const clock = {now: T0}
      const {kv} = await backend.open(clock)
      const gate = new FloodWaitGate(() => floodWaitRecord(kv, TOKEN), {now: () => clock.now})
      await gate.noteFailure('getMe', tooManyRequests(120))
      await gate.noteFailure('sendMessage', new TelegramApiError('sendMessage', 403, 'Forbidden: bot was blocked by the user'))
      await gate.noteFailure('sendMessage', new TelegramApiError('sendMessage', 429, 'Too Many Requests'))
      expect(await kv.get(floodWaitKey(TOKEN))).toBeUndefined()
    })
  })
}

describe('a store that cannot be read or written', () => {
  it('sends as if nothing were kept, and says why only to onProblem (--debug)', async () => {
    const problems: string[] = []
    const broken = {read: async () => Promise.reject(new Error('EACCES')), write: async () => Promise.reject(new Error('EROFS'))}
    const gate = new FloodWaitGate(() => broken, {now: () => T0, onProblem: (line) => problems.push(line)})
    await gate.check('sendMessage')
    await gate.noteFailure('sendMessage', tooManyRequests(120))
    // This process still holds back: it was told.
    await expect(gate.check('sendMessage')).rejects.toThrow(FloodWaitError)
    expect(problems).toEqual(['could not read the flood wait: EACCES', 'could not keep the flood wait: EROFS'])
  })
})
