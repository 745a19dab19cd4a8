// Which failures mean "Redis is not there right now" (fall back to the file store), as opposed to a mistake of ours
// or a refusal Redis will repeat (a script error, a wrong type): those are thrown as they are.

const UNREACHABLE_MESSAGES = [
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
  'Reached the max retries per request limit',
  'None of the sentinels are available',
]

// Replies of a Redis that runs but cannot serve us yet: starting up, a replica, a cluster without quorum.
const UNAVAILABLE_REPLIES = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|NOAUTH|WRONGPASS|BUSY)\b/

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])

export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (error.name === 'ReplyError') return UNAVAILABLE_REPLIES.test(error.message)
  if (error.name === 'MaxRetriesPerRequestError') return true
  const code = (error as NodeJS.ErrnoException).code
  if (code !== undefined && NETWORK_CODES.has(code)) return true
  return UNREACHABLE_MESSAGES.some((message) => error.message.startsWith(message))
}

/**
 * What to tell the user when Redis refused the URL's credentials (`reason`: Redis's reply): a mistake in the store
 * setting that no retry mends, not an outage. `source` says where the URL came from (`env FASTPAY_TG_STORE`).
 */
export function credentialsRefusal(reason: string, source: string): string | undefined {
  if (/^(WRONGPASS\b|ERR invalid (password|username-password))/.test(reason)) return `refused the password (${reason}): set the right one in ${source}`
  if (/^NOAUTH\b/.test(reason)) return `asks for a password (${reason}): set it in ${source}`
  return undefined
}
