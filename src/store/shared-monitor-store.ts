import type {HistoryStore, KeyValueStore, LockLease, LockStore} from './types.js'
import {parseMonitorState} from './monitor-state-file.js'
import {type CheckState, emptyState, type HistoryRecord, type MonitorState, type MonitorStore, StateLockTimeout} from './monitor-state.js'

export interface SharedMonitorStoreOptions {
  kv: KeyValueStore
  /**
   * Where `kv` keeps documents while the shared store is unreachable (this host's files), and whether the shared
   * store answers now: a state kept there meanwhile is taken into the shared one once it is back. @default none
   */
  offline?: {kv: KeyValueStore; history: HistoryStore; sharedAnswers(): Promise<boolean>}
  lock: LockStore
  history: HistoryStore
  /** Put before every key and lock name: two monitors can share one Redis. @default 'monitor' */
  namespace?: string
  /** A pass waits this long for another host's pass to finish. @default 300_000 */
  lockTimeoutMs?: number
  /** The lease; renewed while the pass runs, so that only a dead holder loses it. @default 60_000 */
  lockTtlMs?: number
  /** Between tries for the lock. @default 20 */
  retryDelayMs?: number
  /** History records kept (oldest dropped first). @default 50_000 */
  historyKeep?: number
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The monitor's state, history and state lock on the shared store (Redis for a fleet): every host running
 * `monitor run` reads and writes one state under one lock, so a change is applied, and alerted, by one host.
 * The history is bounded by count (`historyKeep`), not by age: `pruneHistory` deletes nothing.
 */
export class SharedMonitorStore implements MonitorStore {
  readonly namespace: string
  readonly #options: Required<Omit<SharedMonitorStoreOptions, 'namespace' | 'offline'>>
  readonly #offline: SharedMonitorStoreOptions['offline']
  /** Set by readState when it took in the state this host kept offline: writeState removes that copy. */
  #adoptedOffline = false

  constructor(options: SharedMonitorStoreOptions) {
    this.namespace = options.namespace ?? 'monitor'
    const {offline, namespace: _, ...rest} = options
    this.#options = {lockTimeoutMs: 300_000, lockTtlMs: 60_000, retryDelayMs: 20, historyKeep: 50_000, sleep: defaultSleep, ...rest}
    this.#offline = offline
  }

  get #stateKey(): string {
    return `${this.namespace}/state`
  }

  async withStateLock<T>(action: () => Promise<T>): Promise<T> {
    const {lock, lockTimeoutMs, lockTtlMs, retryDelayMs, sleep} = this.#options
    const name = `${this.namespace}/state`
    let lease: LockLease | undefined
    let waitedMs = 0
    while ((lease = await lock.acquire(name, lockTtlMs)) === undefined) {
      if (waitedMs >= lockTimeoutMs) {
        const holder = await lock.holder(name)
        throw new StateLockTimeout(`another monitor pass${holder ? ` (${holder.holder})` : ''} held the shared lock ${name} for too long`)
      }
      await sleep(retryDelayMs)
      waitedMs += Math.max(retryDelayMs, 1)
    }
    const held = lease
    const renewal = setInterval(() => void lock.renew(held, lockTtlMs).catch(() => false), Math.max(lockTtlMs / 3, 10))
    renewal.unref()
    try {
      return await action()
    } finally {
      clearInterval(renewal)
      await lock.release(held).catch(() => false)
    }
  }

  async readState(): Promise<{state: MonitorState; warnings: string[]}> {
    const {state, warnings} = await this.#read(this.#options.kv, 'the shared monitor state')
    this.#adoptedOffline = false
    if (this.#offline === undefined || !(await this.#offline.sharedAnswers())) return {state, warnings}
    // A host cut off from Redis applied (and alerted) changes in its files: taken in, or Redis's older state would
    // apply and alert them again.
    const kept = await this.#read(this.#offline.kv, "this host's monitor state kept while the shared store was unreachable")
    if (kept.stored === undefined) return {state, warnings}
    this.#adoptedOffline = true
    for (const [name, check] of Object.entries(kept.state.checks)) {
      const taken = keptCheck(state.checks[name], check)
      if (taken !== undefined) state.checks[name] = taken
    }
    if (kept.state.lastPass && (state.lastPass === undefined || kept.state.lastPass.at > state.lastPass.at)) state.lastPass = kept.state.lastPass
    return {state, warnings: [...warnings, ...kept.warnings]}
  }

  async writeState(state: MonitorState): Promise<void> {
    // Written under the state lock only, so a plain write cannot lose another host's.
    await this.#options.kv.set(this.#stateKey, state)
    // Gone only once the shared store holds what it had (a write that fell back to the files replaced it there).
    if (this.#adoptedOffline && this.#offline && (await this.#offline.sharedAnswers())) {
      await this.#handOverHistory(this.#offline)
      await this.#offline.kv.delete(this.#stateKey)
    }
    this.#adoptedOffline = false
  }

  /**
   * The results, changes and alerts recorded in this host's files meanwhile go to the shared history, or the fleet's
   * digest would miss that stretch (an incident, its alert). The files keep them; a mark says how far they went.
   */
  async #handOverHistory(offline: NonNullable<SharedMonitorStoreOptions['offline']>): Promise<void> {
    const markKey = `${this.namespace}/history-handed-over`
    const handedUpTo = (await offline.kv.get<{at: number}>(markKey))?.value.at ?? Number.NEGATIVE_INFINITY
    const kept = await offline.history.recent<HistoryRecord>(`${this.namespace}/history`, this.#options.historyKeep)
    const fresh = kept.filter(({at}) => at > handedUpTo).reverse()
    if (fresh.length === 0) return
    await this.appendHistory(fresh.map(({item}) => item))
    await offline.kv.set(markKey, {at: fresh.at(-1)!.at})
  }

  async #read(kv: KeyValueStore, where: string): Promise<{state: MonitorState; warnings: string[]; stored?: unknown}> {
    const stored = await kv.get<unknown>(this.#stateKey)
    if (stored === undefined) return {state: emptyState(), warnings: []}
    const parsed = parseMonitorState(JSON.stringify(stored.value))
    const named = `${where} (${this.#stateKey})`
    if ('problem' in parsed) return {state: emptyState(), warnings: [`${named} is unreadable (${parsed.problem}); starting afresh`], stored}
    return {state: parsed.state, warnings: parsed.problems.map((name) => `state of check "${name}" in ${named} is unreadable; starting afresh`), stored}
  }

  async appendHistory(records: readonly HistoryRecord[]): Promise<void> {
    for (const record of records) {
      await this.#options.history.append(`${this.namespace}/history`, record, {keep: this.#options.historyKeep, at: record.at})
    }
  }

  async readHistory(from: number, to: number): Promise<{records: HistoryRecord[]; warnings: string[]}> {
    const items = await this.#options.history.recent<HistoryRecord>(`${this.namespace}/history`, this.#options.historyKeep)
    // Newest first from the store; reversed first so that records of one instant keep their order.
    const records = items.reverse().map(({item}) => item).filter((record) => record.at >= from && record.at < to)
    records.sort((a, b) => a.at - b.at)
    return {records, warnings: []}
  }

  async scanHistory(from: number, to: number, visit: (record: HistoryRecord) => void): Promise<{warnings: string[]}> {
    await this.#options.history.scan<HistoryRecord>(`${this.namespace}/history`, this.#options.historyKeep, ({item}) => {
      if (item.at >= from && item.at < to) visit(item)
    })
    return {warnings: []}
  }

  async pruneHistory(_before: number): Promise<string[]> {
    return []
  }
}

/**
 * What of a check this host kept offline goes into the shared state: its later result, unless that would lose an
 * alert. The files started afresh (unknown), so an up there may be a first result, not a recovery told: a shared down
 * stays, and the next pass tells the recovery. A down there was alerted (or is pending), so it is taken in.
 */
function keptCheck(shared: CheckState | undefined, kept: CheckState): CheckState | undefined {
  if (shared === undefined) return kept
  if (kept.last.at <= shared.last.at) return undefined
  if (kept.status === 'down') return shared.status === 'down' ? {...kept, since: Math.min(kept.since, shared.since)} : kept
  return kept.status === 'up' && shared.status === 'up' ? kept : undefined
}
