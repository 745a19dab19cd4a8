// The file outbox against a concurrent flush that moves a file in the middle of a scan. The move is made at an
// exact point (right after a directory listing returns, or just before a rename) instead of racing a real flush, so
// the test is deterministic: the old scan (folder, then claimed/) missed the entry in both places. pendingSince
// likewise; and the pruning of delivered marks must keep a mark that a flush rewrote while it was being judged.
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it, vi} from 'vitest'

import {deliveredMarkPath} from '../../src/store/file/delivered-marks.js'
import {FileOutbox} from '../../src/store/index.js'
import {tempDir} from '../throttle/helpers.js'

/** Runs once, right after the next listing of `dir` returns. */
const afterListing = new Map<string, () => void>()

vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>()
  const readdir = (async (path: string, ...rest: unknown[]) => {
    const names = await (original.readdir as (...args: unknown[]) => Promise<unknown>)(path, ...rest)
    const hook = afterListing.get(String(path))
    if (hook) {
      afterListing.delete(String(path))
      hook()
    }
    return names
  }) as typeof original.readdir
  const rename = (async (from: string, to: string) => {
    const hook = beforeRename.get(String(from))
    if (hook) {
      beforeRename.delete(String(from))
      hook()
    }
    return original.rename(from, to)
  }) as typeof original.rename
  return {...original, readdir, rename, default: {...original, readdir, rename}}
})

/** Runs once, just before the next rename of this path. */
const beforeRename = new Map<string, () => void>()

const T0 = Date.parse('2025-06-01T14:02:11Z')

async function outboxWithOneEntry() {
  const outbox = new FileOutbox({dir: tempDir('fastpay-tg-outbox-race-'), now: () => T0})
  const entry = await outbox.spool({bot: 'alerts', chatIds: [1], message: {text: 'moving', parseMode: 'HTML'}, throttleKey: 'alerts:moving', createdAt: new Date(T0), lastError: 'down'})
  const waitingPath = join(outbox.dir, `${entry.id}.json`)
  const claimedDir = join(outbox.dir, 'claimed')
  mkdirSync(claimedDir, {recursive: true})
  // As a flush on another process names its claim.
  const claimedPath = join(claimedDir, `${entry.id}.999999.${T0}.claim`)
  return {outbox, entry, waitingPath, claimedDir, claimedPath}
}

describe('Outbox.list while a flush moves the entry', () => {
  it('sees an entry given back to the folder just after the folder was listed', async () => {
    const {outbox, entry, waitingPath, claimedPath} = await outboxWithOneEntry()
    renameSync(waitingPath, claimedPath)
    afterListing.set(outbox.dir, () => renameSync(claimedPath, waitingPath))
    const listing = await outbox.list()
    expect(listing.items.map((item) => item.entry.id)).toEqual([entry.id])
  })

  it('sees an entry claimed just after the folder was listed', async () => {
    const {outbox, entry, waitingPath, claimedPath} = await outboxWithOneEntry()
    afterListing.set(outbox.dir, () => renameSync(waitingPath, claimedPath))
    const listing = await outbox.list()
    expect(listing.items.map((item) => item.entry.id)).toEqual([entry.id])
  })

  it('sees an entry claimed just after claimed/ was listed', async () => {
    const {outbox, entry, waitingPath, claimedDir, claimedPath} = await outboxWithOneEntry()
    afterListing.set(claimedDir, () => renameSync(waitingPath, claimedPath))
    const listing = await outbox.list()
    expect(listing.items.map((item) => item.entry.id)).toEqual([entry.id])
  })
})

// pendingSince is how a killed alert's entry stands for its window (ThrottleStore.admit): missed, the retry sends again.
describe('Outbox.pendingSince while a flush moves the entry', () => {
  it('sees an entry given back to the folder just after the folder was listed', async () => {
    const {outbox, waitingPath, claimedPath} = await outboxWithOneEntry()
    renameSync(waitingPath, claimedPath)
    afterListing.set(outbox.dir, () => renameSync(claimedPath, waitingPath))
    expect(await outbox.pendingSince('alerts', 'alerts:moving', T0 - 60_000)).toBe(T0)
  })

  it('sees an entry claimed just after claimed/ was listed', async () => {
    const {outbox, waitingPath, claimedDir, claimedPath} = await outboxWithOneEntry()
    afterListing.set(claimedDir, () => renameSync(waitingPath, claimedPath))
    expect(await outbox.pendingSince('alerts', 'alerts:moving', T0 - 60_000)).toBe(T0)
  })
})

describe('pruning delivered marks while a flush marks the same key', () => {
  it('keeps the mark a flush wrote between the pruner reading the old one and taking it aside', async () => {
    const now = T0 + 40 * 24 * 3600 * 1000
    const outbox = new FileOutbox({dir: tempDir('fastpay-tg-outbox-race-'), now: () => now})
    const mark = deliveredMarkPath(outbox.dir, 'alerts', 'alerts:flapping')
    mkdirSync(join(mark, '..'), {recursive: true})
    writeFileSync(mark, String(T0))
    // The other flush's write is atomic: a new file renamed over the old one.
    beforeRename.set(mark, () => {
      writeFileSync(`${mark}.new`, String(now - 5_000))
      renameSync(`${mark}.new`, mark)
    })
    await outbox.spool({bot: 'alerts', chatIds: [1], message: {text: 'disk', parseMode: 'HTML'}, throttleKey: 'alerts:Disk', createdAt: new Date(now - 1_000), lastError: 'down'})
    await outbox.flush(async (entry) => entry.chatIds.map((chatId) => ({chatId, ok: true as const, messageIds: [1]})))
    expect(beforeRename.size).toBe(0)
    expect(readFileSync(mark, 'utf8')).toBe(String(now - 5_000))
    expect(await outbox.pendingSince('alerts', 'alerts:flapping', now - 60_000)).toBe(now - 5_000)
  })
})
