// A strict reader of Telegram HTML for tests: it throws on anything the Bot API would refuse ("can't parse
// entities") and returns the text a reader sees, so split parts can be checked one by one and joined back.

const ALLOWED_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre',
  'blockquote',
])
const NAMED_ENTITIES: Readonly<Record<string, string>> = {lt: '<', gt: '>', amp: '&', quot: '"'}
const ENTITY = /^&(?:(lt|gt|amp|quot)|#([0-9]+)|#x([0-9a-fA-F]+));/
const ATTRIBUTE_VALUE_TEXT = /^(?:[^"<>&]|&(?:lt|gt|amp|quot);)*$/
const OPEN_TAG = /^([a-z][a-z-]*)((?:\s+[a-z-]+="[^"]*")*)$/
const ATTRIBUTE = /\s+[a-z-]+="([^"]*)"/g
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function decodeEntity(match: RegExpExecArray): string {
  const [, name, decimal, hex] = match
  if (name) return NAMED_ENTITIES[name]!
  return String.fromCodePoint(decimal ? Number(decimal) : Number.parseInt(hex!, 16))
}

function checkOpenTag(tag: string, open: readonly string[]): string {
  const match = OPEN_TAG.exec(tag)
  if (!match || !ALLOWED_TAGS.has(match[1]!)) throw new Error(`unknown or malformed tag <${tag}>`)
  const name = match[1]!
  for (const attribute of (match[2] ?? '').matchAll(ATTRIBUTE)) {
    if (!ATTRIBUTE_VALUE_TEXT.test(attribute[1]!)) throw new Error(`bad attribute value in <${tag}>`)
  }
  const parent = open.at(-1)
  if (parent === 'code' || (parent === 'pre' && name !== 'code')) throw new Error(`<${name}> inside <${parent}>`)
  if (name === 'a' && open.includes('a')) throw new Error('nested <a>')
  return name
}

/** The visible text of `html`; throws when a tag is unknown or unbalanced, an entity or character is stray. */
export function htmlTextContent(html: string): string {
  if (LONE_SURROGATE.test(html)) throw new Error('lone surrogate')
  const open: string[] = []
  let text = ''
  let index = 0
  while (index < html.length) {
    const char = html[index]!
    if (char === '<') {
      const end = html.indexOf('>', index)
      if (end < 0) throw new Error(`unterminated tag at ${index}`)
      const tag = html.slice(index + 1, end)
      if (tag.startsWith('/')) {
        const expected = open.pop()
        if (tag.slice(1) !== expected) throw new Error(`</${tag.slice(1)}> closes <${expected ?? 'nothing'}>`)
      } else {
        open.push(checkOpenTag(tag, open))
      }
      index = end + 1
    } else if (char === '&') {
      const match = ENTITY.exec(html.slice(index, index + 12))
      if (!match) throw new Error(`malformed entity at ${index}: ${html.slice(index, index + 8)}`)
      text += decodeEntity(match)
      index += match[0].length
    } else if (char === '>') {
      throw new Error(`stray > at ${index}`)
    } else {
      text += char
      index++
    }
  }
  if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`)
  return text
}
