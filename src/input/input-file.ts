import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {basename} from 'node:path'

import type {InputFileSource} from '../api/index.js'
import {UserError} from '../user-error.js'
import {DEFAULT_MAX_BYTES, EMPTY_FILE_REFUSED, formatBytes, photoTooLarge, TELEGRAM_PHOTO_BYTES} from './byte-limit.js'
import {spoolToPrivateFile} from './spool.js'

export interface InputFile {
  source: InputFileSource
  /** Removes the temporary copy of a piped input (also done at exit); nothing for other sources. */
  dispose(): void
}

export interface InputFileOptions {
  stdin: NodeJS.ReadableStream
  /** The name shown in the chat; @default the path's base name, else `photo.jpg` or `document` */
  filename?: string
  /** Most bytes taken (from a pipe or a path); more is an error. A `--photo` never passes 10 MB. @default DEFAULT_MAX_BYTES.upload */
  maxBytes?: number
}

/**
 * A `--photo` / `--document` value: an http(s) URL lets Telegram fetch it; a regular file is uploaded from its path;
 * `-` (stdin), a FIFO or a device is read once into a private temporary file, so that every chat and every retry
 * gets the same bytes. Errors name the flag before any request is made.
 */
export async function openInputFile(field: string, value: string, options: InputFileOptions): Promise<InputFile> {
  const fallbackName = field === '--photo' ? 'photo.jpg' : 'document'
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES.upload
  if (/^https?:\/\//i.test(value)) return {source: {url: value}, dispose: () => {}}
  if (value === '-') return spooled(field, options.stdin, options.filename ?? fallbackName, maxBytes)
  let kind: 'file' | 'stream'
  let size: number
  try {
    const stats = await stat(value)
    if (stats.isDirectory()) throw Object.assign(new Error('a directory'), {code: 'EISDIR'})
    kind = stats.isFile() ? 'file' : 'stream'
    size = stats.size
  } catch (error) {
    throw new UserError(`${field}: cannot read "${value}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  const filename = options.filename ?? basename(value)
  if (kind === 'stream') return spooled(field, createReadStream(value), filename, maxBytes)
  // Telegram refuses both, per chat and after the whole upload: each chat would cost a full upload for an exit 1.
  if (size === 0) throw new UserError(`${field}: "${value}" is empty: ${EMPTY_FILE_REFUSED}`)
  if (field === '--photo' && size > TELEGRAM_PHOTO_BYTES && maxBytes >= TELEGRAM_PHOTO_BYTES) {
    throw new UserError(`${field}: "${value}" ${PHOTO_TOO_LARGE}`)
  }
  if (size > maxBytes) {
    const why = options.maxBytes === undefined ? ", Telegram's upload limit for bots: raise --max-bytes (a local Bot API server takes more)" : ': raise --max-bytes'
    throw new UserError(`${field}: "${value}" is larger than ${formatBytes(maxBytes)}${why}, or send a smaller file`)
  }
  try {
    // Opening (not just access()) catches a file we may see but not read, before any chat gets a request.
    await (await open(value, 'r')).close()
  } catch (error) {
    throw new UserError(`${field}: cannot read "${value}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  return {source: {path: value, filename}, dispose: () => {}}
}

// --max-bytes says how much we read; it cannot lift Telegram's photo limit, so the photo check stands beside it.
const PHOTO_TOO_LARGE = photoTooLarge(`send it with --document (up to ${formatBytes(DEFAULT_MAX_BYTES.upload)}), or a smaller image`)

async function spooled(field: string, stream: NodeJS.ReadableStream, filename: string, maxBytes: number): Promise<InputFile> {
  const copy = await spoolToPrivateFile(stream, {field, maxBytes})
  if (copy.size === 0) {
    copy.remove()
    throw new UserError(`${field}: the input is empty: ${EMPTY_FILE_REFUSED}`)
  }
  if (field === '--photo' && copy.size > TELEGRAM_PHOTO_BYTES) {
    copy.remove()
    throw new UserError(`${field}: the input ${PHOTO_TOO_LARGE}`)
  }
  return {source: {path: copy.path, filename}, dispose: copy.remove}
}
