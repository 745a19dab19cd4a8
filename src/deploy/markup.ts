import {
  escapeHtml,
  escapeHtmlAttribute,
  escapeMarkdownV2,
  escapeMarkdownV2Code,
  escapeMarkdownV2Url,
  type ParseMode,
} from '../format/index.js'

/** How a notice writes formatting in one parse mode; every argument is plain text and gets escaped here. */
export interface Markup {
  text(value: string): string
  bold(value: string): string
  code(value: string): string
  link(label: string, url: string): string
  /** A URL on its own, e.g. in a template's `href="{{run_url}}"` (HTML) or `(...)` of a link (MarkdownV2). */
  url(url: string): string
}

const html: Markup = {
  text: escapeHtml,
  bold: (value) => `<b>${escapeHtml(value)}</b>`,
  code: (value) => `<code>${escapeHtml(value)}</code>`,
  link: (label, url) => `<a href="${escapeHtmlAttribute(url)}">${escapeHtml(label)}</a>`,
  url: escapeHtmlAttribute,
}

const markdownV2: Markup = {
  text: escapeMarkdownV2,
  bold: (value) => `*${escapeMarkdownV2(value)}*`,
  code: (value) => `\`${escapeMarkdownV2Code(value)}\``,
  link: (label, url) => `[${escapeMarkdownV2(label)}](${escapeMarkdownV2Url(url)})`,
  url: escapeMarkdownV2Url,
}

const plain: Markup = {
  text: (value) => value,
  bold: (value) => value,
  code: (value) => value,
  link: (label, url) => `${label} (${url})`,
  url: (url) => url,
}

export function markupFor(parseMode: ParseMode | undefined): Markup {
  if (parseMode === 'HTML') return html
  if (parseMode === 'MarkdownV2') return markdownV2
  return plain
}
