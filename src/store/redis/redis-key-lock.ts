import {hostname} from 'node:os'
import type {Redis} from 'ioredis'

import {isProcessAlive} from '../../support/process-alive.js'
import {LuaScript} from './lua-script.js'
import {nodeCrypto} from '../../support/node-crypto.js'

const DELETE_IF = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`)

/** A lock held this long without being released belongs to a run that died on another host. */
const LOCK_TTL_MS = 15_000

/** Whether `consumer` (`host/pid`) names a process of this host that no longer runs. */
export function isDeadHere(consumer: string): boolean {
  const slash = consumer.lastIndexOf('/')
  const pid = Number(consumer.slice(slash + 1))
  return slash > 0 && consumer.slice(0, slash) === hostname() && Number.isSafeInteger(pid) && pid !== process.pid && !isProcessAlive(pid)
}

/**
 * Runs `action` while holding `key` (`SET NX PX`, valued `<token> <host>/<pid>`); runs on any host take turns. A lock
 * of a dead process of this host is taken over at once, any other expires after 15 s. 'timeout' when another run
 * held it for `timeoutMs`.
 */
export async function withRedisKeyLock<T>(redis: Redis, key: string, timeoutMs: number, action: () => Promise<T>): Promise<T | 'timeout'> {
  const value = `${nodeCrypto().randomBytes(8).toString('hex')} ${hostname()}/${process.pid}`
  const startedAt = Date.now()
  while ((await redis.set(key, value, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
    const holder = await redis.get(key)
    if (holder !== null && isDeadHere(holder.slice(holder.indexOf(' ') + 1))) {
      await DELETE_IF.run(redis, [key], [holder])
      continue
    }
    if (Date.now() - startedAt >= timeoutMs) return 'timeout'
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 5))
  }
  try {
    return await action()
  } finally {
    await DELETE_IF.run(redis, [key], [value]).catch(() => undefined)
  }
}
