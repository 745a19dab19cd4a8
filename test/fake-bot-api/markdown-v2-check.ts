// Mirrors how Telegram (tdlib's parse_markdown_v2) reads parse_mode MarkdownV2, including its error texts, so that
// an unescaped character or an unclosed entity in our output fails here the way it would in production, and lengths
// are counted on the text the recipient sees (escapes and markers removed). Written from tdlib's algorithm and its
// test vectors (MessageEntities.parse_markdown in tdlib's test/message_entities.cpp); see markdown-v2-check.test.ts.

export type MarkdownV2ParseResult = {ok: true; text: string} | {ok: false; error: string}

type EntityType = 'Bold' | 'Italic' | 'Underline' | 'Strikethrough' | 'Spoiler' | 'Code' | 'Pre' | 'PreCode' | 'TextUrl' | 'CustomEmoji'

interface OpenEntity {
  type: EntityType
  /** UTF-8 byte offset of its opening marker in the raw text: Telegram's errors name it. */
  byteOffset: number
}

const RESERVED = '_*[]()~`>#+-=|{}.!'
const isCode = (type: EntityType | undefined) => type === 'Code' || type === 'Pre' || type === 'PreCode'
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f'

class MarkdownV2Error extends Error {}

const reserved = (c: string) => new MarkdownV2Error(`Character '${c}' is reserved and must be escaped with the preceding '\\'`)

/** Parses Telegram MarkdownV2 into its plain text, or returns the error Telegram puts after "can't parse entities: ". */
export function parseTelegramMarkdownV2(markdown: string): MarkdownV2ParseResult {
  try {
    return {ok: true, text: new MarkdownV2Reader(markdown).read()}
  } catch (error) {
    if (error instanceof MarkdownV2Error) return {ok: false, error: error.message}
    throw error
  }
}

class MarkdownV2Reader {
  private i = 0
  private output = ''
  private readonly open: OpenEntity[] = []
  /** How many entities were open when the current block quote began; undefined outside a block quote. */
  private quoteDepth: number | undefined
  /** After a line break (`\n` or `\r`) and no visible character since: a `>` here begins or continues a quote. */
  private lineStart = true
  /** The last line break was `\n`: only that ends a quote whose next line has no `>`. */
  private newLine = true

  constructor(private readonly text: string) {}

  read(): string {
    const text = this.text
    while (this.i < text.length) {
      if (this.lineStart && !isCode(this.top())) {
        if (this.readQuoteMarker()) {
          this.lineStart = false
          continue
        }
        if (this.quoteDepth !== undefined && this.newLine) this.endQuote()
      }
      const c = text[this.i]!
      const next = text.charCodeAt(this.i + 1)
      if (c === '\\' && next > 0 && next <= 126) {
        this.emit(text[this.i + 1]!)
        this.i += 2
        continue
      }
      const reservedHere = isCode(this.top()) ? '`' : RESERVED
      if (!reservedHere.includes(c)) {
        this.emit(c)
        this.i++
        continue
      }
      if (this.isEndOfTop(c)) this.closeTop()
      else if (this.quoteDepth !== undefined && this.isExpandableQuoteEnd()) this.i += 2
      else this.openEntity(c)
    }
    if (this.quoteDepth !== undefined) this.endQuote()
    const unclosed = this.open.at(-1)
    if (unclosed) throw new MarkdownV2Error(`Can't find end of ${unclosed.type} entity at byte offset ${unclosed.byteOffset}`)
    return this.output
  }

  private top(): EntityType | undefined {
    return this.open.at(-1)?.type
  }

  /** Entity markers between a line break and `>` (`*>quote*`) leave the line start as it was, as in tdlib. */
  private emit(c: string): void {
    this.output += c
    this.lineStart = c === '\n' || c === '\r'
    this.newLine = c === '\n'
  }

  /** `>` (or `**>`, an expandable quote) at a line start begins or continues a block quote; the marker is not text. */
  private readQuoteMarker(): boolean {
    const text = this.text
    if (text.startsWith('**>', this.i)) {
      if (this.quoteDepth !== undefined) this.endQuote()
      this.quoteDepth = this.open.length
      this.i += 3
      return true
    }
    if (text[this.i] !== '>') return false
    this.quoteDepth ??= this.open.length
    this.i++
    return true
  }

  /** A line without `>` ends the quote; an entity opened inside it must be closed by then. */
  private endQuote(): void {
    const inner = this.open.at(-1)
    if (inner && this.open.length > this.quoteDepth!) {
      throw new MarkdownV2Error(`Can't find end of ${inner.type} entity at byte offset ${inner.byteOffset}`)
    }
    this.quoteDepth = undefined
  }

  /** `||` that ends a quoted line (and the text or the quote) marks the quote expandable: not a spoiler. */
  private isExpandableQuoteEnd(): boolean {
    const text = this.text
    if (!text.startsWith('||', this.i)) return false
    const after = this.i + 2
    return after >= text.length || text[after] === '\n' || text[after] === '\r'
  }

  private isEndOfTop(c: string): boolean {
    const text = this.text
    switch (this.top()) {
      case 'Bold':
        return c === '*'
      case 'Italic':
        return c === '_' && text[this.i + 1] !== '_'
      case 'Underline':
        return c === '_' && text[this.i + 1] === '_'
      case 'Strikethrough':
        return c === '~'
      case 'Spoiler':
        return c === '|' && text[this.i + 1] === '|'
      case 'Code':
        return c === '`'
      case 'Pre':
      case 'PreCode':
        return text.startsWith('```', this.i)
      case 'TextUrl':
      case 'CustomEmoji':
        return c === ']'
      default:
        return false
    }
  }

  private openEntity(c: string): void {
    const text = this.text
    const byteOffset = Buffer.byteLength(text.slice(0, this.i))
    let type: EntityType
    let length = 1
    if (c === '_') {
      type = text[this.i + 1] === '_' ? 'Underline' : 'Italic'
      length = type === 'Underline' ? 2 : 1
    } else if (c === '*') type = 'Bold'
    else if (c === '~') type = 'Strikethrough'
    else if (c === '[') type = 'TextUrl'
    else if (c === '|' && text[this.i + 1] === '|') [type, length] = ['Spoiler', 2]
    else if (c === '!' && text[this.i + 1] === '[') [type, length] = ['CustomEmoji', 2]
    else if (c === '`' && text.startsWith('```', this.i)) {
      this.open.push({type: this.readFence(), byteOffset})
      return
    } else if (c === '`') type = 'Code'
    else throw reserved(c)
    this.open.push({type, byteOffset})
    this.i += length
  }

  /** ```` ``` ```` and an optional language (a word followed by whitespace); one newline after it is not content. */
  private readFence(): EntityType {
    const text = this.text
    this.i += 3
    let languageEnd = this.i
    while (languageEnd < text.length && !isSpace(text[languageEnd]) && text[languageEnd] !== '`') languageEnd++
    let type: EntityType = 'Pre'
    if (languageEnd !== this.i && languageEnd < text.length && text[languageEnd] !== '`') {
      type = 'PreCode'
      this.i = languageEnd
    }
    const c = text[this.i]
    if (c === '\n' || c === '\r') {
      const d = text[this.i + 1]
      this.i += (d === '\n' || d === '\r') && d !== c ? 2 : 1
    }
    return type
  }

  private closeTop(): void {
    const type = this.top()!
    this.open.pop()
    if (type === 'Underline' || type === 'Spoiler') this.i += 2
    else if (type === 'Pre' || type === 'PreCode') this.i += 3
    else if (type === 'TextUrl') this.readUrl(false)
    else if (type === 'CustomEmoji') this.readUrl(true)
    else this.i++
  }

  /** After `]`: `(url)` with `\` escapes; a link may go without one, a custom emoji may not. */
  private readUrl(customEmoji: boolean): void {
    const text = this.text
    this.i++
    if (text[this.i] !== '(') {
      if (customEmoji) throw new MarkdownV2Error('Custom emoji entity must contain a tg://emoji URL')
      return
    }
    this.i++
    const urlStart = Buffer.byteLength(text.slice(0, this.i))
    let url = ''
    while (this.i < text.length && text[this.i] !== ')') {
      const next = text.charCodeAt(this.i + 1)
      if (text[this.i] === '\\' && next > 0 && next <= 126) {
        url += text[this.i + 1]
        this.i += 2
      } else url += text[this.i++]
    }
    if (text[this.i] !== ')') {
      throw new MarkdownV2Error(`Can't find end of a ${customEmoji ? 'custom emoji URL' : 'URL'} at byte offset ${urlStart}`)
    }
    this.i++
    if (customEmoji && !/^tg:\/\/emoji\/?\?(?:.*&)?id=[1-9][0-9]*(?:[&#]|$)/i.test(url)) {
      throw new MarkdownV2Error('Invalid custom emoji identifier specified')
    }
  }
}
