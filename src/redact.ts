// The bot token travels in the URL path, so any text that leaves the process (errors, debug lines, stacks, JSON)
// goes through here first. Proxies, servers and serialisers echo it percent-encoded or JSON-escaped: those too.

/** The colon of a token as it reaches us: plain, percent-encoded (once or twice), or JSON's `\u003a` (escaped again). */
const COLON = String.raw`(?::|%3[aA]|%253[aA]|\\u003[aA]|\\\\u003[aA])`

/**
 * A Bot API token: bot id, colon, 35 url-safe characters. Matched even when we were never told about it, and also
 * where a word boundary would miss it: glued to a letter, as in a URL path (`/bot123456:AA…`).
 */
const TOKEN_SHAPE = new RegExp(String.raw`(?<!\d)(\d{5,})${COLON}([A-Za-z0-9_-]{30,})`, 'g')

/** `scheme://user:password@`: the password goes whatever its length, the rest of the URL stays readable. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)@/gi

/** Other secrets shorter than this are not masked: too likely to be an ordinary word of the alert text. */
export const MIN_SECRET_LENGTH = 12

/** Forms of each registered token to mask wherever they appear. */
const tokenForms = new Map<string, string[]>()
/** Registered secrets with the pattern that finds them as whole words. */
const secretPatterns = new Map<string, RegExp>()

/**
 * Remembers a bot token (from any config layer), whatever its shape, so that `redact` removes it anywhere in a text,
 * also glued to other characters (`/bot<token>/`), percent-encoded or JSON-escaped.
 */
export function registerToken(token: string | undefined): void {
  if (!token || token.length < 6 || tokenForms.has(token)) return
  tokenForms.set(token, encodedForms(token))
}

/**
 * Remembers another secret (a store password, a webhook secret, a monitor's `${VAR}` value) so that `redact`
 * masks it where it stands as a whole word, in its plain, percent-encoded and JSON-escaped forms. Secrets shorter
 * than MIN_SECRET_LENGTH are ignored: a Redis password `payments` must not turn alerts into `*** API down`.
 */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < MIN_SECRET_LENGTH || secretPatterns.has(secret)) return
  const alternatives = encodedForms(secret).map(escapeRegExp).join('|')
  secretPatterns.set(secret, new RegExp(`(?<![A-Za-z0-9_])(?:${alternatives})(?![A-Za-z0-9_])`, 'g'))
}

/** Replaces every known token and secret, anything shaped like a bot token, and URL passwords with a mask. */
export function redact(text: string): string {
  let result = text
  for (const [token, forms] of tokenForms) {
    for (const form of forms) if (result.includes(form)) result = result.split(form).join(maskToken(token))
  }
  for (const [secret, pattern] of secretPatterns) result = result.replace(pattern, () => maskToken(secret))
  result = result.replace(TOKEN_SHAPE, (_match, id: string, secretPart: string) => maskToken(`${id}:${secretPart}`))
  return result.replace(URL_PASSWORD, (_match, head: string) => `${head}***@`)
}

/** `123456:AB…yz`: enough to tell two tokens apart, not enough to use one. */
export function maskToken(token: string): string {
  const colon = token.indexOf(':')
  if (colon < 0 || token.length - colon < 8) return '***'
  return `${token.slice(0, colon + 3)}…${token.slice(-2)}`
}

/** The value as it may appear in a URL (percent-encoded once or twice, either case) or inside a JSON string. */
function encodedForms(value: string): string[] {
  const percent = encodeURIComponent(value)
  const json = JSON.stringify(value).slice(1, -1)
  const forms = [
    value,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (escaped) => escaped.toLowerCase()),
    encodeURIComponent(percent),
    json,
    json.replaceAll(':', '\\u003a'),
    json.replaceAll(':', '\\u003A'),
  ]
  // Longest first, so that a form containing another is masked whole.
  return [...new Set(forms)].sort((a, b) => b.length - a.length)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
