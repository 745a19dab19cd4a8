import {createWriteStream} from 'node:fs'
import {chmod, mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Transform} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {UserError} from '../user-error.js'
import {formatBytes} from './byte-limit.js'
import {removeAtExit} from './temporary-files.js'
import {nodeCrypto} from '../support/node-crypto.js'

export interface SpooledFile {
  /** A regular file nobody else can read or change (0600 in a fresh 0700 directory). */
  path: string
  size: number
  /** Hex SHA-256 of what was read. */
  sha256: string
  /** Removes the copy now; it is removed at exit (and on SIGINT/SIGTERM/SIGHUP) anyway. */
  remove(): void
}

export interface SpoolOptions {
  /** Names the input in errors, e.g. `--document`. */
  field: string
  /** A longer input is refused, not cut: a truncated file is a broken file. */
  maxBytes: number
  /** @default os.tmpdir() (honours TMPDIR) */
  parentDir?: string
}

/**
 * Copies a stream that can be read only once (stdin, a pipe, a FIFO) to a private temporary file, so that every
 * chat and every retry uploads the same bytes. Memory stays flat whatever the size.
 */
export async function spoolToPrivateFile(stream: NodeJS.ReadableStream, {field, maxBytes, parentDir = tmpdir()}: SpoolOptions): Promise<SpooledFile> {
  const directory = await mkdtemp(join(parentDir, 'fastpay-tg-upload-'))
  const remove = removeAtExit(directory)
  try {
    await chmod(directory, 0o700)
    const path = join(directory, 'upload')
    const hash = nodeCrypto().createHash('sha256')
    let size = 0
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length
        if (size > maxBytes) {
          callback(new UserError(`${field}: the input is larger than ${formatBytes(maxBytes)}: raise --max-bytes, or send a smaller file`))
          return
        }
        hash.update(chunk)
        callback(null, chunk)
      },
    })
    await pipeline(stream, measure, createWriteStream(path, {flags: 'wx', mode: 0o600}))
    return {path, size, sha256: hash.digest('hex'), remove}
  } catch (error) {
    remove()
    throw error
  }
}
