import {redact} from '../../redact.js'
import {deliveredMark} from '../deliver-entry.js'
import type {DeliverEntry, FlushedEntry, FlushOptions, FlushReport, HeldEntry, NewOutboxEntry, OutboxEntry, OutboxListing} from '../outbox-types.js'
import {FlushCutShort, type UnfinishedClaim} from '../redis/outbox-claim.js'
import {isRedisUnavailable} from '../redis/redis-errors.js'
import type {RedisLink} from '../redis/redis-link.js'
import type {RedisOutbox} from '../redis/redis-outbox.js'
import type {OutboxStore} from '../types.js'
import type {Settlement, SettlementFiles} from './redis-settlements.js'

/** What `drainLocalSpool` did. */
export interface DrainReport {
  /** Entries moved from this host's spool directory to Redis. */
  handedOver: number
  /** Entries Redis had already (a drain killed half-way): removed here, not added twice. */
  alreadyThere: number
  /** Entries still in this host's spool (Redis unreachable, or went away during the drain). */
  waiting: number
  warnings: string[]
}

/**
 * Redis's outbox while Redis answers, this host's spool directory while it does not: an alert that cannot reach
 * Telegram is spooled somewhere either way, and flushes deliver it. Once Redis answers again, the first flush
 * hands the local spool over to Redis (each entry once, even with several flushes at once or a crash half-way),
 * then delivers from Redis. An alert held in Redis whose run finds Redis gone once Telegram answered is finished on
 * this host: a copy for the chats still waiting goes to the spool directory, and a settlement (SettlementFiles) has
 * Redis drop its own copy first thing when it answers again, so that neither the held entry nor a handed-over copy
 * goes out a second time. So is an entry a flush claimed from Redis and delivered, whose acknowledgement found Redis
 * gone; that flush then goes on with this host's files.
 */
export class FallbackOutbox implements OutboxStore {
  readonly #heldLocally = new WeakSet<HeldEntry>()

  constructor(
    readonly shared: RedisOutbox,
    readonly local: OutboxStore,
    readonly link: RedisLink,
    readonly settlements: SettlementFiles,
  ) {}

  async spool(input: NewOutboxEntry): Promise<OutboxEntry> {
    return this.link.run(
      () => this.shared.spool(input),
      () => this.local.spool(input),
    )
  }

  async hold(input: NewOutboxEntry): Promise<HeldEntry> {
    return this.link.run(
      () => this.shared.hold(input),
      async () => {
        const held = await this.local.hold(input)
        this.#heldLocally.add(held)
        return held
      },
    )
  }

  // A held entry is finished where it was written: it cannot move while its delivery runs.
  async deliverHeld(held: HeldEntry, deliver: DeliverEntry): Promise<FlushedEntry> {
    if (this.#heldLocally.has(held)) return this.local.deliverHeld(held, deliver)
    const outcome = await this.shared.sendHeld(held, deliver)
    const {flushed, kept} = outcome
    // Settled later, a finished entry goes as a flush would remove it: with the mark its alert's window may lack there.
    const mark = kept === undefined ? deliveredMark(held.entry, flushed, 'waiting') : undefined
    const copy = await this.#finishShared(held, () => this.shared.finishHeld(held, outcome), kept, mark)
    // The chats still waiting wait in this host's copy now, under its own id.
    return copy === undefined ? flushed : {...flushed, id: copy.id}
  }

  async releaseHeld(held: HeldEntry, lastError: string): Promise<void> {
    if (this.#heldLocally.has(held)) return this.local.releaseHeld(held, lastError)
    await this.#finishShared(held, () => this.shared.releaseHeld(held, lastError), {...held.entry, lastError: redact(lastError)})
  }

  /**
   * Finishes a held entry in Redis, or, Redis gone, on this host: `kept` (the chats still waiting) spooled here first,
   * then the settlement written; a crash between the two costs a duplicate for those chats, never the alert.
   */
  async #finishShared(held: HeldEntry, finish: () => Promise<void>, kept: OutboxEntry | undefined, mark?: Settlement['mark']): Promise<OutboxEntry | undefined> {
    const claim = this.shared.heldClaim(held)
    return this.link.run(
      async () => {
        await finish()
        return undefined
      },
      async () => {
        this.shared.letGo(held)
        return this.#settleLater({claim, ...(kept ? {kept} : {}), ...(mark ? {mark} : {})})
      },
    )
  }

  /** The chats still waiting spooled here first, then the settlement: see #finishShared. Returns the copy. */
  async #settleLater({claim, kept, mark}: UnfinishedClaim): Promise<OutboxEntry | undefined> {
    const copy = kept && (await this.local.spool({...kept, createdAt: new Date(kept.createdAt)}))
    await this.settlements.record({...claim, ...(mark ? {mark} : {})})
    return copy
  }

  async pendingSince(bot: string, throttleKey: string, sinceMs: number): Promise<number | undefined> {
    const local = await this.local.pendingSince(bot, throttleKey, sinceMs)
    const shared = await this.link.run(
      async () => {
        await this.#settle()
        return this.shared.pendingSince(bot, throttleKey, sinceMs)
      },
      async () => undefined,
    )
    return local === undefined || shared === undefined ? (local ?? shared) : Math.max(local, shared)
  }

  async setAsideUnreadable(): Promise<string[]> {
    const local = await this.local.setAsideUnreadable()
    // Settled here too: a flush lists before it flushes, and finds no bot to flush for an entry only settled away.
    const shared = async () => {
      await this.#settle()
      return this.shared.setAsideUnreadable()
    }
    return [...local, ...(await this.link.run(shared, async () => []))]
  }

  async list(options: FlushOptions = {}): Promise<OutboxListing> {
    const local = await this.local.list(options)
    return this.link.run(
      async () => {
        const shared = await this.shared.list(options)
        // Finished by their run while Redis was away; the next use of Redis removes them there.
        const settled = new Set((await this.settlements.list()).map((settlement) => settlement.id))
        const items = [...shared.items.filter((item) => !settled.has(item.entry.id)), ...local.items].sort((a, b) => (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0))
        return {items, warnings: [...shared.warnings, ...local.warnings]}
      },
      async () => local,
    )
  }

  async flush(deliver: DeliverEntry, options: FlushOptions = {}): Promise<FlushReport> {
    let cutShort: Pick<FlushCutShort, 'report' | 'unfinished'> | undefined
    return this.link.run(
      async () => {
        const drained = await this.#drain()
        try {
          const report = await this.shared.flush(deliver, options)
          return {...report, warnings: [...drained.warnings, ...report.warnings]}
        } catch (error) {
          if (!(error instanceof FlushCutShort)) throw error
          const {report, unfinished} = error
          cutShort = {report: {...report, warnings: [...drained.warnings, ...report.warnings]}, unfinished}
          // Redis's own error: the link marks it down, and the flush goes on below.
          throw error.cause
        }
      },
      () => (cutShort === undefined ? this.local.flush(deliver, options) : this.#goOnLocally(cutShort, deliver, options)),
    )
  }

  /**
   * A flush whose Redis went away half-way: what it delivered stays in its report, the entry it could not finish
   * there is settled later (its chats still waiting spooled here), and this host's files are flushed after, unless
   * a failure stopped it.
   */
  async #goOnLocally({report, unfinished}: Pick<FlushCutShort, 'report' | 'unfinished'>, deliver: DeliverEntry, options: FlushOptions): Promise<FlushReport> {
    const copy = unfinished && (await this.#settleLater(unfinished))
    // The chats still waiting wait in this host's copy now, under its own id.
    const entries = report.entries.map((flushed) => (copy && flushed.id === unfinished.claim.id ? {...flushed, id: copy.id} : flushed))
    const left = (options.limit ?? Number.POSITIVE_INFINITY) - entries.length
    if (report.stoppedBy !== undefined || left <= 0) return {...report, entries, waiting: (await this.local.list(options)).items.length}
    const rest = await this.local.flush(deliver, options.limit === undefined ? options : {...options, limit: left})
    return {...rest, entries: [...entries, ...rest.entries], warnings: [...report.warnings, ...rest.warnings]}
  }

  /** Hands what this host spooled while Redis was unreachable over to Redis, now that it answers. */
  async drainLocalSpool(): Promise<DrainReport> {
    if (await this.link.available()) {
      try {
        return await this.#drain()
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error
        this.link.markDown(error)
      }
    }
    const waiting = (await this.local.list()).items.length
    return {handedOver: 0, alreadyThere: 0, waiting, warnings: []}
  }

  /** Throws Redis's own error when Redis fails on the way, so that callers fall back. */
  async #drain(): Promise<DrainReport> {
    let failure: unknown
    const drained: DrainReport = {handedOver: 0, alreadyThere: 0, waiting: 0, warnings: []}
    // First: a copy handed over below must not find the held entry it replaces still waiting in Redis.
    await this.#settle()
    // Looked at first: listing creates nothing, so that a host whose state dir is read-only works with Redis alone.
    const before = await this.local.list()
    drained.warnings.push(...before.warnings)
    if (before.items.length === 0) return drained
    // The file outbox's flush claims each entry for one flush only and removes it once "delivered", here: adopted.
    const report = await this.local.flush(async (entry) => {
      try {
        if (await this.shared.adopt(entry)) drained.handedOver++
        else drained.alreadyThere++
      } catch (error) {
        failure = error
        throw error
      }
      return entry.chatIds.map((chatId) => ({chatId, ok: true, messageIds: []}))
    })
    if (failure !== undefined) throw failure
    drained.waiting = report.waiting
    drained.warnings = report.warnings
    if (drained.handedOver > 0) {
      const alerts = drained.handedOver === 1 ? '1 alert' : `${drained.handedOver} alerts`
      drained.warnings.push(`${alerts} spooled on this host while ${this.link.display} was unreachable handed over to it`)
    }
    return drained
  }

  /** Has Redis drop the held entries finished on this host while it was unreachable (see SettlementFiles). */
  async #settle(): Promise<void> {
    for (const settlement of await this.settlements.list()) {
      await this.shared.settle(settlement, settlement.mark)
      await this.settlements.remove(settlement.id)
    }
  }
}
