import {readFile} from 'node:fs/promises'

import {UserError} from '../user-error.js'

export interface TextSources {
  /** The positional argument; `-` means stdin. */
  argument?: string
  /** `--file PATH`; `-` means stdin. */
  file?: string
  stdin: NodeJS.ReadableStream & {isTTY?: boolean}
  /** stdin already carries something else (a document), so it is not text. */
  stdinTaken?: boolean
}

/**
 * The message text from exactly one place: the argument, `--file`, or piped stdin. Returns undefined when none
 * was given (a photo or document may need no text).
 */
export async function readText({argument, file, stdin, stdinTaken = false}: TextSources): Promise<string | undefined> {
  if (argument !== undefined && file !== undefined) {
    throw new UserError('TEXT and --file: give the text in one place, not both')
  }
  const wantsStdin = argument === '-' || file === '-'
  if (wantsStdin && stdinTaken) throw new UserError('--file: stdin already carries the document; give the text as an argument')
  if (wantsStdin || (argument === undefined && file === undefined && !stdinTaken && stdin.isTTY !== true)) {
    const text = await readStream(stdin)
    return text === '' && !wantsStdin ? undefined : text
  }
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8')
    } catch (error) {
      throw new UserError(`--file: cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
    }
  }
  return argument
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}
