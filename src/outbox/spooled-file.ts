import {createReadStream, createWriteStream, rmSync} from 'node:fs'
import {open, readdir, rm, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {keepAfterExit, removeAtExit} from '../input/temporary-files.js'
import {ensureStateDir, stateDirError} from '../support/state-dir.js'
import {spooledFilesDirIn} from '../store/outbox-media.js'
import type {OutboxEntry} from '../store/outbox-types.js'
import {nodeCrypto} from '../support/node-crypto.js'

export interface OutboxFileCopy {
  /** `<outboxDir>/files/<random>`, mode 0600 in a 0700 directory. */
  path: string
  size: number
  /** Hex SHA-256 of the copy. */
  sha256: string
  /** The copy outlives the process: an outbox entry now refers to it. */
  keep(): void
  /** Removes the copy now, kept or not (it is removed at exit anyway unless kept). */
  remove(): void
}

/**
 * Copies the file to send into the outbox before the first chat gets it, so that every chat, every retry and a later
 * flush read the same bytes, whatever happens to the original (a temporary copy of stdin goes at exit). The copy is
 * fsync'd, so that an entry written after it never refers to bytes a crash could lose; it is removed at exit (and on
 * SIGINT/SIGTERM/SIGHUP) unless `keep` hands it to an entry.
 */
export async function copyIntoOutbox(outboxDir: string, sourcePath: string): Promise<OutboxFileCopy> {
  const dir = spooledFilesDirIn(outboxDir)
  await ensureStateDir(dir)
  const path = join(dir, nodeCrypto().randomBytes(12).toString('hex'))
  const removeLater = removeAtExit(path)
  const remove = () => {
    removeLater()
    rmSync(path, {force: true})
  }
  try {
    const hash = nodeCrypto().createHash('sha256')
    let size = 0
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length
        hash.update(chunk)
        callback(null, chunk)
      },
    })
    await pipeline(createReadStream(sourcePath), measure, createWriteStream(path, {flags: 'wx', mode: 0o600}))
    const handle = await open(path, 'r')
    await handle.sync().finally(() => handle.close())
    return {path, size, sha256: hash.digest('hex'), keep: () => keepAfterExit(path), remove}
  } catch (error) {
    remove()
    throw stateDirError(dir, error)
  }
}

/** A copy no entry refers to is left alone this long: a `send --outbox` may still be sending it, its entry unwritten. */
export const STRAY_COPY_AGE_MS = 24 * 3_600_000

/**
 * Removes copies in `<outboxDir>/files` that no waiting entry refers to and that are older than `STRAY_COPY_AGE_MS`:
 * what a run killed with SIGKILL (or a crash between an entry's removal and its copy's) left behind. Returns how
 * many went. `entries` is every entry waiting, of every bot.
 */
export async function removeStrayCopies(outboxDir: string, entries: readonly OutboxEntry[], now = Date.now()): Promise<number> {
  const dir = spooledFilesDirIn(outboxDir)
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[]
    throw error
  })
  const referenced = new Set(entries.flatMap(({message: {media}}) => (media && 'path' in media.source ? [resolve(media.source.path)] : [])))
  let removed = 0
  for (const name of names) {
    const path = resolve(dir, name)
    if (referenced.has(path)) continue
    const stats = await stat(path).catch(() => undefined)
    if (stats === undefined || !stats.isFile() || now - stats.mtimeMs < STRAY_COPY_AGE_MS) continue
    await rm(path, {force: true})
    removed++
  }
  return removed
}
