// What every door and core module asks of shared state, whatever keeps it: the file store (one machine, the
// default) or Redis (a fleet of hosts). src/store/file holds the file backends (`FileThrottle implements
// ThrottleStore`, `FileOutbox implements OutboxStore`, ...), src/store/redis the Redis ones, src/store/fallback the
// pairs a Redis store uses (Redis while it answers, the state dir while it does not). Only `openStore`
// (select-store.ts) constructs them (test/architecture/store-construction.test.ts). The data an outbox keeps and
// reports is typed in outbox-types.ts: the store owns it, and the outbox feature (src/outbox/) imports it.
import type {DeliverEntry, FlushedEntry, FlushOptions, FlushReport, HeldEntry, NewOutboxEntry, OutboxEntry, OutboxListing} from './outbox-types.js'
import type {Admission, AdmitSteps, ThrottleDecision, ThrottleTicket} from '../throttle/index.js'

/** "One alert per key per window", counting what it holds back. `FileThrottle` and `RedisThrottle` are ones. */
export interface ThrottleStore {
  /** Lets one alert of `key` through per `windowSeconds` (none while muted), counting the others. */
  decide(key: string, windowSeconds: number, now?: number): Promise<ThrottleDecision>
  /**
   * `decide`, write-ahead: under the key's lock, an alert let through is recorded by `steps.record` (its outbox
   * entry) before its window is committed, and an entry `steps.pendingSince` still finds counts as the open window.
   * Killed between the two steps, the next run finds the entry: the alert is neither lost nor sent twice.
   */
  admit<T>(key: string, windowSeconds: number, now: number, steps: AdmitSteps<T>): Promise<Admission<T>>
  /** Forgets keys whose window is over, unmuted, with no held-back count to report. Returns how many. */
  prune(now?: number): Promise<number>
  /** Gives back the window `ticket` opened (the alert reached no chat), keeping the suppressed count. */
  release(ticket: ThrottleTicket, now?: number): Promise<string[]>
  /** Suppresses every alert of `key` until `untilMs` (epoch ms); a time in the past lifts the mute. */
  mute(key: string, untilMs: number, now?: number): Promise<string[]>
  /** What `decide` would answer, recording nothing. */
  peek(key: string, windowSeconds: number, now?: number): Promise<ThrottleDecision>
}

/**
 * Messages that could not be delivered yet. Each entry is delivered by one flush at a time and removed only after
 * Telegram accepted it for every chat; a partial delivery keeps the chats still missing it. `FileOutbox` and
 * `RedisOutbox` (a stream with a consumer group) are ones.
 */
export interface OutboxStore {
  spool(input: NewOutboxEntry): Promise<OutboxEntry>
  /** Writes an entry ahead of its first delivery, held by this process until `deliverHeld` or `releaseHeld`. */
  hold(input: NewOutboxEntry): Promise<HeldEntry>
  /** Delivers a held entry: removed once no chat waits for it, else kept for those and left to flushes. */
  deliverHeld(held: HeldEntry, deliver: DeliverEntry): Promise<FlushedEntry>
  /** Leaves a held entry to the flushes without trying it. */
  releaseHeld(held: HeldEntry, lastError: string): Promise<void>
  /**
   * The creation time of the newest entry of `bot` and `throttleKey` created after `sinceMs` still on its way, or
   * delivered by a flush that took it over (see deliveredMark): either stands for a window its run did not commit.
   */
  pendingSince(bot: string, throttleKey: string, sinceMs: number): Promise<number | undefined>
  /** Moves unreadable entries aside, one warning each, so that they are reported once. */
  setAsideUnreadable(): Promise<string[]>
  /** What is waiting, including entries being delivered right now. Changes nothing. */
  list(options?: FlushOptions): Promise<OutboxListing>
  /** Delivers waiting entries oldest first (not held ones), and stops at the first failure that may pass. */
  flush(deliver: DeliverEntry, options?: FlushOptions): Promise<FlushReport>
}

/** A lock held until `expiresAt` unless renewed: a holder that dies gives it up by itself. */
export interface LockLease {
  name: string
  /** Proves ownership to `renew` and `release`: nobody else's lease can end ours. */
  token: string
  /** Who holds it, for status output: `host/pid`. */
  holder: string
  /** Epoch ms, as the store measured it when taken or last renewed. */
  expiresAt: number
}

/** Locks with a time to live, e.g. "one monitor host runs this check's alerting now". */
export interface LockStore {
  /** Takes `name` for `ttlMs`; undefined while someone else holds it. */
  acquire(name: string, ttlMs: number): Promise<LockLease | undefined>
  /** Extends our lease to `ttlMs` from now; false when it had expired (and may have been taken by another). */
  renew(lease: LockLease, ttlMs: number): Promise<boolean>
  /** Ends our lease; false when it was no longer ours. */
  release(lease: LockLease): Promise<boolean>
  /** Who holds `name` now, for status output. */
  holder(name: string): Promise<{holder: string; expiresAt: number} | undefined>
}

/** A stored document and the version it had when read. */
export interface Versioned<T> {
  value: T
  /** 1 for the first write, +1 per write since. */
  version: number
  /** Epoch ms of the last write. */
  updatedAt: number
}

export type CompareAndSetResult<T> = {ok: true; version: number} | {ok: false; current: Versioned<T> | undefined}

export interface WriteOptions {
  /** The key disappears this long after the write (observations of an interval, say). @default kept */
  ttlMs?: number
}

/**
 * Small JSON documents under string keys (`/` separates levels), changed with compare-and-set so that several hosts
 * can race for one state change and exactly one wins it. For the monitor: its state per check, and per-host
 * observations per interval (`monitor/seen/<check>/<interval>/<host>`), which `list` gathers for a quorum.
 */
export interface KeyValueStore {
  get<T>(key: string): Promise<Versioned<T> | undefined>
  /** Writes `value` only if the stored version is still `expectedVersion` (0: only if the key is absent). */
  compareAndSet<T>(key: string, expectedVersion: number, value: T, options?: WriteOptions): Promise<CompareAndSetResult<T>>
  /** Writes whatever is there (a host's own observation, which no other host writes). Returns the new version. */
  set<T>(key: string, value: T, options?: WriteOptions): Promise<number>
  delete(key: string): Promise<void>
  /** Every live key that starts with `prefix`, in key order. */
  list<T>(prefix: string): Promise<Array<{key: string} & Versioned<T>>>
  /**
   * Removes what is left of the keys under `prefix` whose time to live is over: the file store keeps their files
   * until then (nothing reads them), Redis expires keys by itself. Housekeeping, e.g. by `webhook serve` hourly.
   */
  removeExpired(prefix: string): Promise<void>
}

/** An append-only list that keeps its newest items (a check's history for `monitor status`). */
export interface HistoryStore {
  /** Adds `item` at `at` (epoch ms) and drops the oldest beyond `keep`. */
  append<T>(name: string, item: T, options: {keep: number; at?: number}): Promise<void>
  /** The newest `limit` items, newest first. */
  recent<T>(name: string, limit: number): Promise<Array<{at: number; item: T}>>
  /** `recent`, one item at a time, newest first: read in chunks where the backend can (Redis), not all at once. */
  scan<T>(name: string, limit: number, visit: (entry: {at: number; item: T}) => void): Promise<void>
}

/** What `health` shows about shared state. */
export interface StoreDescription {
  /** The backend configured. */
  kind: 'file' | 'redis'
  /** The backend in use right now: `file` while a configured Redis is unreachable. */
  active: 'file' | 'redis'
  /** `redis://:***@10.0.0.5:6379/0` (never the password), or the state directory. */
  target: string
  /** Where the choice came from: `env FASTPAY_TG_STORE`, `registry ~/.config/fastpay-tg/config.yml store`, `default`. */
  source: string
  /** False when Redis is configured but did not answer. Always true for the file store. */
  reachable: boolean
  /** Round trip of a PING, when Redis answered. */
  latencyMs?: number
  /** Why Redis is unreachable: one line, redacted. */
  problem?: string
  /**
   * Set when Redis refused the URL's credentials (wrong or missing password): a mistake to fix, not an outage. What
   * to say after the store's name: `refused the password (WRONGPASS …): set the right one in env FASTPAY_TG_STORE`.
   */
  refusal?: string
  /** Alerts spooled on this host while Redis was unreachable, not yet handed to it. */
  localWaiting?: number
}

/** The one line for a store whose Redis refused the URL's credentials (see StoreDescription.refusal), else undefined. */
export function refusedStoreLine(described: Pick<StoreDescription, 'target' | 'refusal'>): string | undefined {
  return described.refusal === undefined ? undefined : `store ${described.target} ${described.refusal}`
}
