import {readdir, rename, unlink} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {isProcessAlive} from '../../support/process-alive.js'

// A flush claims an entry by renaming it into `claimed/` under a name that records who claimed it and when: a
// rename succeeds for exactly one of several flushes racing for the same entry. A held entry (written ahead by the
// alert that delivers it) is created there under such a name. The claim is a lease: its holder renews it by touching
// the file to a newer claim name while it delivers, and another flush takes it over once the lease ran out.
const CLAIM_FILE = /^(.+)\.(\d+)\.(\d+)\.claim$/
// writeFileAtomic's temporary files: `.<name>.<pid>.<random>.tmp`.
const TEMPORARY_FILE = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/

/** Entries this process has claimed and not yet given back. */
const claimedHere = new Set<string>()

export interface Claim {
  id: string
  pid: number
  claimedAt: number
  path: string
}

export function claimName(id: string, now: number): string {
  return `${id}.${process.pid}.${now}.claim`
}

/** Records that this process holds a claim it creates itself (a held entry), before the file exists. */
export function holdClaim(claimedDir: string, id: string, now: number): Claim {
  const path = join(claimedDir, claimName(id, now))
  claimedHere.add(path)
  return {id, pid: process.pid, claimedAt: now, path}
}

/** Moves `entryPath` into `claimedDir`; undefined when another flush took it first. */
export async function claim(entryPath: string, claimedDir: string, id: string, now: number): Promise<Claim | undefined> {
  const claimed = holdClaim(claimedDir, id, now)
  try {
    await rename(entryPath, claimed.path)
  } catch (error) {
    claimedHere.delete(claimed.path)
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return claimed
}

/** Puts a claimed entry back among the waiting ones (after its file was brought up to date). */
export async function unclaim(claimed: Claim, entryPath: string): Promise<void> {
  await rename(claimed.path, entryPath)
  claimedHere.delete(claimed.path)
}

export function forgetClaim(claimed: Claim): void {
  claimedHere.delete(claimed.path)
}

/** A claim renewed in the background until `stop()`. */
export interface Lease {
  /** Stops renewing, once any renewal and `exclusive` work under way is done (the claim's path is final then). */
  stop(): Promise<void>
  /** Runs `work` between renewals, so that the claim's path cannot change under it (a rewrite of the entry). */
  exclusive<T>(work: () => Promise<T>): Promise<T>
}

/**
 * Renews the claim every `intervalMs` until stopped, so that a delivery slowed by Telegram's 429 waits keeps its
 * entry: the file is renamed to a claim name with the time now (a rename, so that of a renewal and a takeover racing
 * for it exactly one wins). A holder that died stops renewing, and its lease runs out.
 */
export function startLease(claimed: Claim, intervalMs: number, now: () => number): Lease {
  let renewing: Promise<void> = Promise.resolve()
  const renew = async () => {
    const renewedAt = now()
    const path = join(dirname(claimed.path), claimName(claimed.id, renewedAt))
    if (path === claimed.path) return
    claimedHere.add(path)
    try {
      await rename(claimed.path, path)
    } catch {
      // Taken over: the holder finds out when it finishes with the entry.
      claimedHere.delete(path)
      return
    }
    claimedHere.delete(claimed.path)
    claimed.path = path
    claimed.claimedAt = renewedAt
  }
  const timer = setInterval(() => {
    renewing = renewing.then(renew)
  }, intervalMs)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await renewing
    },
    exclusive: <T>(work: () => Promise<T>) => {
      const done = renewing.then(work)
      // The queue goes on whatever the work's outcome: the caller is told of it through `done`.
      renewing = done.then(
        () => undefined,
        () => undefined,
      )
      return done
    },
  }
}

export async function listClaims(claimedDir: string): Promise<Claim[]> {
  const names = await readdir(claimedDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[]
    throw error
  })
  const claims: Claim[] = []
  for (const name of names) {
    const match = CLAIM_FILE.exec(name)
    if (match === null) continue
    claims.push({id: match[1]!, pid: Number(match[2]), claimedAt: Number(match[3]), path: join(claimedDir, name)})
  }
  return claims
}

/**
 * Whether the flush that claimed this entry is gone: its process no longer runs on this host (or it is our own pid,
 * left by an earlier process, as happens in containers), or its lease ran out: `timeoutMs` since the last renewal.
 */
export function isAbandoned(claimed: Claim, now: number, timeoutMs: number): boolean {
  if (claimed.pid === process.pid) return !claimedHere.has(claimed.path)
  return !isProcessAlive(claimed.pid) || now - claimed.claimedAt > timeoutMs
}

/** Removes temporary files of writes killed half-way (their process is gone): they hold no entry yet. */
export async function removeDeadTemporaries(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    const pid = TEMPORARY_FILE.exec(name)?.[1]
    if (pid !== undefined && Number(pid) !== process.pid && !isProcessAlive(Number(pid))) {
      await unlink(join(dir, name)).catch(() => undefined)
    }
  }
}
