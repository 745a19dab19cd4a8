import type {Redis} from 'ioredis'

import type {CompareAndSetResult, KeyValueStore, Versioned, WriteOptions} from '../types.js'
import {LuaScript} from './lua-script.js'

export interface RedisKeyValueOptions {
  redis: Redis
  /** Put before every key. @default 'fastpay-tg:' */
  prefix?: string
  /** @default Date.now */
  now?: () => number
}

// One hash per key: v (version), d (the JSON document), t (epoch ms of the write).
// KEYS[1]. ARGV expected version ('any' for an unconditional write), JSON, now, ttl ms ('' keeps it).
const WRITE = new LuaScript(`
local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if ARGV[1] ~= 'any' and version ~= tonumber(ARGV[1]) then
  if version == 0 then return {0} end
  local current = redis.call('HMGET', KEYS[1], 'd', 't')
  return {0, version, current[1], current[2]}
end
redis.call('HSET', KEYS[1], 'v', version + 1, 'd', ARGV[2], 't', ARGV[3])
if ARGV[4] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[4]) else redis.call('PERSIST', KEYS[1]) end
return {1, version + 1}
`)

type WriteReply = [1, number] | [0] | [0, number, string, string]

/** Versioned documents in Redis hashes, each write one script: of hosts racing on one version, exactly one wins. */
export class RedisKeyValue implements KeyValueStore {
  readonly prefix: string
  readonly #redis: Redis
  readonly #now: () => number

  constructor(options: RedisKeyValueOptions) {
    this.#redis = options.redis
    this.prefix = options.prefix ?? 'fastpay-tg:'
    this.#now = options.now ?? Date.now
  }

  keyFor(key: string): string {
    return `${this.prefix}kv:${key}`
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    const [version, json, updatedAt] = await this.#redis.hmget(this.keyFor(key), 'v', 'd', 't')
    if (version == null || json == null) return undefined
    return {value: JSON.parse(json) as T, version: Number(version), updatedAt: Number(updatedAt)}
  }

  async compareAndSet<T>(key: string, expectedVersion: number, value: T, options: WriteOptions = {}): Promise<CompareAndSetResult<T>> {
    const reply = await this.#write(key, String(expectedVersion), value, options)
    if (reply[0] === 1) return {ok: true, version: reply[1]}
    if (reply.length === 1) return {ok: false, current: undefined}
    const [, version, json, updatedAt] = reply as [0, number, string, string]
    return {ok: false, current: {value: JSON.parse(json) as T, version, updatedAt: Number(updatedAt)}}
  }

  async set<T>(key: string, value: T, options: WriteOptions = {}): Promise<number> {
    const reply = await this.#write(key, 'any', value, options)
    return reply[0] === 1 ? reply[1] : 0
  }

  async delete(key: string): Promise<void> {
    await this.#redis.del(this.keyFor(key))
  }

  async list<T>(prefix: string): Promise<Array<{key: string} & Versioned<T>>> {
    const base = this.keyFor('')
    const pattern = `${base}${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, found] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
      cursor = next
      keys.push(...found)
    } while (cursor !== '0')
    const documents = await Promise.all([...new Set(keys)].sort().map(async (redisKey) => {
      const key = redisKey.slice(base.length)
      const document = await this.get<T>(key)
      return document === undefined ? [] : [{key, ...document}]
    }))
    return documents.flat()
  }

  /** Nothing to do: Redis removes a key once its time to live is over. */
  async removeExpired(_prefix: string): Promise<void> {}

  async #write(key: string, expected: string, value: unknown, options: WriteOptions): Promise<WriteReply> {
    const ttl = options.ttlMs === undefined ? '' : String(Math.ceil(options.ttlMs))
    return (await WRITE.run(this.#redis, [this.keyFor(key)], [expected, JSON.stringify(value), String(this.#now()), ttl])) as WriteReply
  }
}
