import type {RedisLink} from '../redis/redis-link.js'
import type {LockLease, LockStore} from '../types.js'

/**
 * Redis's leases while Redis answers, this host's files while it does not. Without Redis a lease excludes only the
 * processes of this host: each host carries on alone rather than all of them stopping. A lease goes back to the
 * store that granted it.
 */
export class FallbackLock implements LockStore {
  readonly #fromLocal = new WeakSet<LockLease>()

  constructor(
    readonly shared: LockStore,
    readonly local: LockStore,
    readonly link: RedisLink,
  ) {}

  async acquire(name: string, ttlMs: number): Promise<LockLease | undefined> {
    return this.link.run(
      () => this.shared.acquire(name, ttlMs),
      async () => {
        const lease = await this.local.acquire(name, ttlMs)
        if (lease) this.#fromLocal.add(lease)
        return lease
      },
    )
  }

  async renew(lease: LockLease, ttlMs: number): Promise<boolean> {
    if (this.#fromLocal.has(lease)) return this.local.renew(lease, ttlMs)
    // Unreachable, Redis cannot vouch for the lease any more: the holder must stop acting on it.
    return this.link.run(() => this.shared.renew(lease, ttlMs), async () => false)
  }

  async release(lease: LockLease): Promise<boolean> {
    if (this.#fromLocal.has(lease)) return this.local.release(lease)
    return this.link.run(() => this.shared.release(lease), async () => false)
  }

  async holder(name: string): Promise<{holder: string; expiresAt: number} | undefined> {
    return this.link.run(
      () => this.shared.holder(name),
      () => this.local.holder(name),
    )
  }
}
