// Values a monitors file takes from the environment (`?key=${API_KEY}`, `Bearer ${TOKEN}`), a URL's userinfo
// (`https://user:pass@…`) and query values named like keys written into the file (`?token=…`) are secrets: what a
// check shows (its target, results, output) names them, never holds them, whether it ends up in an alert,
// `monitor status`, the history or state.json.

/** A secret value and what is shown in its place: the reference it came from (`${API_KEY}`), or `***`. */
export interface CheckSecret {
  value: string
  shown: string
}

/** Shorter values are not masked in free text: `${PORT}` = `80` would rewrite every 80 of every message. */
const MIN_MASKED_LENGTH = 4

/** Replaces each secret in `text`, as is, percent-encoded or JSON-escaped, with what stands for it. */
export function maskSecrets(text: string, secrets: readonly CheckSecret[] | undefined): string {
  if (secrets === undefined || secrets.length === 0) return text
  let result = text
  // Longest first, so that a secret containing another is masked whole.
  for (const {value, shown} of [...secrets].sort((a, b) => b.value.length - a.value.length)) {
    if (value.length < MIN_MASKED_LENGTH) continue
    for (const form of new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])) {
      if (result.includes(form)) result = result.split(form).join(shown)
    }
  }
  return result
}

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i

/** `https://user:pass@host/` → `https://***@host/`: how a URL is shown. */
export function maskUserinfo(url: string): string {
  return url.replace(USERINFO, '$1***@')
}

/** The user and password of a URL as secrets, decoded and as written (a password may need percent-encoding). */
export function userinfoSecrets(url: string): CheckSecret[] {
  const userinfo = USERINFO.exec(url)?.[2]
  if (!userinfo) return []
  const parts = [userinfo, ...userinfo.split(':')].filter((part) => part !== '')
  return [...new Set([...parts, ...parts.map(decoded)])].map((value) => ({value, shown: '***'}))
}

/**
 * Query (and fragment) parameters whose value is a credential: any name holding `token` (`access_token`), `key`
 * (`apikey`, `api_key`), `secret` (`client_secret`), `pass` (`passwd`), `pwd`, `auth`, `sig` (`signature`,
 * `X-Amz-Signature`), `credential`, `session`, `jwt` or `hmac`; and `code` as a whole name only: Azure Functions take
 * their key as `?code=`, OAuth its one-time code, while `zipcode` or `status_code` say nothing secret.
 */
const SECRET_PARAM = /token|key|secret|pass|pwd|auth|sig|credential|session|jwt|hmac|^code$/i
/** `name=value` after `?`, `#` or `&`: a query, or a fragment written as one (`#access_token=…&token_type=bearer`). */
const URL_PAIR = /([?#&])([^=&#]*)=([^&#]*)/g

/**
 * `…/health?token=abc&full=1` → `…/health?token=***&full=1`, and the values so hidden as secrets (as written and
 * decoded). The fragment is read the same way: never sent, but shown wherever the URL is. A value taken from
 * `${VAR}` is left as its reference: it is masked as one already.
 */
export function maskQuerySecrets(url: string): {shown: string; secrets: CheckSecret[]} {
  const secrets: CheckSecret[] = []
  const shown = url.replace(URL_PAIR, (pair, separator: string, name: string, value: string) => {
    if (value === '' || value.includes('${') || !SECRET_PARAM.test(decoded(name))) return pair
    for (const form of new Set([value, decoded(value.replaceAll('+', ' '))])) secrets.push({value: form, shown: '***'})
    return `${separator}${name}=***`
  })
  return {shown, secrets}
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/** `${A}, ${B}`: the references a value is made of, each once, for a message that must not show what they hold. */
export function envReferences(text: string): string {
  return [...new Set(text.match(ENV_REFERENCE))].join(', ')
}

/**
 * Fills `${VAR}` references from `env`, noting each value filled in as a secret shown as its reference. `missing`
 * is told the name of a variable that is not set (it throws the door's error).
 */
export function expandReferences(text: string, env: Readonly<Record<string, string | undefined>>, secrets: CheckSecret[], missing: (name: string) => never): string {
  return text.replace(ENV_REFERENCE, (reference, name: string) => {
    const value = env[name]
    if (value === undefined) missing(name)
    if (value !== '' && !secrets.some((secret) => secret.value === value)) secrets.push({value, shown: reference})
    return value
  })
}
