import {createReadStream} from 'node:fs'

import {escapeMarkdownV2, fitMessage, type ParseMode, shownTextLength, withoutOpenLink} from '../format/index.js'
import {UserError} from '../user-error.js'
import {DEFAULT_MAX_BYTES, formatBytes} from './byte-limit.js'

export interface TextSources {
  /** The positional argument; `-` means stdin. */
  argument?: string
  /** `--file PATH`; `-` means stdin. */
  file?: string
  stdin: NodeJS.ReadableStream & {isTTY?: boolean}
  /** stdin already carries something else (a document), so it is not text. */
  stdinTaken?: boolean
  /**
   * The text is a caption (a photo or document goes with it): stdin is read only when asked for (`-`). A shell loop's
   * `while read f; do send --document "$f"; done` keeps its list on stdin, and ssh or a service may never close it.
   * @default false
   */
  captionOnly?: boolean
  /**
   * Most bytes taken from the source. Reading stops there (memory stays flat and the command does not wait for a
   * writer that never stops); the text is cut with a note saying so. @default DEFAULT_MAX_BYTES.sendText (1 MiB)
   */
  maxBytes?: number
  /** How the text will be parsed, so the cut never leaves a broken tag or escape. @default plain text */
  parseMode?: ParseMode
  /** Told once, in one line, when the text was cut. */
  warn?: (line: string) => void
}

/**
 * The message text from exactly one place: the argument, `--file`, or piped stdin, at most `maxBytes` of it. Returns
 * undefined when none was given (a photo or document may need no text).
 */
export async function readText(sources: TextSources): Promise<string | undefined> {
  const {argument, file, stdin, stdinTaken = false, captionOnly = false} = sources
  if (argument !== undefined && file !== undefined) {
    throw new UserError('TEXT and --file: give the text in one place, not both')
  }
  const maxBytes = sources.maxBytes ?? DEFAULT_MAX_BYTES.sendText
  const wantsStdin = argument === '-' || file === '-'
  if (wantsStdin && stdinTaken) throw new UserError('--file: stdin already carries the document; give the text as an argument')
  let read: BoundedRead
  if (wantsStdin || (argument === undefined && file === undefined && !stdinTaken && !captionOnly && stdin.isTTY !== true)) {
    read = await readBounded(stdin, maxBytes)
    if (read.bytes.length === 0 && !read.more && !wantsStdin) return undefined
  } else if (file !== undefined) {
    try {
      read = await readBounded(createReadStream(file), maxBytes)
    } catch (error) {
      throw new UserError(`--file: cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
    }
  } else if (argument === undefined) {
    return undefined
  } else {
    const bytes = Buffer.from(argument)
    read = {bytes: bytes.subarray(0, maxBytes), more: bytes.length > maxBytes}
  }
  if (!read.more) return read.bytes.toString('utf8')
  sources.warn?.(`the text is longer than ${formatBytes(maxBytes)}: sent the first ${formatBytes(maxBytes)}, cut with a note (--max-bytes to change)`)
  return cutWithNote(read.bytes, maxBytes, sources.parseMode)
}

interface BoundedRead {
  bytes: Buffer
  /** More input followed; it was not read. */
  more: boolean
}

async function readBounded(stream: NodeJS.ReadableStream, maxBytes: number): Promise<BoundedRead> {
  const chunks: Buffer[] = []
  let size = 0
  // Leaving the loop early destroys the stream: a writer that keeps going gets EPIPE instead of holding us up.
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    if (size + bytes.length > maxBytes) {
      chunks.push(bytes.subarray(0, maxBytes - size))
      return {bytes: Buffer.concat(chunks), more: true}
    }
    chunks.push(bytes)
    size += bytes.length
  }
  return {bytes: Buffer.concat(chunks), more: false}
}

/**
 * The text as far as it was read, ending on a whole character, outside any tag, entity or escape, at a line break or
 * space when one is near the end, with the markup left open closed again; then `…` and a line saying the rest was
 * not sent.
 */
function cutWithNote(bytes: Buffer, maxBytes: number, parseMode: ParseMode | undefined): string {
  const cut = atBreak(withoutPartialMarkup(wholeCharacters(bytes), parseMode))
  // After the move back to a break, which may have taken a link's `]` or `)` and left its `[`.
  const text = parseMode === 'MarkdownV2' ? withoutOpenLink(cut) : cut
  const note = `[cut: the input was longer than ${formatBytes(maxBytes)}; the rest was not sent (--max-bytes to change)]`
  if (parseMode === 'MarkdownV2') {
    // Its entities nest in ways only the formatter's tokenizer knows: one character under what is shown makes it cut
    // between tokens (at most a word more), close what is open and add the `…`.
    const shown = shownTextLength(text, parseMode)
    // With nothing to show, the markup goes too: a lone `*||` would never be closed.
    return `${shown > 1 ? fitMessage(text, {parseMode, limit: shown - 1}).text : '…'}\n\n${escapeMarkdownV2(note)}`
  }
  return `${text}…${parseMode === 'HTML' ? closeHtml(text) : ''}\n\n${note}`
}

function withoutPartialMarkup(text: string, parseMode: ParseMode | undefined): string {
  if (parseMode === 'HTML') return text.replace(/<[^>]*$/, '').replace(/&#?\w*$/, '')
  if (parseMode === 'MarkdownV2') return text.replace(/(?<!\\)((?:\\\\)*)\\$/, '$1')
  return text
}

/** Back to just after the last line break (else space) in the last fifth of the text, when there is one. */
function atBreak(text: string): string {
  const floor = Math.floor(text.length * 0.8)
  for (const breaker of ['\n', ' ']) {
    const at = text.lastIndexOf(breaker)
    if (at >= floor && at > 0) return text.slice(0, at).replace(/\s+$/, '')
  }
  return text
}

/** Closing tags for the HTML elements still open at the end of `text`, innermost first. */
function closeHtml(text: string): string {
  const open: string[] = []
  for (const [, slash, name] of text.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*>/g)) {
    const tag = name!.toLowerCase()
    if (slash === '') open.push(tag)
    else if (open.lastIndexOf(tag) >= 0) open.splice(open.lastIndexOf(tag))
  }
  return open.reverse().map((tag) => `</${tag}>`).join('')
}

/** Drops a UTF-8 sequence the byte limit split, instead of ending on U+FFFD. */
function wholeCharacters(bytes: Buffer): string {
  let end = bytes.length
  let back = 0
  while (back < 4 && end - back - 1 >= 0 && (bytes[end - back - 1]! & 0xc0) === 0x80) back++
  const lead = bytes[end - back - 1]
  if (lead !== undefined && lead >= 0xc0) {
    const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2
    if (back + 1 < length) end -= back + 1
  }
  return bytes.subarray(0, end).toString('utf8')
}
