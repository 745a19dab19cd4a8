import type {FailureDescription} from '../describe-failure.js'

/**
 * What a failed delivery to one chat means for the message:
 * - `later`: it may pass (network down, 5xx, a 429 longer than the client waits, anything unexpected): keep it.
 * - `chat-refused`: Telegram refused this chat for good (400 chat not found, 403 blocked): asking again cannot help.
 * - `bot-refused`: Telegram refused the bot itself (401 wrong token, 404), or our own config is wrong (a usage
 *   error): nothing goes through until the config is fixed, and a waiting message must not be dropped meanwhile.
 */
export type FailureKind = 'later' | 'chat-refused' | 'bot-refused'

// FailureDescription carries the message, not the error: Telegram's code is read back from its fixed wording,
// `Call to 'sendMessage' failed (403: Forbidden: ...)`.
const TELEGRAM_CODE = /failed \((\d{3}): /

export function failureKind(failure: FailureDescription): FailureKind {
  if (failure.code === 'usage') return 'bot-refused'
  if (failure.code !== 'telegram') return 'later'
  const errorCode = Number(TELEGRAM_CODE.exec(failure.message)?.[1])
  if (errorCode === 429 || errorCode >= 500) return 'later'
  if (errorCode === 401 || errorCode === 404) return 'bot-refused'
  return 'chat-refused'
}
