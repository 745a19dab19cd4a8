import {redact} from '../redact.js'
import {UserError} from '../user-error.js'

export const API_ROOT_VAR = 'TELEGRAM_API_BASE_URL'
export const DEFAULT_API_ROOT = 'https://api.telegram.org'

export interface ApiRoot {
  /** Checked, normalised, without a trailing slash: what the method URLs start with. */
  value: string
  /** `env TELEGRAM_API_BASE_URL` or `default`. */
  source: string
}

/**
 * The Bot API root every door uses: `TELEGRAM_API_BASE_URL`, trimmed as the other variables are, else Telegram's.
 * A bad value is a one-line UserError naming the variable here, at config time: found by fetch, it was an
 * "unexpected error" that `alert` spooled to the outbox and every flush then met again.
 */
export function apiRootFromEnv(env: Readonly<Record<string, string | undefined>>): ApiRoot {
  const raw = env[API_ROOT_VAR]?.trim()
  if (!raw) return {value: DEFAULT_API_ROOT, source: 'default'}
  return {value: checkedApiRoot(raw, API_ROOT_VAR), source: `env ${API_ROOT_VAR}`}
}

/**
 * `apiRoot` as the method URLs will use it, or a UserError naming `where`. The URL parser's own form (`href`) is
 * kept, not the text: the parser drops surrounding spaces, tabs and newlines that a URL built from the text would
 * still carry, so a root could pass here and then fail every request as "Invalid URL".
 */
export function checkedApiRoot(apiRoot: string, where: string): string {
  const url = URL.canParse(apiRoot) ? new URL(apiRoot) : undefined
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new UserError(redact(`${where}: expected an http(s) URL, got ${JSON.stringify(apiRoot)}`))
  }
  // The method path is appended to the root: after a query or a fragment (even an empty `?`) it would not be the path.
  if (/[?#]/.test(url.href)) {
    throw new UserError(redact(`${where}: expected a URL without ?query or #fragment, got ${JSON.stringify(apiRoot)}`))
  }
  return url.href.replace(/\/+$/, '')
}
