import {mkdir, open, stat, unlink} from 'node:fs/promises'
import {dirname} from 'node:path'
import {UserError} from '../user-error.js'

export interface LockOptions {
  /** A lock file older than this was left by a run that crashed, and is taken over. @default 10_000 */
  staleMs?: number
  /** How long to wait for another writer before giving up. @default 10_000 */
  timeoutMs?: number
  /** Pause between two attempts to take the lock. @default 20 */
  retryDelayMs?: number
  /** Injected so tests never wait for real. @default setTimeout-based sleep */
  sleep?: (ms: number) => Promise<void>
  /** @default Date.now */
  now?: () => number
}

const realSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms))

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx', 0o600)
    await handle.writeFile(`${process.pid}\n`)
    await handle.close()
    return true
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false
    throw error
  }
}

// Two runs may both judge the same lock stale and both remove it; locks only go stale after a crash and a write
// takes milliseconds, so that race is left open rather than paid for on every write.
async function removeIfStale(lockPath: string, staleMs: number, now: number): Promise<boolean> {
  try {
    const {mtimeMs} = await stat(lockPath)
    if (now - mtimeMs < staleMs) return false
    await unlink(lockPath)
    return true
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true
    throw error
  }
}

/**
 * Runs `action` while holding `lockPath` (created with O_EXCL), so that two writers, in one process or in two,
 * take turns. The caller re-reads what it modifies inside `action`.
 */
export async function withFileLock<T>(
  lockPath: string,
  describe: string,
  action: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const {staleMs = 10_000, timeoutMs = 10_000, retryDelayMs = 20, sleep = realSleep, now = Date.now} = options
  await mkdir(dirname(lockPath), {recursive: true, mode: 0o700})
  const startedAt = now()
  while (!(await tryCreate(lockPath))) {
    if (await removeIfStale(lockPath, staleMs, now())) continue
    if (now() - startedAt >= timeoutMs) {
      const advice = 'try again, or delete the lock file if no other run is going'
      throw new UserError(`${describe} is being changed by another fastpay-tg run (lock ${lockPath}): ${advice}`)
    }
    await sleep(retryDelayMs)
  }
  try {
    return await action()
  } finally {
    await unlink(lockPath).catch(() => undefined)
  }
}
