import {badRequest} from './api-error.js'
import {parseTelegramHtml} from './html-check.js'
import {parseTelegramMarkdownV2} from './markdown-v2-check.js'

const LIMITS = {text: 4096, caption: 1024} as const

/**
 * Applies Telegram's checks to a message text or caption and returns the text as the recipient sees it.
 * Lengths count characters after entity parsing, as Telegram does.
 */
export function checkText(
  raw: string,
  parseMode: string | undefined,
  kind: 'text' | 'caption',
  strictAmpersand: boolean,
): string {
  let text = raw
  const mode = parseMode?.toLowerCase()
  if (mode === 'html' || mode === 'markdownv2') {
    const parsed = mode === 'html' ? parseTelegramHtml(raw, {strictAmpersand}) : parseTelegramMarkdownV2(raw)
    if (!parsed.ok) throw badRequest(`can't parse entities: ${parsed.error}`)
    text = parsed.text
  }
  if (kind === 'text' && text.trim() === '') throw badRequest('message text is empty')
  if ([...text].length > LIMITS[kind]) {
    throw badRequest(kind === 'text' ? 'message is too long' : 'message caption is too long')
  }
  return text
}
