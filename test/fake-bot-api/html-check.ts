// Mirrors how Telegram (tdlib's parse_html) reads parse_mode HTML, including its error texts, so that formatting
// bugs in our code fail here the way they would in production.

const ALLOWED_TAGS = new Set([
  'a', 'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'code', 'pre', 'blockquote',
  'tg-emoji',
])

const NAMED_ENTITIES: Record<string, string> = {lt: '<', gt: '>', amp: '&', quot: '"'}

export type HtmlParseResult = {ok: true; text: string} | {ok: false; error: string}

export interface HtmlParseOptions {
  /** Refuse a `&` that starts no entity (Telegram keeps it as text). @default true */
  strictAmpersand?: boolean
}

/** Parses Telegram HTML into its plain text, or returns the error Telegram would put after "can't parse entities: ". */
export function parseTelegramHtml(html: string, options: HtmlParseOptions = {}): HtmlParseResult {
  try {
    return {ok: true, text: new HtmlReader(html, options.strictAmpersand ?? true).read()}
  } catch (error) {
    if (error instanceof HtmlError) return {ok: false, error: error.message}
    throw error
  }
}

class HtmlError extends Error {}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r'
const isNameTokenChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9.-]/.test(c)

class HtmlReader {
  private i = 0
  private readonly open: string[] = []
  private output = ''

  constructor(
    private readonly html: string,
    private readonly strictAmpersand: boolean,
  ) {}

  read(): string {
    while (this.i < this.html.length) {
      const c = this.html[this.i]
      if (c === '&') this.output += this.readEntity()
      else if (c === '<') this.readTag()
      else {
        this.output += c
        this.i++
      }
    }
    const unclosed = this.open.at(-1)
    if (unclosed !== undefined) throw new HtmlError(`Can't find end tag corresponding to start tag "${unclosed}"`)
    return this.output
  }

  /** tdlib reports offsets in UTF-8 bytes. */
  private byteOffset(index: number): number {
    return Buffer.byteLength(this.html.slice(0, index))
  }

  private readEntity(): string {
    const rest = this.html.slice(this.i + 1, this.i + 16)
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}));?/.exec(rest)
    if (numeric) {
      const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2])
      if (code <= 0x10ffff) {
        if (code >= 0xd800 && code <= 0xdfff) {
          throw new HtmlError(
            'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
          )
        }
        this.i += 1 + numeric[0].length
        return String.fromCodePoint(code)
      }
    }
    const named = /^(lt|gt|amp|quot);?/.exec(rest)
    if (named?.[1] !== undefined) {
      this.i += 1 + named[0].length
      return NAMED_ENTITIES[named[1]] ?? ''
    }
    if (this.strictAmpersand) {
      throw new HtmlError(`Character "&" must be escaped as "&amp;" at byte offset ${this.byteOffset(this.i)}`)
    }
    this.i++
    return '&'
  }

  private readTag(): void {
    const begin = this.i
    this.i++
    if (this.html[this.i] === '/') this.readEndTag(begin)
    else this.readStartTag(begin)
  }

  private readStartTag(begin: number): void {
    const html = this.html
    const offset = this.byteOffset(begin)
    while (this.i < html.length && !isSpace(html[this.i]) && html[this.i] !== '>') this.i++
    if (this.i >= html.length) throw new HtmlError(`Unclosed start tag at byte offset ${offset}`)
    const tag = html.slice(begin + 1, this.i).toLowerCase()
    if (!ALLOWED_TAGS.has(tag)) throw new HtmlError(`Unsupported start tag "${tag}" at byte offset ${offset}`)

    const attributes = new Map<string, string>()
    while (html[this.i] !== '>') {
      while (isSpace(html[this.i])) this.i++
      if (this.i >= html.length) throw new HtmlError(`Unclosed start tag at byte offset ${offset}`)
      if (html[this.i] === '>') break
      const nameStart = this.i
      while (this.i < html.length && !isSpace(html[this.i]) && html[this.i] !== '=' && html[this.i] !== '>') this.i++
      const name = html.slice(nameStart, this.i).toLowerCase()
      if (name === '') throw new HtmlError(`Empty attribute name in the tag "${tag}" at byte offset ${offset}`)
      while (isSpace(html[this.i])) this.i++
      if (tag === 'blockquote' && name === 'expandable' && html[this.i] !== '=') continue
      if (this.i >= html.length) throw new HtmlError(`Unclosed start tag "${tag}" at byte offset ${offset}`)
      if (html[this.i] !== '=') {
        throw new HtmlError(
          `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${offset}`,
        )
      }
      this.i++
      while (isSpace(html[this.i])) this.i++
      if (this.i >= html.length) throw new HtmlError(`Unclosed start tag "${tag}" at byte offset ${offset}`)
      attributes.set(name, this.readAttributeValue(offset))
    }
    this.i++

    if (tag === 'span' && attributes.get('class') !== 'tg-spoiler') {
      throw new HtmlError(`Tag "span" must have class "tg-spoiler" at byte offset ${offset}`)
    }
    if (tag === 'tg-emoji' && !/^[0-9]+$/.test(attributes.get('emoji-id') ?? '')) {
      throw new HtmlError('Invalid custom emoji identifier specified')
    }
    this.open.push(tag)
  }

  private readAttributeValue(tagOffset: number): string {
    const html = this.html
    const quote = html[this.i]
    if (quote === '"' || quote === "'") {
      const end = html.indexOf(quote, this.i + 1)
      if (end < 0) throw new HtmlError(`Unclosed start tag at byte offset ${tagOffset}`)
      const value = html.slice(this.i + 1, end)
      this.i = end + 1
      return value
    }
    const start = this.i
    while (isNameTokenChar(html[this.i])) this.i++
    if (!isSpace(html[this.i]) && html[this.i] !== '>') {
      throw new HtmlError(`Unexpected end of name token at byte offset ${this.byteOffset(start)}`)
    }
    return html.slice(start, this.i)
  }

  private readEndTag(begin: number): void {
    const html = this.html
    const offset = this.byteOffset(begin)
    const expected = this.open.at(-1)
    if (expected === undefined) throw new HtmlError(`Unexpected end tag at byte offset ${offset}`)
    this.i++
    const nameStart = this.i
    while (this.i < html.length && !isSpace(html[this.i]) && html[this.i] !== '>') this.i++
    const name = html.slice(nameStart, this.i).toLowerCase()
    while (isSpace(html[this.i])) this.i++
    if (html[this.i] !== '>') throw new HtmlError(`Unclosed end tag at byte offset ${offset}`)
    if (name !== '' && name !== expected) {
      throw new HtmlError(`Unmatched end tag at byte offset ${offset}, expected "</${expected}>", found "</${name}>"`)
    }
    this.i++
    this.open.pop()
  }
}
