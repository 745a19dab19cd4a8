import {htmlSyntax} from './html-syntax.js'
import {markdownV2Syntax} from './markdown-v2-syntax.js'
import type {ParseMode} from './parse-mode.js'
import {splitWithSyntax} from './split-engine.js'
import {plainSyntax, type SplitSyntax} from './split-tokens.js'

/** Most characters in a message text. */
export const MESSAGE_LIMIT = 4096
/** Most characters in a media caption. */
export const CAPTION_LIMIT = 1024

export interface SplitOptions {
  /**
   * Most UTF-16 code units per part, counted on the raw text (tags and escapes included), so a part never exceeds
   * what Telegram counts after parsing. @default 4096
   */
  limit?: number
  /**
   * How Telegram will parse the parts; formatting open at a cut is closed and re-opened.
   * @default undefined (plain text)
   */
  parseMode?: ParseMode
}

/** What `splitCaption` returns: a caption for the media and the messages to send after it. */
export interface CaptionSplit {
  /** '' when the text is blank. */
  caption: string
  rest: string[]
}

function syntaxFor(parseMode: ParseMode | undefined): SplitSyntax {
  if (parseMode === 'HTML') return htmlSyntax
  if (parseMode === 'MarkdownV2') return markdownV2Syntax
  return plainSyntax
}

/**
 * Splits a message into parts Telegram accepts, cutting preferably after a blank line, then a line break, then a
 * space, and otherwise between two code points. Text that fits comes back untouched; blank text gives `[]`.
 */
export function splitMessage(text: string, options: SplitOptions = {}): string[] {
  const limit = options.limit ?? MESSAGE_LIMIT
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`)
  return splitWithSyntax(text, syntaxFor(options.parseMode), () => limit)
}

/** Splits text sent with media: the first part (at most 1024) is the caption, the rest (at most 4096 each) follow. */
export function splitCaption(text: string, parseMode?: ParseMode): CaptionSplit {
  const limitFor = (partIndex: number) => (partIndex === 0 ? CAPTION_LIMIT : MESSAGE_LIMIT)
  const [caption = '', ...rest] = splitWithSyntax(text, syntaxFor(parseMode), limitFor)
  return {caption, rest}
}
