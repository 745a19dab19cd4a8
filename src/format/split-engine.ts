import {redact} from '../redact.js'
import {UserError} from '../user-error.js'
import type {OpenMarker, SplitSyntax, Token} from './split-tokens.js'

/** How good a place to cut is, judged by the visible characters just before it: higher is better. */
const Rank = {anywhere: 0, space: 1, line: 2, paragraph: 3} as const

function boundaryRanks(tokens: readonly Token[]): number[] {
  const ranks: number[] = [Rank.anywhere]
  let last = ''
  let previous = ''
  for (const token of tokens) {
    for (const char of token.visible) {
      if (char === '\r') continue
      previous = last
      last = char
    }
    if (last === '\n') ranks.push(previous === '\n' ? Rank.paragraph : Rank.line)
    else ranks.push(last === ' ' || last === '\t' ? Rank.space : Rank.anywhere)
  }
  return ranks
}

function applyToken(stack: OpenMarker[], token: Token): void {
  if (token.opens) stack.push(token.opens)
  else if (token.closes) stack.pop()
}

const isBlank = (token: Token): boolean => token.visible.trim() === ''

function preview(raw: string): string {
  const codePoints = Array.from(raw)
  return JSON.stringify(codePoints.length > 40 ? `${codePoints.slice(0, 40).join('')}…` : raw)
}

/**
 * A better separator is worth a shorter part only down to half the longest part that fits: a heading followed by
 * a blank line should not become a message of its own.
 */
const MIN_FILL = 0.5

/**
 * The end of the part starting at `start`: among the cuts whose part, with the formatting re-opened before it and
 * closed after it, stays within `limit` and is at least `MIN_FILL` of the longest such part, the last of the best rank.
 */
function chooseEnd(tokens: readonly Token[], ranks: readonly number[], start: number, stack: readonly OpenMarker[],
  syntax: SplitSyntax, limit: number): number {
  const prefixLength = syntax.reopen(stack, tokens[start]).length
  const running = [...stack]
  let contentLength = 0
  let hasText = false
  const cuts: Array<{end: number; length: number}> = []
  let fallback: number | undefined
  for (let index = start; index < tokens.length; index++) {
    const token = tokens[index]!
    contentLength += token.raw.length
    if (prefixLength + contentLength > limit) break
    applyToken(running, token)
    hasText ||= !isBlank(token)
    const end = index + 1
    if (prefixLength + contentLength + syntax.close(running, token).length > limit) continue
    if (end === tokens.length) return end
    // A cut right after an opening or right before a closing leaves formatting with nothing inside: last resort.
    const awkward = token.opens !== undefined || tokens[end]!.closes === true
    if (!hasText || awkward) fallback = end
    else cuts.push({end, length: contentLength})
  }
  const longest = cuts.at(-1)
  if (longest) {
    let best = longest
    for (const cut of cuts) {
      if (cut.length >= longest.length * MIN_FILL && ranks[cut.end]! >= ranks[best.end]!) best = cut
    }
    return best.end
  }
  if (fallback !== undefined) return fallback
  const first = tokens[start]!
  const afterFirst = [...stack]
  applyToken(afterFirst, first)
  const need = prefixLength + first.raw.length + syntax.close(afterFirst, first).length
  throw new UserError(redact(`message text: ${preview(first.raw)} needs ${need} characters with the ` +
    `formatting around it, but a part holds at most ${limit}`))
}

function assertBalanced(tokens: readonly Token[]): void {
  const stack: OpenMarker[] = []
  for (const token of tokens) applyToken(stack, token)
  const unclosed = stack.at(-1)
  if (unclosed) {
    throw new UserError(redact(`message text: ${preview(unclosed.open)} is opened but never closed, so the text ` +
      'cannot be split safely (escape it if it is meant literally)'))
  }
}

/** Where the whitespace ending `body` begins, if it breaks the line; else the end of `body`. */
function trailingLineEnd(body: readonly Token[]): number {
  const isSpace = (token: Token) => token.visible !== '' && token.opens === undefined && token.visible.trim() === ''
  let start = body.length
  while (start > 0 && isSpace(body[start - 1]!)) start--
  return body.slice(start).some((token) => /[\r\n]/.test(token.visible)) ? start : body.length
}

/**
 * Splits `text` into parts of at most `limitFor(partIndex)` UTF-16 code units, each one valid on its own in
 * `syntax`. Text that fits is returned untouched; blank parts are left out (Telegram refuses empty messages).
 */
export function splitWithSyntax(text: string, syntax: SplitSyntax, limitFor: (partIndex: number) => number): string[] {
  const tokens = syntax.tokenize(text)
  if (tokens.every(isBlank)) return []
  if (text.length <= limitFor(0)) return [text]
  assertBalanced(tokens)
  const ranks = boundaryRanks(tokens)
  const parts: string[] = []
  let stack: OpenMarker[] = []
  for (let start = 0; start < tokens.length; ) {
    const end = chooseEnd(tokens, ranks, start, stack, syntax, limitFor(parts.length))
    const body = tokens.slice(start, end)
    const stackAtEnd = [...stack]
    for (const token of body) applyToken(stackAtEnd, token)
    if (!body.every(isBlank)) {
      const closeAt = syntax.closeBeforeLineEnd?.(stackAtEnd) ? trailingLineEnd(body) : body.length
      const raw = (from: number, to?: number) => body.slice(from, to).map((token) => token.raw).join('')
      const closing = syntax.close(stackAtEnd, body[closeAt - 1])
      parts.push(syntax.reopen(stack, body[0]) + raw(0, closeAt) + closing + raw(closeAt))
    }
    stack = stackAtEnd
    start = end
  }
  return parts
}
