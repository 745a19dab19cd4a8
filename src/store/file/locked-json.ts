import {readFile, unlink} from 'node:fs/promises'
import {join} from 'node:path'

import {ensureStateDir, stateDirError} from '../../support/state-dir.js'
import {writeFileAtomic} from '../../support/atomic-write.js'
import {type KeyLockOptions, withKeyLock} from '../../support/key-lock.js'
import {nodeCrypto} from '../../support/node-crypto.js'

/** One small JSON file per name, named by a hash of it: any name is a safe file name, and names never collide. */
export function jsonPathFor(dir: string, name: string): string {
  return join(dir, `${nodeCrypto().createHash('sha256').update(name).digest('hex').slice(0, 32)}.json`)
}

/** The parsed file; undefined when it is missing or not JSON (the next write replaces it). */
export async function readJson(dir: string, path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'EISDIR') return undefined
    throw stateDirError(dir, error)
  })
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/**
 * Runs `change` on the file's content under its O_EXCL key lock (the throttle's), and writes what it returns
 * atomically; `write: null` removes the file. Processes of this machine take turns.
 */
export async function updateJson<T>(
  dir: string,
  path: string,
  change: (current: unknown) => Promise<{write?: unknown; result: T}>,
  lock: KeyLockOptions = {},
): Promise<T> {
  await ensureStateDir(dir)
  try {
    return await withKeyLock(
      path.replace(/\.json$/, '.lock'),
      async () => {
        const {write, result} = await change(await readJson(dir, path))
        if (write === null) await unlink(path).catch(() => undefined)
        else if (write !== undefined) await writeFileAtomic(path, `${JSON.stringify(write)}\n`, 0o600)
        return result
      },
      lock,
    )
  } catch (error) {
    throw stateDirError(dir, error)
  }
}
