import {readdir, readFile, rename, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import {ensureStateDir, stateDirError} from '../support/state-dir.js'
import {writeFileAtomic} from '../support/atomic-write.js'
import {redact} from '../redact.js'
import type {ChatDelivery} from '../send/deliver.js'
import {compactTimestamp} from '../support/timestamps.js'
import {type Claim, claim, forgetClaim, isAbandoned, listClaims, unclaim} from './claims.js'
import {deliverEntry} from './deliver-entry.js'
import {removeSpooledFile} from './spooled-file.js'
import {entryIdOf, type NewOutboxEntry, newOutboxEntry, type OutboxEntry, parseOutboxEntry} from './outbox-entry.js'

export interface OutboxOptions {
  /** The spool directory, e.g. `outboxDirIn(resolveStateDir())`: `~/.local/state/fastpay-tg/outbox`. */
  dir: string
  /**
   * A claimed entry whose flush no longer runs is taken back at once; one whose flush still runs after this long.
   * One entry's delivery is bounded by the client's retries (429 waits of at most 60 s, 5 times), so this means a
   * stuck process. @default 600_000
   */
  claimTimeoutMs?: number
  /** @default Date.now */
  now?: () => number
}

export interface OutboxItem {
  entry: OutboxEntry
  path: string
  /** The pid of the flush delivering it right now. */
  claimedBy?: number
}

export interface OutboxListing {
  /** Oldest first. */
  items: OutboxItem[]
  warnings: string[]
}

/** Sends one entry to its chats; the outbox decides from the per-chat results what stays. */
export type DeliverEntry = (entry: OutboxEntry) => Promise<ChatDelivery[]>

export interface FlushOptions {
  /** Only entries of this bot (`OutboxEntry.bot`). @default every entry */
  bot?: string
}

export interface FlushedEntry {
  id: string
  bot: string
  /** Chats Telegram accepted it for. */
  delivered: Array<number | string>
  /** Chats Telegram refused for good (blocked, not found): taken off the entry. */
  refused: Array<{chatId: number | string; error: string}>
  /** Chats still waiting: the entry stays for them alone. */
  pending: Array<{chatId: number | string; error: string}>
}

export interface FlushReport {
  /** The entries tried, oldest first. */
  entries: FlushedEntry[]
  /**
   * Why the flush stopped early: a failure that may pass (network down, 429). Later entries were not tried, so
   * they keep their order and do not each wait out the client's retries.
   */
  stoppedBy?: string
  /** Entries (of `bot`, when given) still waiting after the flush. */
  waiting: number
  warnings: string[]
}

/**
 * Messages that could not be delivered yet, one JSON file each (mode 0600, no token), named so that they sort
 * oldest first. A flush claims an entry by renaming it into `claimed/`, which exactly one of several concurrent
 * flushes wins; an entry is removed only once every chat accepted it, and keeps only the chats still missing it.
 * A flush killed half-way leaves its claim behind: the next flush puts it back (the chats of that one entry may
 * then receive it twice, the one case where "exactly once" gives way to "never lost"). Concurrent flushes share
 * the work: each goes oldest first, so across them the order holds only roughly.
 */
export class Outbox {
  readonly dir: string
  readonly #claimedDir: string
  readonly #claimTimeoutMs: number
  readonly #now: () => number

  constructor(options: OutboxOptions) {
    this.dir = options.dir
    this.#claimedDir = join(options.dir, 'claimed')
    this.#claimTimeoutMs = options.claimTimeoutMs ?? 600_000
    this.#now = options.now ?? Date.now
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
      const scan = await this.#scan()
      if (!scan.vanished || attempt === 20) {
        const selected = scan.items.filter((item) => options.bot === undefined || item.entry.bot === options.bot)
        selected.sort((a, b) => (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0))
        return {items: selected, warnings: scan.warnings}
      }
    }
  }

  // Claims are listed before and after the folder, so an entry that moves either way during the scan is seen
  // at least once; a changed claim list, or a file gone before it was read, asks for another scan.
  async #scan(): Promise<{items: OutboxItem[]; warnings: string[]; vanished: boolean}> {
    const warnings: string[] = []
    const items = new Map<string, OutboxItem>()
    let vanished = false
    const claimsBefore = await listClaims(this.#claimedDir)
    for (const id of await this.#waitingIds()) {
      const path = this.#entryPath(id)
      const text = await readFile(path, 'utf8').catch(ignoreMissing)
      if (text === undefined) {
        vanished = true
        continue
      }
      const entry = parseOutboxEntry(text, id)
      if (!('problem' in entry)) items.set(entry.id, {entry, path})
      else warnings.push(`outbox entry ${path} is unreadable (${entry.problem}); the next flush sets it aside`)
    }
    const claimsAfter = await listClaims(this.#claimedDir)
    const names = (claims: Claim[]) => claims.map((claimed) => claimed.path).sort().join('\n')
    if (names(claimsBefore) !== names(claimsAfter)) vanished = true
    for (const claimed of [...claimsBefore, ...claimsAfter]) {
      if (items.has(claimed.id)) continue
      const text = await readFile(claimed.path, 'utf8').catch(ignoreMissing)
      if (text === undefined) vanished = true
      const entry = text === undefined ? undefined : parseOutboxEntry(text, claimed.id)
      if (entry !== undefined && !('problem' in entry)) items.set(entry.id, {entry, path: claimed.path, claimedBy: claimed.pid})
    }
    return {items: [...items.values()], warnings, vanished}
  }

  /** Delivers waiting entries oldest first, each by one flush only, and stops at the first failure that may pass. */
  async flush(deliver: DeliverEntry, options: FlushOptions = {}): Promise<FlushReport> {
    await ensureStateDir(this.dir)
    await ensureStateDir(this.#claimedDir)
    const warnings = await this.#takeBackAbandoned()
    const report: FlushReport = {entries: [], waiting: 0, warnings}
    for (const id of await this.#waitingIds()) {
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

  async #deliverClaimed(entry: OutboxEntry, claimed: Claim, deliver: DeliverEntry): Promise<FlushedEntry> {
    const {flushed, kept} = await deliverEntry(entry, deliver)
    if (kept === undefined) {
      await unlink(claimed.path)
      forgetClaim(claimed)
      // After the entry: a crash in between leaves a stray copy, never an entry without its file.
      await removeSpooledFile(entry.message.media, this.dir)
      return flushed
    }
    // Rewritten while still claimed, then put back: at every moment exactly one file holds the entry.
    await this.#write(claimed.path, JSON.stringify(kept, null, 2))
    await unclaim(claimed, this.#entryPath(entry.id))
    return flushed
  }

  async #takeBackAbandoned(): Promise<string[]> {
    const warnings: string[] = []
    const now = this.#now()
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

  async #setAside(claimed: Claim, warnings: string[]): Promise<void> {
    const path = this.#entryPath(claimed.id)
    const aside = `${path}.corrupt-${compactTimestamp(this.#now())}`
    await rename(claimed.path, aside)
    forgetClaim(claimed)
    warnings.push(`outbox entry ${path} was unreadable; set aside as ${aside}`)
  }

  async #waitingIds(): Promise<string[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[]
      throw stateDirError(this.dir, error)
    })
    return names.flatMap((name) => entryIdOf(name) ?? []).sort()
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

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined
  throw error
}
