import {constants} from 'node:fs'
import {access, mkdir} from 'node:fs/promises'
import {dirname, join} from 'node:path'

import {UserError} from '../user-error.js'
import {type Env, xdgDir} from './xdg.js'

/** `$XDG_STATE_HOME/fastpay-tg`, or `~/.local/state/fastpay-tg` when XDG_STATE_HOME is unset. */
export function defaultStateDir(env: Env = process.env): string {
  return join(xdgDir(env, 'XDG_STATE_HOME', ['.local', 'state']), 'fastpay-tg')
}

/** Overrides where alerts keep their throttle state and outbox. */
export const STATE_DIR_ENV = 'FASTPAY_TG_STATE_DIR'

/** `--state-dir`, else `FASTPAY_TG_STATE_DIR`, else `$XDG_STATE_HOME/fastpay-tg` (`~/.local/state/fastpay-tg`). */
export function resolveStateDir(flag?: string, env: Env = process.env): string {
  if (flag !== undefined && flag !== '') return flag
  const fromEnv = env[STATE_DIR_ENV]
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : defaultStateDir(env)
}

export const throttleDirIn = (stateDir: string) => join(stateDir, 'throttle')
export const outboxDirIn = (stateDir: string) => join(stateDir, 'outbox')

// Errors that mean "this directory is no place for our state"; anything else is unexpected and stays as it is.
const UNUSABLE_DIR_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EDQUOT'])

/** Creates `dir` (mode 0700) when missing and checks that we may write in it. */
export async function ensureStateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, {recursive: true, mode: 0o700}).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error
      return makeLevelByLevel(dir)
    })
    await access(dir, constants.W_OK | constants.X_OK)
  } catch (error) {
    throw stateDirError(dir, error)
  }
}

// A recursive mkdir on a read-only file system says ENOENT; one level at a time, the level that fails says why
// (EROFS, EACCES).
async function makeLevelByLevel(dir: string): Promise<void> {
  const parent = dirname(dir)
  if (parent !== dir && !(await access(parent).then(() => true, () => false))) await makeLevelByLevel(parent)
  await mkdir(dir, {mode: 0o700}).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error
  })
}

/** A state directory we cannot write in (read-only, full, not a directory): `alert` sends without it. */
export class StateDirError extends UserError {
  constructor(
    readonly dir: string,
    /** EROFS, ENOSPC, EACCES, ... */
    readonly code: string,
  ) {
    super(`state dir ${JSON.stringify(dir)} is not writable (${code}): choose another with --state-dir or ${STATE_DIR_ENV}`)
  }
}

/** The one line for a state directory we cannot use, naming how to choose another; other errors pass through. */
export function stateDirError(dir: string, error: unknown): unknown {
  if (error instanceof StateDirError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (code === undefined || !UNUSABLE_DIR_CODES.has(code)) return error
  return new StateDirError(dir, code)
}
