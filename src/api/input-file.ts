import {createWriteStream} from 'node:fs'
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {UserError} from '../user-error.js'

/** A file to send: a local path, a stream (stdin), or something Telegram fetches or already has. */
export type InputFileSource =
  | {path: string; /** @default the path's base name */ filename?: string}
  | {url: string}
  | {fileId: string}
  | {stream: NodeJS.ReadableStream; filename: string}

/** A file on disk to upload in a multipart body, ready to be sent (and re-sent on retry). */
export class LocalUpload {
  constructor(
    readonly path: string,
    readonly filename: string,
  ) {}
}

/** The parameters that carry files; elsewhere an object with `url` is just an object (link_preview_options). */
const FILE_PARAMETERS = new Set([
  'photo', 'document', 'audio', 'video', 'animation', 'voice', 'video_note', 'sticker', 'thumbnail', 'certificate',
])

export function isInputFileSource(value: unknown): value is InputFileSource {
  if (typeof value !== 'object' || value === null) return false
  return 'path' in value || 'url' in value || 'fileId' in value || 'stream' in value
}

/** Whether any parameter is a file to stage: most calls (every sendMessage) have none, and skip staging. */
export function hasFileSource(params: Record<string, unknown>): boolean {
  for (const name in params) if (FILE_PARAMETERS.has(name) && isInputFileSource(params[name])) return true
  return false
}

export interface StagedParams {
  params: Record<string, unknown>
  /** Removes the temporary copies of streams. */
  cleanup(): Promise<void>
}

/**
 * Turns file sources into what goes on the wire: URLs and file_ids become strings, paths become LocalUploads, and
 * a stream is first copied to a temporary file so that a retry can send it again.
 */
export async function stageFiles(params: Record<string, unknown>): Promise<StagedParams> {
  const staged: Record<string, unknown> = {}
  const temporaryDirectories: string[] = []
  const cleanup = async () => {
    await Promise.all(temporaryDirectories.map((directory) => rm(directory, {recursive: true, force: true})))
  }
  try {
    for (const [name, value] of Object.entries(params)) {
      staged[name] = FILE_PARAMETERS.has(name) && isInputFileSource(value) ? await stage(value, temporaryDirectories) : value
    }
  } catch (error) {
    await cleanup()
    throw error
  }
  return {params: staged, cleanup}
}

async function stage(source: InputFileSource, temporaryDirectories: string[]): Promise<string | LocalUpload> {
  if ('url' in source) return source.url
  if ('fileId' in source) return source.fileId
  if ('path' in source) {
    await assertReadableFile(source.path)
    return new LocalUpload(source.path, source.filename ?? basename(source.path))
  }
  const directory = await mkdtemp(join(tmpdir(), 'fastpay-tg-upload-'))
  temporaryDirectories.push(directory)
  const path = join(directory, 'upload')
  await pipeline(source.stream, createWriteStream(path))
  return new LocalUpload(path, source.filename)
}

async function assertReadableFile(path: string): Promise<void> {
  let isFile: boolean
  try {
    isFile = (await stat(path)).isFile()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError(`cannot upload ${path}: ${code === 'ENOENT' ? 'no such file' : String(code ?? error)}`)
  }
  if (!isFile) throw new UserError(`cannot upload ${path}: not a regular file`)
}
