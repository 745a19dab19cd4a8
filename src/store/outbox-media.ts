// The outbox's copies of files waiting to be sent (`send --outbox`, see src/outbox/spooled-file.ts) as every
// backend meets them: checked before each delivery, removed with the file outbox's entry.
import {createReadStream} from 'node:fs'
import {rm} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import type {SpooledMedia} from './outbox-types.js'
import {nodeCrypto} from '../support/node-crypto.js'

/** Where the outbox keeps its copies of files waiting to be sent: `<state>/outbox/files`. */
export const spooledFilesDirIn = (outboxDir: string) => join(outboxDir, 'files')

/**
 * Why the outbox's copy of `media` cannot be sent (gone, or not the bytes spooled), undefined when it can, or when
 * Telegram fetches it by URL. Errors other than "no such file" (a state dir unreadable for now) are thrown: the
 * entry then waits, it is not given up.
 */
export async function spooledFileProblem(media: SpooledMedia | undefined): Promise<string | undefined> {
  if (media === undefined || !('path' in media.source) || media.sha256 === undefined) return undefined
  const {path, filename} = media.source
  const hash = nodeCrypto().createHash('sha256')
  let size = 0
  try {
    for await (const chunk of createReadStream(path)) {
      size += (chunk as Buffer).length
      hash.update(chunk as Buffer)
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return `the outbox's copy of "${filename}" (${path}) is gone: not sent`
    throw error
  }
  if (size === media.size && hash.digest('hex') === media.sha256) return undefined
  return `the outbox's copy of "${filename}" (${path}) changed since it was spooled: not sent`
}

/** Removes the outbox's copy of `media` once its entry is gone; never a file outside `<outboxDir>/files`. */
export async function removeSpooledFile(media: SpooledMedia | undefined, outboxDir: string): Promise<void> {
  if (media === undefined || !('path' in media.source)) return
  const path = resolve(media.source.path)
  if (dirname(path) !== resolve(spooledFilesDirIn(outboxDir))) return
  await rm(path, {force: true})
}
