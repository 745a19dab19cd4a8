// What a request's path and a peer's text become in `webhook serve`: the route of a bot's updates, the path as the
// URL parser gives it (without its cost for the paths Telegram sends), and one log line whatever a peer sent.
const WEBHOOK_ROUTE_TAIL = '/api/telegram/webhook/(\\d+)/?'

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what oneLine escapes
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

/** One line whatever a peer sent: control characters (a newline that would forge a log line) become `\\u000a`. */
export function oneLine(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}

/** `^(/tg)?/api/telegram/webhook/(\d+)/?$`: anchored at both ends, so `/evil/api/telegram/webhook/1/` is no route. */
export function webhookRoute(pathPrefix = ''): RegExp {
  const prefix = pathPrefix.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${prefix === '' ? '' : `(?:${prefix})?`}${WEBHOOK_ROUTE_TAIL}$`)
}

/**
 * For a path no route matched, a hint when it is a served bot's path under a prefix (`/tg/api/telegram/webhook/1/`):
 * Telegram posting there means the webhook was registered under a base URL whose path serve was not given
 * (`register --base-url https://…/tg`, then serve without --path-prefix): every update a 404 until it is. Else ''.
 */
export function unroutedPrefixHint(path: string, isServed: (webhookId: number) => boolean): string {
  const match = /^((?:\/[\w.~%-]+)+)\/api\/telegram\/webhook\/(\d+)\/?$/.exec(path)
  if (match === null || !isServed(Number(match[2]))) return ''
  const prefix = match[1]!
  return `: the path of bot ${Number(match[2])} under ${prefix}; if Telegram posts there, serve with --path-prefix ${prefix} (or set TELEGRAM_WEBHOOK_BASE_URL with that path)`
}

/** Paths the URL parser leaves as they are: no dot segments, escapes, backslashes, fragments or leading `//` (a host). */
const PLAIN_PATH = /^\/(?!\/)[\w\-/]*$/

/**
 * The path of a request target as the URL parser gives it, without its cost for the plain origin-form paths Telegram
 * and proxies send (`/api/telegram/webhook/1/?x`); anything else (absolute-form, dot segments) goes through URL.
 */
export function requestPath(target = '/'): string {
  const query = target.indexOf('?')
  const path = query === -1 ? target : target.slice(0, query)
  return PLAIN_PATH.test(path) ? path : new URL(target, 'http://localhost').pathname
}
