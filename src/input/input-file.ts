import {accessSync, constants, statSync} from 'node:fs'
import {basename} from 'node:path'

import type {InputFileSource} from '../api/index.js'
import {UserError} from '../user-error.js'

/**
 * A `--photo` / `--document` value: `-` streams stdin, an http(s) URL lets Telegram fetch it, anything else is a
 * local file, checked here so the error names the flag before any request is made.
 */
export function inputFileFrom(field: string, value: string, stdin: NodeJS.ReadableStream, filename?: string): InputFileSource {
  if (value === '-') return {stream: stdin, filename: filename ?? (field === '--photo' ? 'photo.jpg' : 'document')}
  if (/^https?:\/\//i.test(value)) return {url: value}
  try {
    accessSync(value, constants.R_OK)
    if (!statSync(value).isFile()) throw Object.assign(new Error('not a file'), {code: 'EISDIR'})
  } catch (error) {
    throw new UserError(`${field}: cannot read "${value}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  return {path: value, filename: filename ?? basename(value)}
}
