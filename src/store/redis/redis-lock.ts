import {hostname} from 'node:os'
import type {Redis} from 'ioredis'

import type {LockLease, LockStore} from '../types.js'
import {LuaScript} from './lua-script.js'
import {nodeCrypto} from '../../support/node-crypto.js'

export interface RedisLockOptions {
  redis: Redis
  /** Put before every key. @default 'fastpay-tg:' */
  prefix?: string
  /** Who takes leases here, for status output. @default `<hostname>/<pid>` */
  holder?: string
  /** @default Date.now */
  now?: () => number
}

// The value is `<token> <holder>`: only the token's owner may extend or end the lease.
const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`)

/**
 * Leases shared by a fleet: `SET key value NX PX ttl` takes one, and Redis expires it by itself when its holder
 * dies. Redis keeps the time to live; `expiresAt` is reported on this host's clock.
 */
export class RedisLock implements LockStore {
  readonly prefix: string
  readonly #redis: Redis
  readonly #holder: string
  readonly #now: () => number

  constructor(options: RedisLockOptions) {
    this.#redis = options.redis
    this.prefix = options.prefix ?? 'fastpay-tg:'
    this.#holder = options.holder ?? `${hostname()}/${process.pid}`
    this.#now = options.now ?? Date.now
  }

  keyFor(name: string): string {
    return `${this.prefix}lock:${name}`
  }

  async acquire(name: string, ttlMs: number): Promise<LockLease | undefined> {
    const token = nodeCrypto().randomBytes(12).toString('hex')
    const taken = await this.#redis.set(this.keyFor(name), `${token} ${this.#holder}`, 'PX', Math.ceil(ttlMs), 'NX')
    if (taken !== 'OK') return undefined
    return {name, token, holder: this.#holder, expiresAt: this.#now() + ttlMs}
  }

  async renew(lease: LockLease, ttlMs: number): Promise<boolean> {
    const renewed = await RENEW.run(this.#redis, [this.keyFor(lease.name)], [`${lease.token} ${lease.holder}`, Math.ceil(ttlMs)])
    if (renewed === 1) lease.expiresAt = this.#now() + ttlMs
    return renewed === 1
  }

  async release(lease: LockLease): Promise<boolean> {
    return (await RELEASE.run(this.#redis, [this.keyFor(lease.name)], [`${lease.token} ${lease.holder}`])) === 1
  }

  async holder(name: string): Promise<{holder: string; expiresAt: number} | undefined> {
    const key = this.keyFor(name)
    const replies = (await this.#redis.multi().get(key).pttl(key).exec()) as [[Error | null, string | null], [Error | null, number]]
    const [[getError, value], [ttlError, ttl]] = replies
    if (getError ?? ttlError) throw getError ?? ttlError
    if (value === null || ttl < 0) return undefined
    return {holder: value.slice(value.indexOf(' ') + 1), expiresAt: this.#now() + ttl}
  }
}
