import {link, open, stat, unlink, writeFile} from 'node:fs/promises'

import {isProcessAlive} from './process-alive.js'
import {nodeCrypto} from './node-crypto.js'

export interface KeyLockOptions {
  /** A lock whose owner still runs is taken over after this long (a stopped process, a reused pid). @default 30_000 */
  staleMs?: number
  /**
   * How long one holder may keep the lock before a waiter gives up with LockTimeoutError. Counted per holder, not
   * per wait: while the lock changes hands, runs are taking their turns and waiting on is right, however many are
   * queued (50 cron runs of one key started together on a loaded machine wait longer than this in all). @default 30_000
   */
  timeoutMs?: number
  /** Pause between two attempts, plus up to as much again of jitter so that waiting runs spread out. @default 5 */
  retryDelayMs?: number
  /** @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>
  /** @default Date.now */
  now?: () => number
}

/** Another run held the lock for longer than `timeoutMs`. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError'
  constructor(
    readonly lockPath: string,
    readonly ownerPid: number | undefined,
  ) {
    super(`${lockPath} stayed locked${ownerPid === undefined ? '' : ` by pid ${ownerPid}`}`)
  }
}

interface LockInfo {
  ino: number
  mtimeMs: number
  ageMs: number
  pid: number | undefined
}

/** One holding of a lock: inodes of removed locks are reused at once, so the pid and the time written go with it. */
const holdingOf = (lock: LockInfo | undefined) => (lock === undefined ? undefined : `${lock.ino}/${lock.pid}/${lock.mtimeMs}`)

// Locks are linked into place with their pid already written; an empty one was left by an older version of this
// code that created the file first and wrote the pid after, and lost its owner in between.
const EMPTY_LOCK_GRACE_MS = 1000

/**
 * Locks this process holds now, counted per path. A lock file with our own pid that is not among them was left by
 * an earlier process that had the same pid (containers reuse small pids), and is stale. Counted rather than kept in
 * a set: a run that has just removed its lock file may forget it only after another run of this process created the
 * next one at the same path (their callbacks can come in either order), and must not forget that one with it.
 */
const heldHere = new Map<string, number>()
const hold = (lockPath: string) => void heldHere.set(lockPath, (heldHere.get(lockPath) ?? 0) + 1)
function unhold(lockPath: string): void {
  const count = (heldHere.get(lockPath) ?? 0) - 1
  if (count > 0) heldHere.set(lockPath, count)
  else heldHere.delete(lockPath)
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `action` while holding `lockPath`, created with O_EXCL and holding the owner's pid, so that runs in any number
 * of processes take turns. A lock left by a run that died is taken over at once (its pid is gone), one left by a
 * run that still exists only after `staleMs`.
 */
export async function withKeyLock<T>(
  lockPath: string,
  action: () => Promise<T>,
  options: KeyLockOptions = {},
): Promise<T> {
  const {staleMs = 30_000, timeoutMs = 30_000, retryDelayMs = 5, sleep = realSleep, now = Date.now} = options
  // The holding we are waiting for to end, and since when we have seen it.
  let waitingFor: {holding: string | undefined; since: number} = {holding: undefined, since: now()}
  let ino: number | undefined
  while ((ino = await tryCreate(lockPath)) === undefined) {
    const {broken, seen} = await breakIfStale(lockPath, staleMs, now)
    if (holdingOf(seen) !== waitingFor.holding) waitingFor = {holding: holdingOf(seen), since: now()}
    else if (now() - waitingFor.since >= timeoutMs) throw new LockTimeoutError(lockPath, seen?.pid)
    if (!broken) await sleep(retryDelayMs * (1 + Math.random()))
  }
  try {
    return await action()
  } finally {
    // Only our own lock: after `staleMs` another run may have taken over, and its lock is not ours to remove.
    const current = await readLock(lockPath, now).catch(() => undefined)
    if (current?.ino === ino && current.pid === process.pid) await unlink(lockPath).catch(() => undefined)
    unhold(lockPath)
  }
}

/**
 * The lock's inode when we created it (and now hold it), undefined when it exists already. The pid is written to a
 * file of our own first and that file is then linked into place (link fails if the name exists, like O_EXCL): the
 * lock is never seen empty, so a run starved of CPU between creating and writing cannot have it broken under it.
 */
async function tryCreate(lockPath: string): Promise<number | undefined> {
  const draft = `${lockPath}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}`
  try {
    // Inside the try: a write that fails half way (a full disk) leaves no draft behind either.
    await writeFile(draft, `${process.pid}\n`, {mode: 0o600, flag: 'wx'})
    const {ino} = await stat(draft)
    hold(lockPath)
    try {
      await link(draft, lockPath)
    } catch (error) {
      unhold(lockPath)
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined
      throw error
    }
    return ino
  } finally {
    await unlink(draft).catch(() => undefined)
  }
}

/**
 * The pid in the name of a draft that a run killed between writing and linking it left beside its lock (see
 * tryCreate), for whoever tidies the directory; undefined for any other name.
 */
export function lockDraftPid(name: string): number | undefined {
  const pid = /\.lock\.(\d+)\.[0-9a-f]{8}$/.exec(name)?.[1]
  return pid === undefined ? undefined : Number(pid)
}

async function readLock(lockPath: string, now: () => number): Promise<LockInfo | undefined> {
  let handle
  try {
    handle = await open(lockPath, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const [stats, text] = await Promise.all([handle.stat(), handle.readFile('utf8')])
    const pid = /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined
    return {ino: stats.ino, mtimeMs: stats.mtimeMs, ageMs: now() - stats.mtimeMs, pid}
  } finally {
    await handle.close()
  }
}

function isStale(lockPath: string, lock: LockInfo, staleMs: number): boolean {
  if (lock.pid === undefined) return lock.ageMs > EMPTY_LOCK_GRACE_MS
  if (lock.pid === process.pid && !heldHere.has(lockPath)) return true
  return !isProcessAlive(lock.pid) || lock.ageMs > staleMs
}

/**
 * Removes a stale lock (`broken`), and says which lock it saw. Breakers take turns through a second O_EXCL file and
 * look again once they hold it: otherwise a slow breaker could remove the fresh lock that a faster one had just taken.
 */
async function breakIfStale(lockPath: string, staleMs: number, now: () => number): Promise<{broken: boolean; seen?: LockInfo}> {
  const seen = await readLock(lockPath, now)
  if (seen === undefined) return {broken: true}
  if (!isStale(lockPath, seen, staleMs)) return {broken: false, seen}
  const breaker = `${lockPath}.break`
  if ((await tryCreate(breaker)) === undefined) {
    // A breaker holds its file for a moment only; one left by a run killed in that moment is removed here.
    const stuck = await readLock(breaker, now)
    if (stuck !== undefined && isStale(breaker, stuck, staleMs)) await unlink(breaker).catch(() => undefined)
    return {broken: false, seen}
  }
  try {
    const current = await readLock(lockPath, now)
    if (current === undefined) return {broken: true}
    if (current.ino !== seen.ino || !isStale(lockPath, current, staleMs)) return {broken: false, seen: current}
    await unlink(lockPath).catch(() => undefined)
    return {broken: true}
  } finally {
    unhold(breaker)
    await unlink(breaker).catch(() => undefined)
  }
}
