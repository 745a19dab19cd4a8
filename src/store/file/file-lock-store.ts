import {hostname} from 'node:os'

import type {KeyLockOptions} from '../../support/key-lock.js'
import type {LockLease, LockStore} from '../types.js'
import {jsonPathFor, readJson, updateJson} from './locked-json.js'
import {nodeCrypto} from '../../support/node-crypto.js'

export interface FileLockStoreOptions {
  /** Where the lease files live, e.g. `<state dir>/locks`. */
  dir: string
  /** Who takes leases here, for status output. @default `<hostname>/<pid>` */
  holder?: string
  /** The short lock around reading and writing one lease file. @default see KeyLockOptions */
  lock?: KeyLockOptions
  /** @default Date.now */
  now?: () => number
}

interface LeaseFile {
  version: 1
  name: string
  token: string
  holder: string
  expiresAt: number
}

/**
 * Leases with a time to live for the processes of one machine: one JSON file per name (named by a hash), read and
 * replaced under the same O_EXCL key lock as the throttle. An expired lease is free for the next taker, so a holder
 * that died gives it up by itself.
 */
export class FileLockStore implements LockStore {
  readonly dir: string
  readonly #holder: string
  readonly #lock: KeyLockOptions
  readonly #now: () => number

  constructor(options: FileLockStoreOptions) {
    this.dir = options.dir
    this.#holder = options.holder ?? `${hostname()}/${process.pid}`
    this.#lock = options.lock ?? {}
    this.#now = options.now ?? Date.now
  }

  pathFor(name: string): string {
    return jsonPathFor(this.dir, name)
  }

  async acquire(name: string, ttlMs: number): Promise<LockLease | undefined> {
    return this.#update(name, async (current, now) => {
      if (current !== undefined && current.expiresAt > now) return {result: undefined}
      const lease: LockLease = {name, token: nodeCrypto().randomBytes(12).toString('hex'), holder: this.#holder, expiresAt: now + ttlMs}
      return {write: {version: 1, ...lease}, result: lease}
    })
  }

  async renew(lease: LockLease, ttlMs: number): Promise<boolean> {
    return this.#update(lease.name, async (current, now) => {
      if (current?.token !== lease.token || current.expiresAt <= now) return {result: false}
      lease.expiresAt = now + ttlMs
      return {write: {...current, expiresAt: lease.expiresAt}, result: true}
    })
  }

  async release(lease: LockLease): Promise<boolean> {
    return this.#update(lease.name, async (current, now) => {
      if (current?.token !== lease.token) return {result: false}
      return {write: null, result: current.expiresAt > now}
    })
  }

  async holder(name: string): Promise<{holder: string; expiresAt: number} | undefined> {
    const current = leaseIn(await readJson(this.dir, this.pathFor(name)), name)
    if (current === undefined || current.expiresAt <= this.#now()) return undefined
    return {holder: current.holder, expiresAt: current.expiresAt}
  }

  async #update<T>(
    name: string,
    change: (current: LeaseFile | undefined, now: number) => Promise<{write?: LeaseFile | null; result: T}>,
  ): Promise<T> {
    return updateJson(this.dir, this.pathFor(name), (content) => change(leaseIn(content, name), this.#now()), this.#lock)
  }
}

/** The lease in a file's content; an unreadable or foreign file counts as no lease (the next take replaces it). */
function leaseIn(content: unknown, name: string): LeaseFile | undefined {
  const value = content as Partial<LeaseFile> | undefined
  const valid = value?.version === 1 && value.name === name && typeof value.token === 'string' && Number.isFinite(value.expiresAt)
  return valid ? (value as LeaseFile) : undefined
}
