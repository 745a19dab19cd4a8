import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {isProcessAlive} from '../../support/process-alive.js'
import {stateDirError} from '../../support/state-dir.js'
import {entryIdOf, parseOutboxEntry} from '../outbox-entry.js'
import type {OutboxItem} from '../outbox-types.js'
import {type Claim, listClaims} from './outbox-claims.js'

// Reading the file outbox without changing it: what waits, what is claimed, and which recent entry holds a key.

export function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined
  throw error
}

/** The ids of the entries waiting (not claimed) in `dir`, oldest first. */
export async function waitingIds(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[]
    throw stateDirError(dir, error)
  })
  return names.flatMap((name) => entryIdOf(name) ?? []).sort()
}

/**
 * Every entry, waiting or claimed. Claims are listed before and after the folder, so an entry that moves either way
 * during the scan is seen at least once; a changed claim list, or a file gone before it was read, sets `vanished`
 * (the caller looks again).
 */
export async function scanOutbox(dir: string, claimedDir: string): Promise<{items: OutboxItem[]; warnings: string[]; vanished: boolean}> {
  const warnings: string[] = []
  const items = new Map<string, OutboxItem>()
  let vanished = false
  const claimsBefore = await listClaims(claimedDir)
  for (const id of await waitingIds(dir)) {
    const path = join(dir, `${id}.json`)
    const text = await readFile(path, 'utf8').catch(ignoreMissing)
    if (text === undefined) {
      vanished = true
      continue
    }
    const entry = parseOutboxEntry(text, id)
    if (!('problem' in entry)) items.set(entry.id, {entry, path})
    else warnings.push(`outbox entry ${path} is unreadable (${entry.problem}); the next flush sets it aside`)
  }
  const claimsAfter = await listClaims(claimedDir)
  const names = (claims: Claim[]) => claims.map((claimed) => claimed.path).sort().join('\n')
  if (names(claimsBefore) !== names(claimsAfter)) vanished = true
  const unreadable = new Set<string>()
  for (const claimed of [...claimsBefore, ...claimsAfter]) {
    if (items.has(claimed.id) || unreadable.has(claimed.path)) continue
    const text = await readFile(claimed.path, 'utf8').catch(ignoreMissing)
    if (text === undefined) vanished = true
    const entry = text === undefined ? undefined : parseOutboxEntry(text, claimed.id)
    if (entry === undefined) continue
    if (!('problem' in entry)) items.set(entry.id, {entry, path: claimed.path, claimedBy: claimed.pid, ...(isProcessAlive(claimed.pid) ? {} : {holderGone: true})})
    else {
      // Written whole or not at all by us: unreadable is damage, which its claimer (once gone) cannot repair.
      unreadable.add(claimed.path)
      warnings.push(`outbox entry ${claimed.path} is unreadable (${entry.problem}); the next flush sets it aside once pid ${claimed.pid} is gone`)
    }
  }
  return {items: [...items.values()], warnings, vanished}
}

/**
 * The creation time of the newest entry of `bot` and `throttleKey` created after `sinceMs`, waiting or claimed.
 * Reads only the entries whose name (creation time first) says they are recent enough: usually none. Claims are
 * listed before and after the folder, as in scanOutbox, and a file gone before it was read makes it look again: an
 * entry a flush claims or gives back meanwhile must not slip between the two listings.
 */
export async function newestPending(
  dir: string,
  claimedDir: string,
  wanted: {bot: string; throttleKey: string; sinceMs: number},
): Promise<number | undefined> {
  const recent = (id: string) => Number(id.slice(0, 15)) > wanted.sinceMs
  for (let attempt = 1; ; attempt++) {
    const claimsBefore = (await listClaims(claimedDir)).filter((claimed) => recent(claimed.id))
    const waiting = (await waitingIds(dir)).filter(recent).map((id) => ({id, path: join(dir, `${id}.json`)}))
    const claimsAfter = (await listClaims(claimedDir)).filter((claimed) => recent(claimed.id))
    const candidates = new Map([...claimsBefore, ...waiting, ...claimsAfter].map(({id, path}) => [path, id]))
    let newest: number | undefined
    let vanished = false
    for (const [path, id] of candidates) {
      const text = await readFile(path, 'utf8').catch(ignoreMissing)
      vanished ||= text === undefined
      const entry = text === undefined ? undefined : parseOutboxEntry(text, id)
      if (entry === undefined || 'problem' in entry || entry.bot !== wanted.bot || entry.throttleKey !== wanted.throttleKey) continue
      newest = Math.max(newest ?? 0, Date.parse(entry.createdAt))
    }
    if (!vanished || attempt === 20) return newest
  }
}
