// The bot token travels in the URL path, so any text that leaves the process (errors, debug lines, stacks, JSON)
// goes through here first.

/**
 * A Bot API token: bot id, colon, 35 url-safe characters. Matched even when we were never told about it, and also
 * where a word boundary would miss it: glued to a letter, as in a URL path (`/bot123456:AA…`).
 */
const TOKEN_SHAPE = /(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}/g

const knownSecrets = new Set<string>()

/** Remembers a secret (a token from any config layer) so that `redact` removes it even if it is oddly shaped. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6) knownSecrets.add(secret)
}

/** Replaces every known secret and anything shaped like a bot token with a mask. */
export function redact(text: string): string {
  let result = text
  for (const secret of knownSecrets) {
    if (result.includes(secret)) result = result.split(secret).join(maskToken(secret))
  }
  return result.replace(TOKEN_SHAPE, (token) => maskToken(token))
}

/** `123456:AB…yz`: enough to tell two tokens apart, not enough to use one. */
export function maskToken(token: string): string {
  const colon = token.indexOf(':')
  if (colon < 0 || token.length - colon < 8) return '***'
  return `${token.slice(0, colon + 3)}…${token.slice(-2)}`
}
