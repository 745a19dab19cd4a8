import {mkdir, readFile, rename, unlink} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {redact} from '../../redact.js'
import {writeFileAtomic} from '../../support/atomic-write.js'
import {ensureStateDir, stateDirError} from '../../support/state-dir.js'
import {deliveredMark, deliverEntry, recordChatsDone} from '../deliver-entry.js'
import {newOutboxEntry, parseOutboxEntry} from '../outbox-entry.js'
import {removeSpooledFile} from '../outbox-media.js'
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
  type OutboxListing,
} from '../outbox-types.js'
import type {OutboxStore} from '../types.js'
import {deliveredMarkPath, pruneDeliveredMarks, readDeliveredMark} from './delivered-marks.js'
import {ignoreMissing, newestPending, scanOutbox, waitingIds} from './file-outbox-scan.js'
import {type Claim, claim, forgetClaim, holdClaim, isAbandoned, type Lease, listClaims, removeDeadTemporaries, startLease, unclaim} from './outbox-claims.js'

export interface FileOutboxOptions {
  /** The spool directory, e.g. `outboxDirIn(resolveStateDir())`: `~/.local/state/fastpay-tg/outbox`. */
  dir: string
  /**
   * A claimed entry whose flush no longer runs on this host is taken back at once; one whose flush still runs, once
   * this long passed without the flush renewing its claim (it renews every third of this while it delivers, so only
   * a stopped or hung process loses it). @default 60_000
   */
  claimTimeoutMs?: number
  /** How long a delivered mark is kept (see deliveredMark): longer than any throttle window. @default 30 days */
  deliveredMemoryMs?: number
  /** @default Date.now */
  now?: () => number
}

/**
 * Messages on their way, one JSON file each (mode 0600, no token, fsync'd with its directory), named so that they
 * sort oldest first. An alert writes its entry ahead of its first send, held in `claimed/`; a flush claims a waiting
 * entry by renaming it into `claimed/`, which exactly one of several concurrent flushes wins. An entry is removed
 * only once every chat accepted it, and keeps only the chats still missing it. A process killed half-way leaves its
 * claim behind: the next flush puts it back. Only a process killed after Telegram accepted the message and before
 * the entry was removed makes it go out twice (the one case where "exactly once" gives way to "never lost").
 * Concurrent flushes share the work: each goes oldest first, so across them the order holds only roughly.
 */
export class FileOutbox implements OutboxStore {
  readonly dir: string
  readonly #claimedDir: string
  readonly #claimTimeoutMs: number
  readonly #deliveredMemoryMs: number
  readonly #now: () => number
  #marksPruned = false
  readonly #held = new WeakMap<HeldEntry, {claimed: Claim; lease: Lease}>()

  constructor(options: FileOutboxOptions) {
    this.dir = options.dir
    this.#claimedDir = join(options.dir, 'claimed')
    this.#claimTimeoutMs = options.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS
    this.#deliveredMemoryMs = options.deliveredMemoryMs ?? DEFAULT_DELIVERED_MEMORY_MS
    this.#now = options.now ?? Date.now
  }

  /**
   * Writes a new entry ahead of its first delivery, durably (fsync'd, with its directory), held by this process:
   * see HeldEntry. `deliverHeld` or `releaseHeld` finishes it.
   */
  async hold(input: NewOutboxEntry): Promise<HeldEntry> {
    // The outbox first, so that a state dir in trouble is named as the operator knows it.
    await ensureStateDir(this.dir)
    await ensureStateDir(this.#claimedDir)
    const entry = newOutboxEntry({attempts: 0, ...input}, this.#now())
    const text = redact(JSON.stringify(entry, null, 2))
    const claimed = holdClaim(this.#claimedDir, entry.id, this.#now())
    try {
      await this.#write(claimed.path, text)
    } catch (error) {
      forgetClaim(claimed)
      throw error
    }
    const held: HeldEntry = {entry: JSON.parse(text) as OutboxEntry}
    // Renewed from now on: the alert may first flush older entries, for longer than one lease.
    this.#held.set(held, {claimed, lease: startLease(claimed, this.#claimTimeoutMs / 3, this.#now)})
    return held
  }

  /** Delivers a held entry: removed when no chat waits for it any more, else kept for those and left to flushes. */
  async deliverHeld(held: HeldEntry, deliver: DeliverEntry): Promise<FlushedEntry> {
    const {claimed, lease} = this.#heldClaim(held)
    await lease.stop()
    return this.#deliverClaimed(held.entry, claimed, deliver, 'new')
  }

  /** Leaves a held entry to the flushes without trying it (it must not overtake older ones that could not go). */
  async releaseHeld(held: HeldEntry, lastError: string): Promise<void> {
    const {claimed, lease} = this.#heldClaim(held)
    await lease.stop()
    await this.#write(claimed.path, JSON.stringify({...held.entry, lastError: redact(lastError)}, null, 2))
    await unclaim(claimed, this.#entryPath(held.entry.id))
  }

  /**
   * The creation time (epoch ms) of the newest entry of `bot` and `throttleKey` created after `sinceMs` that still
   * waits or is being delivered: a run killed after writing it and before recording its throttle window left it,
   * and it stands for that window. So does the mark a flush leaves when it delivers such an entry (deliveredMark):
   * read after the entries, as it is written before the entry goes.
   */
  async pendingSince(bot: string, throttleKey: string, sinceMs: number): Promise<number | undefined> {
    const pending = await newestPending(this.dir, this.#claimedDir, {bot, throttleKey, sinceMs})
    const marked = await readDeliveredMark(deliveredMarkPath(this.dir, bot, throttleKey))
    return marked === undefined || marked <= sinceMs ? pending : Math.max(pending ?? 0, marked)
  }

  #heldClaim(held: HeldEntry): {claimed: Claim; lease: Lease} {
    const claimed = this.#held.get(held)
    if (claimed === undefined) throw new Error(`outbox entry ${held.entry.id} is not held by this outbox`)
    this.#held.delete(held)
    return claimed
  }

  /** Writes a new entry atomically and returns it as stored. */
  async spool(input: NewOutboxEntry): Promise<OutboxEntry> {
    await ensureStateDir(this.dir)
    const entry = newOutboxEntry(input, this.#now())
    // Masks a token that found its way into the text too: the file sits on disk, maybe for days.
    const text = redact(JSON.stringify(entry, null, 2))
    await this.#write(this.#entryPath(entry.id), text)
    return JSON.parse(text) as OutboxEntry
  }

  /** What is waiting, oldest first, including entries a flush is delivering right now. Changes nothing. */
  async list(options: FlushOptions = {}): Promise<OutboxListing> {
    // An entry moves between the folder and claimed/ while a flush works: a file that vanished between the
    // listing and the read means the picture is stale, so look again rather than report an entry missing.
    for (let attempt = 1; ; attempt++) {
      const scan = await scanOutbox(this.dir, this.#claimedDir)
      if (!scan.vanished || attempt === 20) {
        const selected = scan.items.filter((item) => options.bot === undefined || item.entry.bot === options.bot)
        selected.sort((a, b) => (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0))
        return {items: selected, warnings: scan.warnings}
      }
    }
  }

  /** Delivers waiting entries oldest first, each by one flush only, and stops at the first failure that may pass. */
  async flush(deliver: DeliverEntry, options: FlushOptions = {}): Promise<FlushReport> {
    await ensureStateDir(this.dir)
    await ensureStateDir(this.#claimedDir)
    const warnings = await this.#takeBackAbandoned()
    const report: FlushReport = {entries: [], waiting: 0, warnings}
    for (const id of await this.#waitingIds()) {
      if (report.entries.length >= (options.limit ?? Number.POSITIVE_INFINITY)) break
      const claimed = await this.#claimIfSelected(id, options, warnings)
      if (claimed === undefined) continue
      const flushed = await this.#deliverClaimed(claimed.entry, claimed, deliver)
      report.entries.push(flushed)
      if (flushed.pending.length > 0) {
        report.stoppedBy = flushed.pending[0]!.error
        break
      }
    }
    report.waiting = (await this.list(options)).items.length
    return report
  }

  /**
   * Claims the entry and reads it under the claim (another flush may have rewritten it meanwhile). Looks first, so
   * that a flush for one bot never holds another bot's entries.
   */
  async #claimIfSelected(
    id: string,
    options: FlushOptions,
    warnings: string[],
  ): Promise<(Claim & {entry: OutboxEntry}) | undefined> {
    const path = this.#entryPath(id)
    const text = await readFile(path, 'utf8').catch(ignoreMissing)
    if (text === undefined) return undefined
    const selected = (entry: OutboxEntry | {problem: string}) =>
      'problem' in entry || options.bot === undefined || entry.bot === options.bot
    if (!selected(parseOutboxEntry(text, id))) return undefined
    const claimed = await claim(path, this.#claimedDir, id, this.#now())
    if (claimed === undefined) return undefined
    const entry = parseOutboxEntry(await readFile(claimed.path, 'utf8'), id)
    if ('problem' in entry) {
      await this.#setAside(claimed, warnings)
      return undefined
    }
    if (!selected(entry)) {
      await unclaim(claimed, path)
      return undefined
    }
    return {...claimed, entry}
  }

  async #deliverClaimed(entry: OutboxEntry, claimed: Claim, deliver: DeliverEntry, kind: 'new' | 'waiting' = 'waiting'): Promise<FlushedEntry> {
    const lease = startLease(claimed, this.#claimTimeoutMs / 3, this.#now)
    const rewrite = (current: OutboxEntry) => lease.exclusive(() => this.#write(claimed.path, JSON.stringify(current, null, 2)))
    const recorder = recordChatsDone(entry, rewrite)
    const {flushed, kept} = await deliverEntry(entry, deliver, kind, recorder.chatDone, recorder.partSent).finally(async () => {
      await recorder.settled()
      await lease.stop()
    })
    if (kept === undefined) {
      const mark = deliveredMark(entry, flushed, kind)
      if (mark !== undefined) await this.#markDelivered(entry, mark.at)
      await unlink(claimed.path)
      forgetClaim(claimed)
      // After the entry: a crash in between leaves a stray copy, never an entry without its file.
      await removeSpooledFile(entry.message.media, this.dir)
      if (mark !== undefined) await this.#pruneMarks()
      return flushed
    }
    // Rewritten while still claimed, then put back: at every moment exactly one file holds the entry.
    await this.#write(claimed.path, JSON.stringify(kept, null, 2))
    await unclaim(claimed, this.#entryPath(entry.id))
    return flushed
  }

  /** Never moves a mark back in time: of two entries of a key, the newer one's creation stands. */
  async #markDelivered(entry: OutboxEntry, markedAt: number): Promise<void> {
    const path = deliveredMarkPath(this.dir, entry.bot, entry.throttleKey!)
    if (((await readDeliveredMark(path)) ?? Number.NEGATIVE_INFINITY) >= markedAt) return
    await ensureStateDir(dirname(path))
    await this.#write(path, String(markedAt))
  }

  /**
   * The marks outlived by every throttle window go, once a process, after a delivered entry is gone (the Redis
   * store's expire by themselves). Housekeeping: a failure is left for the next process, never the delivery's.
   */
  async #pruneMarks(): Promise<void> {
    if (this.#marksPruned) return
    this.#marksPruned = true
    await pruneDeliveredMarks(this.dir, this.#now() - this.#deliveredMemoryMs).catch(() => undefined)
  }

  async #takeBackAbandoned(): Promise<string[]> {
    const warnings: string[] = []
    const now = this.#now()
    await removeDeadTemporaries(this.#claimedDir)
    for (const claimed of await listClaims(this.#claimedDir)) {
      if (!isAbandoned(claimed, now, this.#claimTimeoutMs)) continue
      try {
        await rename(claimed.path, this.#entryPath(claimed.id))
        warnings.push(`outbox entry ${claimed.id} was left claimed by pid ${claimed.pid}; it waits again`)
      } catch (error) {
        // Another flush took it back first.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      }
    }
    return warnings
  }

  /**
   * Moves every unreadable waiting entry to `corrupt/`, one warning each: a listing then no longer repeats it. A
   * flush does it for the entries it meets; `alert flush` calls this, so that an outbox holding nothing else
   * readable is cleaned too.
   */
  async setAsideUnreadable(): Promise<string[]> {
    const warnings: string[] = []
    // One its claimer left unreadable (a disk that lost the file's end) would be taken back by no flush, and shown by
    // no listing: set aside too, once that claimer is gone.
    for (const claimed of await listClaims(this.#claimedDir)) {
      if (!isAbandoned(claimed, this.#now(), this.#claimTimeoutMs)) continue
      const text = await readFile(claimed.path, 'utf8').catch(ignoreMissing)
      if (text !== undefined && 'problem' in parseOutboxEntry(text, claimed.id)) await this.#setAside(claimed, warnings, `${claimed.path} (left claimed by pid ${claimed.pid})`)
    }
    for (const id of await this.#waitingIds()) {
      const text = await readFile(this.#entryPath(id), 'utf8').catch(ignoreMissing)
      if (text === undefined || !('problem' in parseOutboxEntry(text, id))) continue
      await ensureStateDir(this.#claimedDir)
      const claimed = await claim(this.#entryPath(id), this.#claimedDir, id, this.#now())
      if (claimed !== undefined) await this.#setAside(claimed, warnings)
    }
    return warnings
  }

  async #setAside(claimed: Claim, warnings: string[], shown = this.#entryPath(claimed.id)): Promise<void> {
    const corruptDir = join(this.dir, 'corrupt')
    await mkdir(corruptDir, {recursive: true, mode: 0o700})
    const aside = join(corruptDir, `${claimed.id}.json`)
    try {
      await rename(claimed.path, aside)
    } catch (error) {
      // Another flush moved it first (aside, or back among the waiting ones, where it is met again).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    } finally {
      forgetClaim(claimed)
    }
    warnings.push(`outbox entry ${shown} was unreadable; set aside as ${aside}`)
  }

  #waitingIds(): Promise<string[]> {
    return waitingIds(this.dir)
  }

  #entryPath(id: string): string {
    return join(this.dir, `${id}.json`)
  }

  async #write(path: string, text: string): Promise<void> {
    try {
      await writeFileAtomic(path, `${text}\n`, 0o600)
    } catch (error) {
      throw stateDirError(this.dir, error)
    }
  }
}
