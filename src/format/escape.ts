// Telegram refuses a whole message ("can't parse entities") over one stray special character, so any text we did
// not write ourselves (titles, log lines, error texts) goes through one of these before it joins formatted text.

const HTML_REPLACEMENTS: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const HTML_TEXT_SPECIAL = /[&<>]/g
const HTML_ATTRIBUTE_SPECIAL = /[&<>"']/g

/** Every character the Bot API's "MarkdownV2 style" reserves outside code, plus the backslash itself. */
const MARKDOWN_V2_SPECIAL = /[_*[\]()~`>#+\-=|{}.!\\]/g
/** Inside `pre` and `code` only these two are special. */
const MARKDOWN_V2_CODE_SPECIAL = /[`\\]/g
/** Inside the `(...)` part of a link only these two are special. */
const MARKDOWN_V2_URL_SPECIAL = /[)\\]/g

/** Escapes `&`, `<` and `>` for the text of an HTML message. Quotes stay: they only matter in attributes. */
export function escapeHtml(text: string): string {
  return text.replace(HTML_TEXT_SPECIAL, (char) => HTML_REPLACEMENTS[char]!)
}

/** Escapes a value for a quoted HTML attribute (either quote), such as the `href` of `<a href="...">`. */
export function escapeHtmlAttribute(value: string): string {
  return value.replace(HTML_ATTRIBUTE_SPECIAL, (char) => HTML_REPLACEMENTS[char]!)
}

/** Escapes text for a MarkdownV2 message, outside code and link URLs: every reserved character gets a backslash. */
export function escapeMarkdownV2(text: string): string {
  return text.replace(MARKDOWN_V2_SPECIAL, '\\$&')
}

/** Escapes text inside a MarkdownV2 `pre` block or inline `code` span: only `` ` `` and `\`. */
export function escapeMarkdownV2Code(text: string): string {
  return text.replace(MARKDOWN_V2_CODE_SPECIAL, '\\$&')
}

/** Escapes a URL inside the `(...)` of a MarkdownV2 link: only `)` and `\`. */
export function escapeMarkdownV2Url(url: string): string {
  return url.replace(MARKDOWN_V2_URL_SPECIAL, '\\$&')
}
