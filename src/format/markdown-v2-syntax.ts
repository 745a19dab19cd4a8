import {codePointAt, codePointToken, type OpenMarker, type SplitSyntax, type Token} from './split-tokens.js'

// Mirrors how the Bot API reads MarkdownV2: a delimiter closes the innermost entity when it matches it and opens a
// new one otherwise; inside code only the closing backticks matter; `__` is read greedily before `_`.
const DELIMITERS: ReadonlyArray<readonly [string, string]> = [
  ['__', 'underline'],
  ['||', 'spoiler'],
  ['*', 'bold'],
  ['_', 'italic'],
  ['~', 'strike'],
]

/** An empty bold entity: the Bot API docs' own way to keep `_` and `__` apart when they meet. */
const UNDERSCORE_SEPARATOR = '**'

function unescapedIndexOf(text: string, char: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    if (text[index] === '\\') index++
    else if (text[index] === char) return index
  }
  return -1
}

/**
 * `[label](url)`, `[label]` (Telegram takes the label as the URL) or a custom emoji `![👍](tg://emoji?id=...)`, kept
 * whole: its URL cannot be re-opened later, and a cut before its `]` is refused.
 */
function linkAt(text: string, index: number): string | undefined {
  const labelStart = text[index] === '!' ? index + 1 : index
  if (text[labelStart] !== '[') return undefined
  const labelEnd = unescapedIndexOf(text, ']', labelStart + 1)
  if (labelEnd < 0) return undefined
  if (text[labelEnd + 1] !== '(') return labelStart === index ? text.slice(index, labelEnd + 1) : undefined
  const urlEnd = unescapedIndexOf(text, ')', labelEnd + 2)
  return urlEnd < 0 ? undefined : text.slice(index, urlEnd + 1)
}

/**
 * A code block fence. The language is a run of non-space characters followed by whitespace; one newline after it
 * is not content. Re-opening always ends with a newline, so the next part's first word is never taken as a language.
 */
function fenceToken(text: string, index: number): Token {
  let languageEnd = index + 3
  while (languageEnd < text.length && !/[\s`]/.test(text[languageEnd]!)) languageEnd++
  const hasLanguage = languageEnd > index + 3 && languageEnd < text.length && text[languageEnd] !== '`'
  const language = hasLanguage ? text.slice(index + 3, languageEnd) : ''
  let end = hasLanguage ? languageEnd : index + 3
  if (text.startsWith('\r\n', end)) end += 2
  else if (text[end] === '\n') end += 1
  const marker: OpenMarker = {name: 'pre', open: `\`\`\`${language}\n`, close: '```'}
  return {raw: text.slice(index, end), visible: '', opens: marker}
}

/** `||` ending the last line of an expandable block quote (`**>...||`): not a spoiler. */
function isExpandableQuoteEnd(text: string, index: number, top: OpenMarker | undefined): boolean {
  if (top?.name === 'spoiler' || !text.startsWith('||', index)) return false
  const after = index + 2
  if (after < text.length && text[after] !== '\n' && text[after] !== '\r') return false
  const lineStart = text.lastIndexOf('\n', index - 1) + 1
  return text.startsWith('>', lineStart) || text.startsWith('**>', lineStart)
}

function delimiterToken(delimiter: string, name: string, stack: OpenMarker[]): Token {
  if (stack.at(-1)?.name === name) {
    stack.pop()
    return {raw: delimiter, visible: '', closes: true}
  }
  const marker: OpenMarker = {name, open: delimiter, close: delimiter}
  stack.push(marker)
  return {raw: delimiter, visible: '', opens: marker}
}

function nextToken(text: string, index: number, stack: OpenMarker[]): Token {
  const top = stack.at(-1)
  if (text[index] === '\\' && index + 1 < text.length) {
    const escaped = codePointAt(text, index + 1)
    return {raw: `\\${escaped}`, visible: escaped}
  }
  if (top?.name === 'pre' || top?.name === 'code') {
    const closer = top.name === 'pre' ? '```' : '`'
    if (!text.startsWith(closer, index)) return codePointToken(text, index)
    stack.pop()
    return {raw: closer, visible: '', closes: true}
  }
  if (text.startsWith('```', index)) {
    const fence = fenceToken(text, index)
    stack.push(fence.opens!)
    return fence
  }
  if (text[index] === '`') return delimiterToken('`', 'code', stack)
  const link = linkAt(text, index)
  if (link) return {raw: link, visible: link}
  if (isExpandableQuoteEnd(text, index, top)) return {raw: '||', visible: ''}
  const delimiter = DELIMITERS.find(([candidate]) => text.startsWith(candidate, index))
  return delimiter ? delimiterToken(delimiter[0], delimiter[1], stack) : codePointToken(text, index)
}

/**
 * `text` up to a link (or custom emoji) it starts but does not finish: cut input can end inside `[label](url)`, and
 * Telegram refuses a `[` whose `]` is missing, or a `(` whose `)` is ("Can't find end of TextUrl entity").
 */
export function withoutOpenLink(text: string): string {
  const stack: OpenMarker[] = []
  let offset = 0
  for (const token of tokenizeMarkdownV2(text)) {
    const inCode = stack.at(-1)?.name === 'pre' || stack.at(-1)?.name === 'code'
    if (!inCode && token.raw === '[' && !linkEnds(text, offset)) return text.slice(0, text[offset - 1] === '!' && text[offset - 2] !== '\\' ? offset - 1 : offset)
    if (token.opens) stack.push(token.opens)
    else if (token.closes) stack.pop()
    offset += token.raw.length
  }
  return text
}

/** A `[` at `index` that Telegram can close: its `]`, and the `)` of a `(` right after it. */
function linkEnds(text: string, index: number): boolean {
  const labelEnd = unescapedIndexOf(text, ']', index + 1)
  if (labelEnd < 0) return false
  return text[labelEnd + 1] !== '(' || unescapedIndexOf(text, ')', labelEnd + 2) >= 0
}

function tokenizeMarkdownV2(text: string): Token[] {
  const tokens: Token[] = []
  const stack: OpenMarker[] = []
  for (let index = 0; index < text.length; ) {
    const token = nextToken(text, index, stack)
    tokens.push(token)
    index += token.raw.length
  }
  return tokens
}

const isDelimiter = (token: Token | undefined): boolean => token?.opens !== undefined || token?.closes === true

function joinDelimiters(delimiters: readonly string[]): string {
  let joined = ''
  for (const delimiter of delimiters) {
    if (joined.endsWith('_') && delimiter.startsWith('_')) joined += UNDERSCORE_SEPARATOR
    joined += delimiter
  }
  return joined
}

/** MarkdownV2: escapes, links and fences are never cut; entities open at a cut close and re-open, code blocks too. */
export const markdownV2Syntax: SplitSyntax = {
  tokenize: tokenizeMarkdownV2,
  // Inside code a line start means nothing, and the line break belongs to the code.
  closeBeforeLineEnd: (stack) => stack.length > 0 && !['pre', 'code'].includes(stack.at(-1)!.name),
  reopen(stack, next) {
    const opening = joinDelimiters(stack.map((marker) => marker.open))
    const touches = isDelimiter(next) && opening.endsWith('_') && next!.raw.startsWith('_')
    return touches ? opening + UNDERSCORE_SEPARATOR : opening
  },
  close(stack, previous) {
    const closing = joinDelimiters(stack.map((marker) => marker.close).reverse())
    const touches = isDelimiter(previous) && previous!.raw.endsWith('_') && closing.startsWith('_')
    return touches ? UNDERSCORE_SEPARATOR + closing : closing
  },
}
