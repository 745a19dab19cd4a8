/** A Telegram chat: a numeric id (negative for groups and channels) or a public `@username`. */
export type ChatId = number | string

const INTEGER = /^-?\d+$/
const USERNAME = /^@[A-Za-z0-9_]{5,32}$/

/** What a chat id must look like, for messages that reject one. */
export const CHAT_ID_EXPECTED = 'a chat id (integer or @username)'

/**
 * Reads one chat id from a config value, flag or env entry: an integer, a numeric string (`"-100123"`) or
 * `@username` (5 to 32 letters, digits or `_`). Returns undefined for anything else.
 */
export function parseChatId(value: unknown): ChatId | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (INTEGER.test(text)) {
    const id = Number(text)
    return Number.isSafeInteger(id) ? id : undefined
  }
  return USERNAME.test(text) ? text : undefined
}

/** Splits `"-100123, 42,@channel"` into entries; empty entries (a trailing comma) are ignored. */
export function splitChatList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

/**
 * The entries of a `chat_ids` value as old deployments hold it, each with its position in a list: a list (each string
 * in it split at commas), a comma-separated string, or a single number. Undefined for any other kind of value.
 * The registry's schema reports each bad entry; the plain reader (plain-registry.ts) accepts only good ones.
 */
export function chatIdEntries(value: unknown): Array<{entry: unknown; path: number[]}> | undefined {
  const split = (text: unknown, path: number[]) => (typeof text === 'string' ? splitChatList(text) : [text]).map((entry) => ({entry, path}))
  if (Array.isArray(value)) return value.flatMap((entry, index) => split(entry, [index]))
  if (typeof value === 'string' || typeof value === 'number') return split(value, [])
  return undefined
}

/** Two ids name the same chat: `-100123` and `"-100123"`, `@Name` and `@name` (usernames ignore case). */
export function sameChatId(a: ChatId, b: ChatId): boolean {
  if (typeof a === 'number' || typeof b === 'number') return parseChatId(a) === parseChatId(b)
  return a.toLowerCase() === b.toLowerCase()
}

/** The ids in their order, each chat once: a chat listed twice (`"4242,4242"`, `4242` and `"4242"`) gets one message. */
export function distinctChatIds<T extends ChatId>(chatIds: readonly T[]): T[] {
  return chatIds.filter((chatId, index) => chatIds.findIndex((other) => sameChatId(other, chatId)) === index)
}
