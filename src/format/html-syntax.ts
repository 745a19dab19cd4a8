import {codePointToken, type OpenMarker, type SplitSyntax, type Token} from './split-tokens.js'

// Quoted attribute values may hold `>`; Telegram's own parser accepts both quote styles.
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^<>"']|"[^"]*"|'[^']*')*)>/y
const ENTITY = /&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);/y

function matchAt(pattern: RegExp, text: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index
  return pattern.exec(text)
}

function tagToken(match: RegExpExecArray, openNames: string[]): Token {
  const [raw, slash, rawName = '', attributes = ''] = match
  const name = rawName.toLowerCase()
  if (slash) {
    if (openNames.at(-1) !== name) return {raw, visible: ''} // mis-nested: Telegram will say so, we pass it on
    openNames.pop()
    return {raw, visible: '', closes: true}
  }
  if (attributes.trimEnd().endsWith('/')) return {raw, visible: ''}
  openNames.push(name)
  const marker: OpenMarker = {name, open: raw, close: `</${name}>`}
  return {raw, visible: '', opens: marker}
}

function tokenizeHtml(text: string): Token[] {
  const tokens: Token[] = []
  const openNames: string[] = []
  let index = 0
  while (index < text.length) {
    const char = text[index]
    const tag = char === '<' ? matchAt(TAG, text, index) : null
    const entity = char === '&' ? matchAt(ENTITY, text, index) : null
    let token: Token
    if (tag) token = tagToken(tag, openNames)
    else if (entity) token = {raw: entity[0], visible: entity[0]}
    else token = codePointToken(text, index)
    tokens.push(token)
    index += token.raw.length
  }
  return tokens
}

/** Telegram HTML: tags and entities are never cut; tags open at a cut close and re-open with the same attributes. */
export const htmlSyntax: SplitSyntax = {
  tokenize: tokenizeHtml,
  reopen: (stack) => stack.map((marker) => marker.open).join(''),
  close: (stack) =>
    stack
      .map((marker) => marker.close)
      .reverse()
      .join(''),
}
