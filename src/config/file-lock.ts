import {mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'

import {type KeyLockOptions, LockTimeoutError, withKeyLock} from '../support/key-lock.js'
import {UserError} from '../user-error.js'

/** @default {timeoutMs: 10_000, retryDelayMs: 20}; see KeyLockOptions */
export type LockOptions = KeyLockOptions

/**
 * Runs `action` while holding `lockPath`, so that two writers of one file, in one process or in two, take turns:
 * the one lock module (support/key-lock.ts), which takes over a lock whose owner died at once. A run that waits
 * too long gets one line naming `describe` (exit 2). The caller re-reads what it modifies inside `action`.
 */
export async function withFileLock<T>(lockPath: string, describe: string, action: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  await mkdir(dirname(lockPath), {recursive: true, mode: 0o700})
  try {
    return await withKeyLock(lockPath, action, {timeoutMs: 10_000, retryDelayMs: 20, ...options})
  } catch (error) {
    if (!(error instanceof LockTimeoutError) || error.lockPath !== lockPath) throw error
    const advice = 'try again, or delete the lock file if no other run is going'
    throw new UserError(`${describe} is being changed by another fastpay-tg run (lock ${lockPath}): ${advice}`)
  }
}
