// The vocabulary shared by the splitter and the parse-mode syntaxes it knows.

/** Formatting open at some point of the text: what re-opens it at the start of the next part and what closes it. */
export interface OpenMarker {
  /** Tag name or delimiter kind, such as `b`, `pre` or `underline`. */
  readonly name: string
  readonly open: string
  readonly close: string
}

/** The smallest piece a split may not cut: one code point, an HTML tag or entity, a MarkdownV2 escape or link. */
export interface Token {
  readonly raw: string
  /** What the reader sees: '' for tags and delimiters. Line breaks and blank parts are found from it. */
  readonly visible: string
  /** The formatting this token opens. */
  readonly opens?: OpenMarker
  /** True when this token closes the innermost open formatting. */
  readonly closes?: boolean
}

/** How one parse mode cuts text into tokens and writes the formatting that must close and re-open around a split. */
export interface SplitSyntax {
  tokenize(text: string): Token[]
  /** Text that re-opens `stack` (outermost first) at the start of a part whose first token is `next`. */
  reopen(stack: readonly OpenMarker[], next: Token | undefined): string
  /** Text that closes `stack` (innermost first) at the end of a part whose last token is `previous`. */
  close(stack: readonly OpenMarker[], previous: Token | undefined): string
  /**
   * True when the text closing `stack` goes before the whitespace (with a line break) a part ends with, not after
   * it: in MarkdownV2 a delimiter on a new line ends a block quote first, and an entity opened inside the quote is
   * then never closed. @default never
   */
  closeBeforeLineEnd?(stack: readonly OpenMarker[]): boolean
}

/** The code point starting at `index`, both halves of a surrogate pair together so no cut lands between them. */
export function codePointAt(text: string, index: number): string {
  const code = text.charCodeAt(index)
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
    const next = text.charCodeAt(index + 1)
    if (next >= 0xdc00 && next <= 0xdfff) return text.slice(index, index + 2)
  }
  return text.charAt(index)
}

/** A token for the single code point at `index`. */
export function codePointToken(text: string, index: number): Token {
  const char = codePointAt(text, index)
  return {raw: char, visible: char}
}

/** Text without a parse mode: nothing but code points, nothing to close or re-open. */
export const plainSyntax: SplitSyntax = {
  tokenize(text) {
    const tokens: Token[] = []
    for (let index = 0; index < text.length; ) {
      const token = codePointToken(text, index)
      tokens.push(token)
      index += token.raw.length
    }
    return tokens
  },
  reopen: () => '',
  close: () => '',
}
