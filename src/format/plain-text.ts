// When Telegram refuses a message's HTML, the words still matter more than their formatting: this is the text a
// reader would have seen, with each link's address written after its text.

const NAMED_ENTITIES: Readonly<Record<string, string>> = {lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}
const LINK = /<a\s[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>(.*?)<\/a\s*>/gis
const TAG = /<\/?[a-zA-Z][^>]*>/g
const ENTITY = /&(?:([a-zA-Z]+)|#(\d+)|#[xX]([0-9a-fA-F]+));/g

/** The text of a message in Telegram's HTML, without markup: `<a href="u">x</a>` becomes `x (u)`. */
export function htmlToPlainText(html: string): string {
  const linked = html.replace(LINK, (_match, _quote, href: string, text: string) => {
    const label = text.replace(TAG, '')
    return href === '' || label === href ? label : `${label} (${href})`
  })
  return decodeEntities(linked.replace(TAG, ''))
}

export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (match, name?: string, decimal?: string, hex?: string) => {
    if (name !== undefined) return NAMED_ENTITIES[name] ?? match
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex!, 16)
    return code <= 0x10ffff ? String.fromCodePoint(code) : match
  })
}

const SAFE_HREF = /^(?:https?:\/\/|tg:\/\/)/i

/**
 * Keeps only links to `http(s)://` and `tg://`: any other `href` (`javascript:`, `file:`, an empty value from an
 * absent field) leaves the link's text without the link.
 */
export function keepSafeLinks(html: string): string {
  return html.replace(LINK, (anchor, _quote, href: string, text: string) => (SAFE_HREF.test(decodeEntities(href).trim()) ? anchor : text))
}
