// A bot's flood wait (a 429 whose retry_after the client did not wait out) as one document of the store's key-value
// part, so that every later run, and every host of a fleet on Redis, holds back until then:
//   flood-wait/<sha256 of the token, 32 hex digits>   {notBefore: ISO time}, gone when the wait is over
// The key names the bot by a hash: the token itself never reaches the state dir or Redis.
import {nodeCrypto} from '../support/node-crypto.js'
import type {KeyValueStore} from './types.js'

const PREFIX = 'flood-wait/'

interface FloodWaitDocument {
  notBefore: string
}

/** The key of a bot's flood wait: a hash of its token, never the token. */
export const floodWaitKey = (token: string) => `${PREFIX}${nodeCrypto().createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 32)}`

/** A FloodWaitRecord (see src/api/flood-wait.ts) for one bot in `kv`. */
export function floodWaitRecord(kv: Pick<KeyValueStore, 'get' | 'set'>, token: string) {
  const key = floodWaitKey(token)
  return {
    async read(): Promise<number | undefined> {
      const stored = await kv.get<FloodWaitDocument>(key)
      const notBefore = Date.parse(String(stored?.value?.notBefore))
      return Number.isFinite(notBefore) ? notBefore : undefined
    },
    async write(notBeforeMs: number, ttlMs: number): Promise<void> {
      await kv.set<FloodWaitDocument>(key, {notBefore: new Date(notBeforeMs).toISOString()}, {ttlMs: Math.max(1, Math.ceil(ttlMs))})
    },
  }
}
