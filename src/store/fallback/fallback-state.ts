import type {RedisLink} from '../redis/redis-link.js'
import type {CompareAndSetResult, HistoryStore, KeyValueStore, Versioned, WriteOptions} from '../types.js'

/**
 * Redis's documents while Redis answers, this host's files while it does not. Without Redis, compare-and-set
 * arbitrates between the processes of this host only: each host decides alone rather than none deciding.
 */
export class FallbackKeyValue implements KeyValueStore {
  constructor(
    readonly shared: KeyValueStore,
    readonly local: KeyValueStore,
    readonly link: RedisLink,
  ) {}

  get<T>(key: string): Promise<Versioned<T> | undefined> {
    return this.link.run(() => this.shared.get<T>(key), () => this.local.get<T>(key))
  }

  compareAndSet<T>(key: string, expectedVersion: number, value: T, options?: WriteOptions): Promise<CompareAndSetResult<T>> {
    return this.link.run(
      () => this.shared.compareAndSet(key, expectedVersion, value, options),
      () => this.local.compareAndSet(key, expectedVersion, value, options),
    )
  }

  set<T>(key: string, value: T, options?: WriteOptions): Promise<number> {
    return this.link.run(() => this.shared.set(key, value, options), () => this.local.set(key, value, options))
  }

  delete(key: string): Promise<void> {
    return this.link.run(() => this.shared.delete(key), () => this.local.delete(key))
  }

  list<T>(prefix: string): Promise<Array<{key: string} & Versioned<T>>> {
    return this.link.run(() => this.shared.list<T>(prefix), () => this.local.list<T>(prefix))
  }

  // Both: this host's files keep what was written while Redis was away.
  async removeExpired(prefix: string): Promise<void> {
    await this.local.removeExpired(prefix)
    await this.link.run(() => this.shared.removeExpired(prefix), async () => {})
  }
}

/** Redis's histories while Redis answers, this host's files while it does not (each keeps what it was given). */
export class FallbackHistory implements HistoryStore {
  constructor(
    readonly shared: HistoryStore,
    readonly local: HistoryStore,
    readonly link: RedisLink,
  ) {}

  append<T>(name: string, item: T, options: {keep: number; at?: number}): Promise<void> {
    return this.link.run(() => this.shared.append(name, item, options), () => this.local.append(name, item, options))
  }

  recent<T>(name: string, limit: number): Promise<Array<{at: number; item: T}>> {
    return this.link.run(() => this.shared.recent<T>(name, limit), () => this.local.recent<T>(name, limit))
  }

  /** Falls back only before the first item: items already visited cannot be taken back, so a later loss is an error. */
  scan<T>(name: string, limit: number, visit: (entry: {at: number; item: T}) => void): Promise<void> {
    let visited = false
    return this.link.run(
      () =>
        this.shared.scan<T>(name, limit, (entry) => {
          visited = true
          visit(entry)
        }),
      () => {
        if (visited) throw new Error(`Redis went away while history ${name} was being read: run it again`)
        return this.local.scan<T>(name, limit, visit)
      },
    )
  }
}
