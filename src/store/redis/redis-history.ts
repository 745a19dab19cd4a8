import type {Redis} from 'ioredis'

import type {HistoryStore} from '../types.js'

export interface RedisHistoryOptions {
  redis: Redis
  /** Put before every key. @default 'fastpay-tg:' */
  prefix?: string
  /** @default Date.now */
  now?: () => number
}

/** One Redis list per history, newest first, trimmed to `keep` in the same transaction as each append. */
export class RedisHistory implements HistoryStore {
  readonly prefix: string
  readonly #redis: Redis
  readonly #now: () => number

  constructor(options: RedisHistoryOptions) {
    this.#redis = options.redis
    this.prefix = options.prefix ?? 'fastpay-tg:'
    this.#now = options.now ?? Date.now
  }

  keyFor(name: string): string {
    return `${this.prefix}history:${name}`
  }

  async append<T>(name: string, item: T, options: {keep: number; at?: number}): Promise<void> {
    const key = this.keyFor(name)
    const entry = JSON.stringify({at: options.at ?? this.#now(), item})
    const replies = await this.#redis.multi().lpush(key, entry).ltrim(key, 0, Math.max(options.keep, 1) - 1).exec()
    const failed = replies?.find(([error]) => error !== null)
    if (failed) throw failed[0]
  }

  async recent<T>(name: string, limit: number): Promise<Array<{at: number; item: T}>> {
    if (limit <= 0) return []
    const entries = await this.#redis.lrange(this.keyFor(name), 0, limit - 1)
    return entries.map((entry) => JSON.parse(entry) as {at: number; item: T})
  }

  async scan<T>(name: string, limit: number, visit: (entry: {at: number; item: T}) => void): Promise<void> {
    const key = this.keyFor(name)
    for (let start = 0; start < limit; start += SCAN_CHUNK) {
      const entries = await this.#redis.lrange(key, start, Math.min(start + SCAN_CHUNK, limit) - 1)
      for (const entry of entries) visit(JSON.parse(entry) as {at: number; item: T})
      if (entries.length < SCAN_CHUNK) return
    }
  }
}

// Items per LRANGE in `scan`: few round trips, and a chunk's strings stay a few hundred kB.
const SCAN_CHUNK = 2000
