import {hostname} from 'node:os'
import type {Redis} from 'ioredis'

import type {DeliverEntry, FlushOptions, FlushReport, NewOutboxEntry, OutboxEntry} from '../../outbox/index.js'
import {newOutboxEntry, parseOutboxEntry} from '../../outbox/outbox-entry.js'
import {redact} from '../../redact.js'
import {deliverEntry} from '../../outbox/deliver-entry.js'
import type {OutboxStore, StoredOutboxItem, StoredOutboxListing} from '../types.js'
import {ACK, CLAIM, GIVE_BACK, SET_ASIDE, SPOOL, SWEEP_CONSUMERS} from './outbox-scripts.js'

export interface RedisOutboxOptions {
  redis: Redis
  /** Put before every key. @default 'fastpay-tg:' */
  prefix?: string
  /**
   * An entry a consumer has held this long is taken over by the next flush anywhere: its host died, or hangs. One
   * delivery is bounded by the client's retries (429 waits of at most 60 s, 5 times). @default 600_000
   */
  claimTimeoutMs?: number
  /** This process as a consumer of the group. @default `<hostname>/<pid>` */
  consumer?: string
  /** How long an entry handed over by `adopt` is remembered, so that it is never added twice. @default 30 days */
  adoptMemoryMs?: number
  /** @default Date.now */
  now?: () => number
}

interface BotKeys {
  stream: string
  entries: string
  holders: string
  setAside: string
  bots: string
}

interface Claimed {
  streamId: string
  id: string
  json: string | null
  previousHolder: string | null
}

type ClaimReply = [string] | [string, string, string, string | null, string | null]

// Given back entries look idle for this long (less than the epoch, which Redis requires), far beyond any timeout.
const GIVEN_BACK_IDLE_MS = 10 * 365 * 24 * 3600 * 1000

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
  readonly #now: () => number

  constructor(options: RedisOutboxOptions) {
    this.#redis = options.redis
    this.prefix = options.prefix ?? 'fastpay-tg:'
    this.consumer = options.consumer ?? `${hostname()}/${process.pid}`
    this.#claimTimeoutMs = options.claimTimeoutMs ?? 600_000
    this.#adoptMemoryMs = options.adoptMemoryMs ?? 30 * 24 * 3600 * 1000
    this.#now = options.now ?? Date.now
  }

  /** The stream that holds `bot`'s entries. */
  streamFor(bot: string): string {
    return this.#keys(bot).stream
  }

  async spool(input: NewOutboxEntry): Promise<OutboxEntry> {
    const entry = newOutboxEntry(input, this.#now())
    // Masks a token that found its way into the text: the entry may sit in Redis for days.
    const json = redact(JSON.stringify(entry))
    await this.#add(entry.bot, entry.id, json, false)
    return JSON.parse(json) as OutboxEntry
  }

  /**
   * Takes over an entry spooled elsewhere (this host's files while Redis was away), keeping its id, age and
   * attempts. An id adopted before is not added again, even after a crash between adopting and removing the file.
   * Returns false when it had been adopted already.
   */
  async adopt(entry: OutboxEntry): Promise<boolean> {
    return this.#add(entry.bot, entry.id, redact(JSON.stringify(entry)), true)
  }

  async list(options: FlushOptions = {}): Promise<StoredOutboxListing> {
    const warnings: string[] = []
    const items: StoredOutboxItem[] = []
    for (const bot of await this.#bots(options)) {
      const keys = this.#keys(bot)
      const [entries, holders] = await Promise.all([this.#redis.hgetall(keys.entries), this.#redis.hgetall(keys.holders)])
      for (const [id, json] of Object.entries(entries)) {
        const entry = parseOutboxEntry(json, id)
        const path = `${keys.stream} ${id}`
        if ('problem' in entry) warnings.push(`outbox entry ${path} is unreadable (${entry.problem}); the next flush sets it aside`)
        else items.push({entry, path, ...(holders[id] ? {claimedBy: holders[id]} : {})})
      }
    }
    items.sort((a, b) => (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0))
    return {items, warnings}
  }

  async flush(deliver: DeliverEntry, options: FlushOptions = {}): Promise<FlushReport> {
    const report: FlushReport = {entries: [], waiting: 0, warnings: []}
    for (const bot of await this.#bots(options)) {
      const stoppedBy = await this.#flushBot(bot, deliver, report)
      if (stoppedBy !== undefined) {
        report.stoppedBy = stoppedBy
        break
      }
    }
    report.waiting = (await this.list(options)).items.length
    return report
  }

  /** Delivers one bot's entries: first those taken back (given back, or left by a dead consumer), then new ones. */
  async #flushBot(bot: string, deliver: DeliverEntry, report: FlushReport): Promise<string | undefined> {
    const keys = this.#keys(bot)
    let cursor = '0-0'
    try {
      for (;;) {
        const claimed = await this.#claimNext(keys, cursor)
        if (claimed === 'none') return undefined
        cursor = claimed.cursor
        if (claimed.entry === undefined) continue
        const stoppedBy = await this.#deliverClaimed(bot, keys, claimed.entry, deliver, report)
        if (stoppedBy !== undefined) return stoppedBy
      }
    } finally {
      await SWEEP_CONSUMERS.run(this.#redis, [keys.stream], [this.consumer, this.#claimTimeoutMs])
    }
  }

  /** The next entry to deliver; `cursor` '' once the entries to take back are done. */
  async #claimNext(keys: BotKeys, cursor: string): Promise<'none' | {cursor: string; entry?: Claimed}> {
    let reply: ClaimReply
    try {
      const args = [this.consumer, this.#claimTimeoutMs, cursor]
      reply = (await CLAIM.run(this.#redis, [keys.stream, keys.entries, keys.holders], args)) as ClaimReply
    } catch (error) {
      // No stream or group yet: nothing was ever spooled for this bot.
      if (error instanceof Error && error.message.includes('NOGROUP')) return 'none'
      throw error
    }
    const [next, streamId, id, json, previousHolder] = reply
    if (streamId === undefined) return cursor === '' ? 'none' : {cursor: next === '0-0' ? '' : next}
    const entry = {streamId, id: id!, json: json ?? null, previousHolder: previousHolder ?? null}
    return {cursor: cursor === '' || next === '0-0' ? '' : next, entry}
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
    const {flushed, kept} = await deliverEntry(entry, deliver)
    report.entries.push(flushed)
    if (kept === undefined) {
      await ACK.run(this.#redis, finish, [claimed.streamId, claimed.id, bot])
      return undefined
    }
    const args = [claimed.streamId, claimed.id, JSON.stringify(kept), this.consumer, GIVEN_BACK_IDLE_MS]
    const givenBack = await GIVE_BACK.run(this.#redis, [keys.stream, keys.entries, keys.holders], args)
    if (givenBack !== 1) report.warnings.push(`outbox entry ${claimed.id} was taken over by another consumer while ${this.consumer} delivered it`)
    return flushed.pending[0]!.error
  }

  async #add(bot: string, id: string, json: string, adopt: boolean): Promise<boolean> {
    const keys = this.#keys(bot)
    const marker = `${this.prefix}outbox-adopted:${id}`
    const added = await SPOOL.run(this.#redis, [keys.stream, keys.entries, keys.bots, marker], [id, json, bot, adopt ? '1' : '0', this.#adoptMemoryMs])
    return added === 1
  }

  /** The bots asked for, or every bot with entries, the one with the oldest entry first. */
  async #bots(options: FlushOptions): Promise<string[]> {
    if (options.bot !== undefined) return [options.bot]
    const bots = await this.#redis.smembers(`${this.prefix}outbox-bots`)
    const oldest = await Promise.all(bots.map(async (bot) => (await this.#redis.hkeys(this.#keys(bot).entries)).sort()[0] ?? '~'))
    return bots.map((bot, index) => ({bot, oldest: oldest[index]!})).sort((a, b) => (a.oldest < b.oldest ? -1 : a.oldest > b.oldest ? 1 : 0)).map(({bot}) => bot)
  }

  #keys(bot: string): BotKeys {
    // Encoded, so that no bot label (`env TELEGRAM_BOT_TOKEN`, a name with a colon) can reach another bot's keys.
    const base = `${this.prefix}outbox:${encodeURIComponent(bot)}`
    return {stream: base, entries: `${base}:entries`, holders: `${base}:holders`, setAside: `${base}:set-aside`, bots: `${this.prefix}outbox-bots`}
  }
}
