import type {FailureDescription} from '../describe-failure.js'

/**
 * What a failed delivery to one chat means for the message:
 * - `later`: it may pass (network down, 5xx, a 429 longer than the client waits, anything unexpected): keep it.
 * - `chat-refused`: Telegram refused this chat for good (400 chat not found, 403 blocked): asking again cannot help.
 * - `bot-refused`: Telegram refused the bot itself (401 wrong token, 404), or our own config is wrong (a usage
 *   error): nothing goes through until the config is fixed, and a waiting message must not be dropped meanwhile.
 */
export type FailureKind = 'later' | 'chat-refused' | 'bot-refused'

export function failureKind(failure: FailureDescription): FailureKind {
  if (failure.code === 'usage') return 'bot-refused'
  if (failure.code !== 'telegram') return 'later'
  const errorCode = failure.telegramErrorCode ?? 0
  if (errorCode === 429 || errorCode >= 500) return 'later'
  if (errorCode === 401 || errorCode === 404) return 'bot-refused'
  return 'chat-refused'
}
