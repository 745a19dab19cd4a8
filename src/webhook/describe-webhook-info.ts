import type {WebhookInfo} from '@grammyjs/types'

/** What Telegram delivers when no allowed_updates was ever given. */
const DEFAULT_UPDATES = 'Telegram default (all but chat_member, message_reaction, message_reaction_count)'

/** `2025-06-01 14:02:11 UTC` */
export function utcDateTime(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** getWebhookInfo as aligned `label  value` lines, for people, with the updates a stopped serve kept when known. */
export function describeWebhookInfo(info: WebhookInfo, kept?: {updates: number; since?: string}): string[] {
  const keptLines = kept === undefined ? [] : [`kept updates      ${describeKept(kept)}`]
  if (info.url === '') {
    return [
      'url               none: no webhook is set (getUpdates and `discover` work)',
      `pending updates   ${info.pending_update_count}`,
      ...keptLines,
    ]
  }
  const lastError = info.last_error_date === undefined
    ? 'none'
    : `${utcDateTime(info.last_error_date)}: ${info.last_error_message ?? '(no message)'}`
  const hint = lastErrorHint(info.last_error_message)
  const lines = [
    `url               ${info.url}`,
    `pending updates   ${info.pending_update_count}`,
    `last error        ${lastError}`,
    ...(hint === undefined ? [] : [`hint              ${hint}`]),
    `max connections   ${info.max_connections ?? 40}`,
    `allowed updates   ${info.allowed_updates?.length ? info.allowed_updates.join(', ') : DEFAULT_UPDATES}`,
  ]
  if (info.last_synchronization_error_date !== undefined) {
    lines.push(`last sync error   ${utcDateTime(info.last_synchronization_error_date)}`)
  }
  if (info.ip_address !== undefined) lines.push(`ip address        ${info.ip_address}`)
  return [...lines, ...keptLines]
}

function describeKept({updates, since}: {updates: number; since?: string}): string {
  if (updates === 0) return 'none'
  const when = since === undefined ? '' : ` since ${utcDateTime(Date.parse(since) / 1000)}`
  return `${updates}${when}: answered by a serve that stopped before handling them; the next serve of this bot does`
}

/**
 * What Telegram's `Wrong response from the webhook: 401 …` / `404 …` means with `webhook serve` behind it: the two
 * ways a migration usually fails, each a line an operator can act on (Telegram's words name neither).
 */
function lastErrorHint(message: string | undefined): string | undefined {
  const status = /webhook: (\d{3})\b/.exec(message ?? '')?.[1]
  if (status === '401') {
    return 'serve refused the secret Telegram sent: register and serve must use the same one (TELEGRAM_WEBHOOK_SECRET, else the stored one); run webhook register with the one serve uses'
  }
  if (status === '404') return "serve (or the proxy) has no route at this url: serve's --path-prefix must be the base URL's path, and serve must serve this bot"
  return undefined
}
