import {htmlSyntax} from './html-syntax.js'
import {markdownV2Syntax} from './markdown-v2-syntax.js'
import type {ParseMode} from './parse-mode.js'
import {MESSAGE_LIMIT} from './split-message.js'
import {type OpenMarker, plainSyntax, type SplitSyntax, type Token} from './split-tokens.js'

export interface FitOptions {
  parseMode?: ParseMode
  /** Most characters the reader sees (Telegram counts after parsing the markup). @default 4096 */
  limit?: number
}

export interface FittedMessage {
  text: string
  /** True when the text was cut (and ends with `…`). */
  cut: boolean
}

const ELLIPSIS = '…'
/** A cut at a space or line break is worth losing at most this share of the room. */
const MAX_BACKTRACK = 0.2

function syntaxFor(parseMode: ParseMode | undefined): SplitSyntax {
  if (parseMode === 'HTML') return htmlSyntax
  if (parseMode === 'MarkdownV2') return markdownV2Syntax
  return plainSyntax
}

/**
 * What Telegram counts for a token: an HTML entity (`&amp;`) is one character; everything else as the splitter sees
 * it (UTF-16 units, which never undercounts; a MarkdownV2 link counts its URL too, which only errs on the safe side).
 */
function shownLength(token: Token, parseMode: ParseMode | undefined): number {
  if (parseMode === 'HTML' && token.raw.length > 1 && token.raw.startsWith('&') && token.visible === token.raw) return 1
  return token.visible.length
}

/** The length of `text` as the reader sees it, after Telegram has parsed the markup. */
export function shownTextLength(text: string, parseMode?: ParseMode): number {
  return syntaxFor(parseMode).tokenize(text).reduce((sum, token) => sum + shownLength(token, parseMode), 0)
}

/**
 * Keeps a text to one message: text that fits comes back as it is; longer text is cut between tokens (never inside
 * a tag, entity, escape or link), preferably at a line break or space, formatting open there is closed, and `…`
 * marks the cut. Unlike `splitMessage`, lengths are counted as Telegram counts them, so escaped text is not cut early.
 */
export function fitMessage(text: string, options: FitOptions = {}): FittedMessage {
  const {parseMode} = options
  const limit = options.limit ?? MESSAGE_LIMIT
  const syntax = syntaxFor(parseMode)
  const tokens = syntax.tokenize(text)
  const lengths = tokens.map((token) => shownLength(token, parseMode))
  if (lengths.reduce((sum, length) => sum + length, 0) <= limit) return {text, cut: false}

  const budget = limit - ELLIPSIS.length
  let shown = 0
  let end = 0
  while (end < tokens.length && shown + lengths[end]! <= budget) shown += lengths[end++]!
  end = preferBreak(tokens, end, budget, shown, lengths)
  const stack: OpenMarker[] = []
  for (const token of tokens.slice(0, end)) {
    if (token.opens) stack.push(token.opens)
    else if (token.closes) stack.pop()
  }
  const kept = tokens.slice(0, end).map((token) => token.raw).join('').replace(/\s+$/, '')
  return {text: kept + ELLIPSIS + syntax.close(stack, undefined), cut: true}
}

/** Moves the cut back to just after the last space or line break, unless that loses too much. */
function preferBreak(tokens: readonly Token[], end: number, budget: number, shown: number, lengths: readonly number[]): number {
  let lost = 0
  for (let index = end; index > 0; index--) {
    if (/\s$/.test(tokens[index - 1]!.visible)) return index
    lost += lengths[index - 1]!
    if (lost > budget * MAX_BACKTRACK || shown - lost <= 0) break
  }
  return end
}
