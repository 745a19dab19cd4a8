// Where Telegram should post a bot's updates, checked the way Telegram checks it, before any call: a refused
// setWebhook says "bad webhook" without naming which of our inputs was wrong.
import {envValue} from '../config/env-layers.js'
import type {Env} from '../config/index.js'
import {UserError} from '../user-error.js'

/** Every bot's updates arrive under `<base>/api/telegram/webhook/<bot_id>/`, the backend's scheme. */
export const WEBHOOK_PATH_PREFIX = '/api/telegram/webhook/'
export const BASE_URL_VAR = 'TELEGRAM_WEBHOOK_BASE_URL'
export const SITE_URL_VAR = 'SITE_URL'
export const SECRET_VAR = 'TELEGRAM_WEBHOOK_SECRET'

/** Telegram posts to these ports only; '' is the scheme's default port (443 for https). */
const TELEGRAM_PORTS = new Set(['', '443', '80', '88', '8443'])
/** A path ending with the webhook's own (`/tg/api/telegram/webhook/1/`): the base or prefix given with it. */
const WEBHOOK_TAIL = /\/api\/telegram\/webhook(?:\/[^/]+)?\/*$/
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/

export interface WebhookBase {
  url: URL
  /** Where the base came from, as errors name it: `--base-url`, `TELEGRAM_WEBHOOK_BASE_URL` or `SITE_URL`. */
  source: string
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

/** `/api/telegram/webhook/<botId>/` */
export function webhookPath(botId: number | string): string {
  return `${WEBHOOK_PATH_PREFIX}${botId}/`
}

/**
 * The base URL: `--base-url`, else `TELEGRAM_WEBHOOK_BASE_URL`, else `SITE_URL`; checked for what Telegram accepts
 * (https, port 443, 80, 88 or 8443). Throws a one-line UserError naming the flag or variable.
 */
export function resolveWebhookBase(flag: string | undefined, env: Env = process.env): WebhookBase {
  const candidates: Array<[string, string | undefined]> = [
    ['--base-url', nonEmpty(flag)],
    [BASE_URL_VAR, nonEmpty(env[BASE_URL_VAR])],
    [SITE_URL_VAR, nonEmpty(env[SITE_URL_VAR])],
  ]
  const found = candidates.find(([, value]) => value !== undefined)
  if (!found) {
    throw new UserError(`no webhook base URL: pass --base-url, or set ${BASE_URL_VAR} or ${SITE_URL_VAR}`)
  }
  const [source, text] = found as [string, string]
  return {url: checkBaseUrl(source, text), source}
}

function checkBaseUrl(source: string, text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UserError(`${source}: ${JSON.stringify(text)} is not a URL (expected https://host[:port][/path])`)
  }
  if (url.protocol !== 'https:') {
    throw new UserError(`${source}: the webhook URL must use https (Telegram refuses ${url.protocol.slice(0, -1)}), got ${JSON.stringify(text)}`)
  }
  if (!TELEGRAM_PORTS.has(url.port)) {
    throw new UserError(`${source}: port ${url.port} is not one Telegram posts to (443, 80, 88 or 8443), got ${JSON.stringify(text)}`)
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UserError(`${source}: expected a base URL without ?query or #fragment, got ${JSON.stringify(text)}`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new UserError(`${source}: expected a base URL without user:password@`)
  }
  // The webhook's own URL given as the base got the path twice. Refused, not stripped: the base's path is also the
  // prefix `serve` routes under, and a guess taken in one door and not the other splits register from serve.
  const webhookTail = WEBHOOK_TAIL.exec(url.pathname)
  if (webhookTail) {
    const site = `${url.origin}${url.pathname.slice(0, webhookTail.index)}`
    throw new UserError(`${source}: give the site's base URL (${site}): ${WEBHOOK_PATH_PREFIX}<bot_id>/ is added to it, got ${JSON.stringify(text)}`)
  }
  return url
}

/**
 * `--path-prefix` as `serve` routes it (`/tg/` → `/tg`, '' for none): a path, as the URL parser would leave it. Anything
 * else (`tg`, the base URL itself, `..`, a query) made a route no request matches: every update a 404, and serve silent.
 */
export function checkPathPrefix(value: string): string {
  const prefix = value.trim().replace(/\/+$/, '')
  if (prefix === '') return ''
  const asParsed = /^\/[^?#\s\\]*$/.test(prefix) ? new URL(prefix, 'http://localhost').pathname : undefined
  if (asParsed !== prefix) {
    throw new UserError(`--path-prefix: expected the path your proxy keeps before ${WEBHOOK_PATH_PREFIX}, like /tg, got ${JSON.stringify(value)}`)
  }
  const webhookTail = WEBHOOK_TAIL.exec(prefix)
  if (webhookTail) {
    throw new UserError(`--path-prefix: give the path before ${WEBHOOK_PATH_PREFIX} (${prefix.slice(0, webhookTail.index) || '/'}): serve adds it, got ${JSON.stringify(value)}`)
  }
  return prefix
}

/** `<base>/api/telegram/webhook/<botId>/`, keeping a path the base may have (`https://ops.example.com/tg`). */
export function webhookUrl(base: WebhookBase, botId: number | string): string {
  const prefix = base.url.pathname.replace(/\/+$/, '')
  return `${base.url.origin}${prefix}${webhookPath(botId)}`
}

/**
 * `TELEGRAM_WEBHOOK_SECRET`, checked as Telegram does (1-256 characters of A-Z a-z 0-9 _ -); undefined when unset
 * or empty. The message never quotes the secret.
 */
export function readWebhookSecret(env: Env = process.env): string | undefined {
  // Read as the other TELEGRAM_* variables: a CRLF env file's \r or `--env-file`'s quotes are not the secret's.
  const secret = envValue(env, SECRET_VAR)
  if (secret === undefined) return undefined
  if (SECRET_SHAPE.test(secret)) return secret
  const length = [...secret].length
  const problem = length > 256 ? `it has ${length}` : `it has ${describeBadCharacters(secret)}`
  throw new UserError(`${SECRET_VAR}: expected 1-256 characters from A-Z a-z 0-9 _ - (${problem})`)
}

function describeBadCharacters(secret: string): string {
  const bad = [...new Set([...secret].filter((char) => !/[A-Za-z0-9_-]/.test(char)))]
  const shown = bad.slice(0, 3).map((char) => (char.trim() === '' ? `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(char)))
  return `${bad.length === 1 ? 'a character' : 'characters'} not allowed: ${shown.join(', ')}`
}

/** Update types Telegram knows today; others still go through (Telegram adds types), with a warning. */
export const UPDATE_TYPES = [
  'message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection', 'business_message',
  'edited_business_message', 'deleted_business_messages', 'message_reaction', 'message_reaction_count',
  'inline_query', 'chosen_inline_result', 'callback_query', 'shipping_query', 'pre_checkout_query',
  'purchased_paid_media', 'poll', 'poll_answer', 'my_chat_member', 'chat_member', 'chat_join_request',
  'chat_boost', 'removed_chat_boost',
] as const

/** `--allowed-updates message,callback_query`: the list, and a warning for names Telegram may not know. */
export function parseAllowedUpdates(value: string | undefined): {allowedUpdates?: string[]; warnings: string[]} {
  if (value === undefined) return {warnings: []}
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '')
  const malformed = names.find((name) => !/^[a-z][a-z_]*$/.test(name))
  if (malformed !== undefined) {
    throw new UserError(`--allowed-updates: expected update types like message,callback_query, got ${JSON.stringify(malformed)}`)
  }
  const known = new Set<string>(UPDATE_TYPES)
  const unknown = names.filter((name) => !known.has(name))
  const warnings = unknown.length === 0 ? [] : [`--allowed-updates: ${unknown.join(', ')} not a known update type; sent as given`]
  // An empty list tells Telegram "all types but chat_member, message_reaction and message_reaction_count".
  return {allowedUpdates: [...new Set(names)], warnings}
}

/** `--max-connections`: Telegram takes 1-100 (its default is 40). */
export function checkMaxConnections(value: number | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!Number.isSafeInteger(value) || value < 1 || value > 100) {
    throw new UserError(`--max-connections: expected an integer from 1 to 100, got ${value}`)
  }
  return value
}
