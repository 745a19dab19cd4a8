import {readdir, rename} from 'node:fs/promises'
import {join} from 'node:path'

import {isProcessAlive} from '../support/process-alive.js'

// A flush claims an entry by renaming it into `claimed/` under a name that records who claimed it and when: a
// rename succeeds for exactly one of several flushes racing for the same entry.
const CLAIM_FILE = /^(.+)\.(\d+)\.(\d+)\.claim$/

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

/** Moves `entryPath` into `claimedDir`; undefined when another flush took it first. */
export async function claim(entryPath: string, claimedDir: string, id: string, now: number): Promise<Claim | undefined> {
  const path = join(claimedDir, claimName(id, now))
  claimedHere.add(path)
  try {
    await rename(entryPath, path)
  } catch (error) {
    claimedHere.delete(path)
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return {id, pid: process.pid, claimedAt: now, path}
}

/** Puts a claimed entry back among the waiting ones (after its file was brought up to date). */
export async function unclaim(claimed: Claim, entryPath: string): Promise<void> {
  await rename(claimed.path, entryPath)
  claimedHere.delete(claimed.path)
}

export function forgetClaim(claimed: Claim): void {
  claimedHere.delete(claimed.path)
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
 * Whether the flush that claimed this entry is gone: its process no longer runs (or it is our own pid, left by an
 * earlier process, as happens in containers), or it has held the entry past `timeoutMs`.
 */
export function isAbandoned(claimed: Claim, now: number, timeoutMs: number): boolean {
  if (claimed.pid === process.pid) return !claimedHere.has(claimed.path)
  return !isProcessAlive(claimed.pid) || now - claimed.claimedAt > timeoutMs
}
