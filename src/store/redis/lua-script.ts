import type {Redis} from 'ioredis'
import {nodeCrypto} from '../../support/node-crypto.js'

/** A Lua script run atomically by Redis: by its SHA1 when Redis has it cached, else sent whole (and cached). */
export class LuaScript {
  #sha: string | undefined

  constructor(readonly source: string) {}

  /** Hashed on first use: the Redis store's modules make their scripts when they load, also for a file store. */
  get sha(): string {
    this.#sha ??= nodeCrypto().createHash('sha1').update(this.source).digest('hex')
    return this.#sha
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return redis.eval(this.source, keys.length, ...keys, ...args)
    }
  }
}
