import {hostname} from 'node:os'
import type {Redis} from 'ioredis'

import {redact} from '../../redact.js'
import {type ChatsDoneRecorder, deliveredMark, deliverEntry, recordChatsDone} from '../deliver-entry.js'
import {newOutboxEntry, parseOutboxEntry} from '../outbox-entry.js'
import {
  DEFAULT_CLAIM_TIMEOUT_MS,
  DEFAULT_DELIVERED_MEMORY_MS,
  type DeliverEntry,
  type FlushedEntry,
  type FlushOptions,
  type FlushReport,
  type HeldEntry,
  type NewOutboxEntry,
  type OutboxEntry,
  type OutboxItem,
  type OutboxListing,
} from '../outbox-types.js'
import type {OutboxStore} from '../types.js'
import {type BotKeys, type Claimed, claimNext, claimOf, finishClaim, FlushCutShort, GIVEN_BACK_IDLE_MS, type HeldClaim, outboxKeys, settleClaim} from './outbox-claim.js'
import {ACK, GIVE_BACK_DEAD, HOLD, RENEW, REWRITE_HELD, SET_ASIDE, SET_ASIDE_DOCUMENT, SPOOL, SWEEP_CONSUMERS} from './outbox-scripts.js'
import {isRedisUnavailable} from './redis-errors.js'
import {isDeadHere} from './redis-key-lock.js'
import {newestPendingOrMarked} from './redis-pending-since.js'

export interface RedisOutboxOptions {
  redis: Redis
  /** Put before every key. @default 'fastpay-tg:' */
  prefix?: string
  /**
   * An entry a consumer has held this long without renewing its claim is taken over by the next flush anywhere:
   * its host died, or hangs. A consumer renews every third of this while it delivers; one of this host whose
   * process is gone is taken over at once. @default 60_000
   */
  claimTimeoutMs?: number
  /** This process as a consumer of the group. @default `<hostname>/<pid>` */
  consumer?: string
  /** How long an entry handed over by `adopt` is remembered, so that it is never added twice. @default 30 days */
  adoptMemoryMs?: number
  /**
   * How long a flush's delivery of an entry with a throttle key still counts for `pendingSince`: longer than any
   * throttle window. @default 30 days
   */
  deliveredMemoryMs?: number
  /** @default Date.now */
  now?: () => number
}

interface Held {
  bot: string
  streamId: string
  timer: NodeJS.Timeout
}

/**
 * The outbox of a fleet: per bot a Redis stream read by the consumer group `senders`, each flushing process one
 * consumer. An entry is acknowledged and deleted (XACK + XDEL) only after Telegram accepted it for every chat; a
 * partial delivery keeps the chats still waiting and gives the entry back at the head of the line. An entry whose
 * consumer died is taken over after `claimTimeoutMs` (XAUTOCLAIM). As with the file outbox, a host killed after
 * Telegram accepted an entry but before its acknowledgement makes it go out twice: never lost beats exactly once.
 */
export class RedisOutbox implements OutboxStore {
  readonly prefix: string
  readonly consumer: string
  readonly #redis: Redis
  readonly #claimTimeoutMs: number
  readonly #adoptMemoryMs: number
  readonly #deliveredMemoryMs: number
  readonly #now: () => number
  readonly #held = new WeakMap<HeldEntry, Held>()

  constructor(options: RedisOutboxOptions) {
    this.#redis = options.redis
    this.prefix = options.prefix ?? 'fastpay-tg:'
    this.consumer = options.consumer ?? `${hostname()}/${process.pid}`
    this.#claimTimeoutMs = options.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS
    this.#adoptMemoryMs = options.adoptMemoryMs ?? 30 * 24 * 3600 * 1000
    this.#deliveredMemoryMs = options.deliveredMemoryMs ?? DEFAULT_DELIVERED_MEMORY_MS
    this.#now = options.now ?? Date.now
  }

  /** The stream that holds `bot`'s entries. */
  streamFor(bot: string): string {
    return outboxKeys(this.prefix, bot).stream
  }

  async spool(input: NewOutboxEntry): Promise<OutboxEntry> {
    const entry = newOutboxEntry(input, this.#now())
    // Masks a token that found its way into the text: the entry may sit in Redis for days.
    const json = redact(JSON.stringify(entry))
    await this.#add(entry.bot, entry.id, json, false)
    return JSON.parse(json) as OutboxEntry
  }

  /** The stream entry, written ahead of the first delivery and held by this consumer: see OutboxStore.hold. */
  async hold(input: NewOutboxEntry): Promise<HeldEntry> {
    const entry = newOutboxEntry({attempts: 0, ...input}, this.#now())
    const json = redact(JSON.stringify(entry))
    const keys = outboxKeys(this.prefix, entry.bot)
    const streamId = (await HOLD.run(this.#redis, [keys.stream, keys.entries, keys.bots, keys.holders], [entry.id, json, entry.bot, this.consumer])) as string
    const held: HeldEntry = {entry: JSON.parse(json) as OutboxEntry}
    const timer = this.#renewEvery(keys, streamId, entry.id)
    this.#held.set(held, {bot: entry.bot, streamId, timer})
    return held
  }

  async deliverHeld(held: HeldEntry, deliver: DeliverEntry): Promise<FlushedEntry> {
    const outcome = await this.sendHeld(held, deliver)
    await this.finishHeld(held, outcome)
    return outcome.flushed
  }

  /**
   * The first half of deliverHeld: sends, taking each chat Telegram accepts off the stored entry as it goes (a run
   * killed meanwhile leaves the flush only the chats not yet answered). Apart for the same reason as finishHeld.
   */
  async sendHeld(held: HeldEntry, deliver: DeliverEntry): Promise<{flushed: FlushedEntry; kept?: OutboxEntry}> {
    const recorder = this.#chatsDoneRecorder(outboxKeys(this.prefix, this.heldClaim(held).bot), held.entry)
    return deliverEntry(held.entry, deliver, 'new', recorder.chatDone, recorder.partSent).finally(() => recorder.settled())
  }

  /** Rewrites the held entry without each chat done, only while this consumer still holds it (REWRITE_HELD). */
  #chatsDoneRecorder(keys: BotKeys, entry: OutboxEntry): ChatsDoneRecorder {
    return recordChatsDone(entry, (current) => REWRITE_HELD.run(this.#redis, [keys.entries, keys.holders], [entry.id, JSON.stringify(current), this.consumer]))
  }

  /**
   * The second half of deliverHeld, once Telegram answered: acknowledged when no chat waits for it, else given back
   * for those. Apart, so that a store which finds Redis gone at this point can settle it later (FallbackOutbox).
   */
  async finishHeld(held: HeldEntry, outcome: {kept?: OutboxEntry}): Promise<void> {
    const {bot, streamId} = this.#takeHeld(held)
    await finishClaim(this.#redis, outboxKeys(this.prefix, bot), {bot, id: held.entry.id, streamId, consumer: this.consumer}, outcome)
  }

  async releaseHeld(held: HeldEntry, lastError: string): Promise<void> {
    const {bot, streamId} = this.#takeHeld(held)
    const kept = JSON.parse(redact(JSON.stringify({...held.entry, lastError}))) as OutboxEntry
    await finishClaim(this.#redis, outboxKeys(this.prefix, bot), {bot, id: held.entry.id, streamId, consumer: this.consumer}, {kept})
  }

  /** Where a held entry stands in Redis: what settles it there if Redis is gone when its run finishes it. */
  heldClaim(held: HeldEntry): HeldClaim {
    const found = this.#held.get(held)
    if (found === undefined) throw new Error(`outbox entry ${held.entry.id} is not held by this outbox`)
    return {bot: found.bot, id: held.entry.id, streamId: found.streamId, consumer: this.consumer}
  }

  /** Stops renewing a held entry's claim without telling Redis (unreachable): see settle. */
  letGo(held: HeldEntry): void {
    const found = this.#held.get(held)
    if (found !== undefined) clearInterval(found.timer)
    this.#held.delete(held)
  }

  /** Removes an entry its run finished while Redis was unreachable: see settleClaim. */
  async settle(claim: HeldClaim, mark?: {throttleKey: string; at: number}): Promise<boolean> {
    return settleClaim(this.#redis, outboxKeys(this.prefix, claim.bot), claim, mark && {...mark, keepMs: this.#deliveredMemoryMs})
  }

  async pendingSince(bot: string, throttleKey: string, sinceMs: number): Promise<number | undefined> {
    return newestPendingOrMarked(this.#redis, outboxKeys(this.prefix, bot), throttleKey, sinceMs)
  }

  async setAsideUnreadable(): Promise<string[]> {
    const warnings: string[] = []
    for (const bot of await this.#redis.smembers(`${this.prefix}outbox-bots`)) {
      const keys = outboxKeys(this.prefix, bot)
      for (const [id, json] of Object.entries(await this.#redis.hgetall(keys.entries))) {
        if (!('problem' in parseOutboxEntry(json, id))) continue
        if ((await SET_ASIDE_DOCUMENT.run(this.#redis, [keys.entries, keys.holders, keys.setAside], [id])) === 1) {
          warnings.push(`outbox entry ${keys.stream} ${id} was unreadable; set aside in ${keys.setAside}`)
        }
      }
    }
    return warnings
  }

  #renewEvery(keys: BotKeys, streamId: string, id: string): NodeJS.Timeout {
    const timer = setInterval(() => {
      RENEW.run(this.#redis, [keys.stream, keys.holders], [streamId, id, this.consumer]).catch(() => undefined)
    }, this.#claimTimeoutMs / 3)
    timer.unref()
    return timer
  }

  #takeHeld(held: HeldEntry): Held {
    const found = this.#held.get(held)
    if (found === undefined) throw new Error(`outbox entry ${held.entry.id} is not held by this outbox`)
    this.#held.delete(held)
    clearInterval(found.timer)
    return found
  }

  /**
   * Takes over an entry spooled elsewhere (this host's files while Redis was away), keeping its id, age and
   * attempts. An id adopted before is not added again, even after a crash between adopting and removing the file.
   * Returns false when it had been adopted already.
   */
  async adopt(entry: OutboxEntry): Promise<boolean> {
    return this.#add(entry.bot, entry.id, redact(JSON.stringify(entry)), true)
  }

  async list(options: FlushOptions = {}): Promise<OutboxListing> {
    const warnings: string[] = []
    const items: OutboxItem[] = []
    for (const bot of await this.#bots(options)) {
      const keys = outboxKeys(this.prefix, bot)
      const [entries, holders] = await Promise.all([this.#redis.hgetall(keys.entries), this.#redis.hgetall(keys.holders)])
      for (const [id, json] of Object.entries(entries)) {
        const entry = parseOutboxEntry(json, id)
        const path = `${keys.stream} ${id}`
        if ('problem' in entry) warnings.push(`outbox entry ${path} is unreadable (${entry.problem}); the next flush sets it aside`)
        else items.push({entry, path, ...claimOf(holders[id])})
      }
    }
    items.sort((a, b) => (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0))
    return {items, warnings}
  }

  async flush(deliver: DeliverEntry, options: FlushOptions = {}): Promise<FlushReport> {
    const report: FlushReport = {entries: [], waiting: 0, warnings: []}
    try {
      for (const bot of await this.#bots(options)) {
        const stoppedBy = await this.#flushBot(bot, deliver, report, options.limit ?? Number.POSITIVE_INFINITY)
        if (stoppedBy !== undefined) {
          report.stoppedBy = stoppedBy
          break
        }
      }
      report.waiting = (await this.list(options)).items.length
    } catch (error) {
      // Entries delivered before Redis went away stay reported: the caller goes on without Redis (FallbackOutbox).
      if (error instanceof FlushCutShort || !isRedisUnavailable(error) || report.entries.length === 0) throw error
      throw new FlushCutShort(report, undefined, error)
    }
    return report
  }

  /** Delivers one bot's entries: first those taken back (given back, or left by a dead consumer), then new ones. */
  async #flushBot(bot: string, deliver: DeliverEntry, report: FlushReport, limit: number): Promise<string | undefined> {
    const keys = outboxKeys(this.prefix, bot)
    let cursor = '0-0'
    await this.#giveBackDeadHere(keys)
    try {
      while (report.entries.length < limit) {
        const claimed = await claimNext(this.#redis, keys, {consumer: this.consumer, claimTimeoutMs: this.#claimTimeoutMs}, cursor)
        if (claimed === 'none') return undefined
        cursor = claimed.cursor
        if (claimed.entry === undefined) continue
        const stoppedBy = await this.#deliverClaimed(bot, keys, claimed.entry, deliver, report)
        if (stoppedBy !== undefined) return stoppedBy
      }
      return undefined
    } finally {
      // Redis gone: the error on its way (a flush cut short) is the one to tell, and the sweep waits for the next flush.
      await SWEEP_CONSUMERS.run(this.#redis, [keys.stream], [this.consumer, this.#claimTimeoutMs]).catch((error: unknown) => {
        if (!isRedisUnavailable(error)) throw error
      })
    }
  }

  async #deliverClaimed(
    bot: string,
    keys: BotKeys,
    claimed: Claimed,
    deliver: DeliverEntry,
    report: FlushReport,
  ): Promise<string | undefined> {
    const finish = [keys.stream, keys.entries, keys.holders, keys.bots]
    if (claimed.previousHolder !== null && claimed.previousHolder !== this.consumer) {
      report.warnings.push(`outbox entry ${claimed.id} was left claimed by ${claimed.previousHolder}; delivered by ${this.consumer}`)
    }
    // Delivered and acknowledged by another consumer in the moment between its stream entry and its document.
    if (claimed.json === null) {
      await ACK.run(this.#redis, finish, [claimed.streamId, claimed.id, bot])
      return undefined
    }
    const entry = parseOutboxEntry(claimed.json, claimed.id)
    if ('problem' in entry) {
      await SET_ASIDE.run(this.#redis, [...finish, keys.setAside], [claimed.streamId, claimed.id, bot])
      report.warnings.push(`outbox entry ${keys.stream} ${claimed.id} was unreadable; set aside in ${keys.setAside}`)
      return undefined
    }
    const renewal = this.#renewEvery(keys, claimed.streamId, claimed.id)
    const recorder = this.#chatsDoneRecorder(keys, entry)
    const {flushed, kept} = await deliverEntry(entry, deliver, 'waiting', recorder.chatDone, recorder.partSent).finally(async () => {
      await recorder.settled()
      clearInterval(renewal)
    })
    report.entries.push(flushed)
    const stoppedBy = kept === undefined ? undefined : flushed.pending[0]!.error
    const mark = deliveredMark(entry, flushed, 'waiting')
    const claim = {bot, id: claimed.id, streamId: claimed.streamId, consumer: this.consumer}
    try {
      const ours = await finishClaim(this.#redis, keys, claim, {kept, mark: mark && {...mark, keepMs: this.#deliveredMemoryMs}})
      if (!ours) report.warnings.push(`outbox entry ${claimed.id} was taken over by another consumer while ${this.consumer} delivered it`)
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error
      // Telegram answered, Redis did not: left to the caller to settle (see FlushCutShort), or it would go out again.
      throw new FlushCutShort({...report, ...(stoppedBy === undefined ? {} : {stoppedBy})}, {claim, ...(kept ? {kept} : {}), ...(mark ? {mark} : {})}, error)
    }
    return stoppedBy
  }

  /** Entries held by consumers of this host whose process is gone are taken over now, not after a lease. */
  async #giveBackDeadHere(keys: BotKeys): Promise<void> {
    const holders = new Set(Object.values(await this.#redis.hgetall(keys.holders)))
    for (const holder of holders) {
      if (holder !== this.consumer && isDeadHere(holder)) await GIVE_BACK_DEAD.run(this.#redis, [keys.stream], [holder, GIVEN_BACK_IDLE_MS])
    }
  }

  async #add(bot: string, id: string, json: string, adopt: boolean): Promise<boolean> {
    const keys = outboxKeys(this.prefix, bot)
    const marker = `${this.prefix}outbox-adopted:${id}`
    const added = await SPOOL.run(this.#redis, [keys.stream, keys.entries, keys.bots, marker], [id, json, bot, adopt ? '1' : '0', this.#adoptMemoryMs])
    return added === 1
  }

  /** The bots asked for, or every bot with entries, the one with the oldest entry first. */
  async #bots(options: FlushOptions): Promise<string[]> {
    if (options.bot !== undefined) return [options.bot]
    const bots = await this.#redis.smembers(`${this.prefix}outbox-bots`)
    const oldest = await Promise.all(bots.map(async (bot) => (await this.#redis.hkeys(outboxKeys(this.prefix, bot).entries)).sort()[0] ?? '~'))
    return bots.map((bot, index) => ({bot, oldest: oldest[index]!})).sort((a, b) => (a.oldest < b.oldest ? -1 : a.oldest > b.oldest ? 1 : 0)).map(({bot}) => bot)
  }
}
