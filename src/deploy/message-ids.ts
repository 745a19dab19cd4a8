import {type ChatId, parseChatId, sameChatId} from '../config/index.js'

/** A message a notice went to: what `started` outputs and a later status edits. */
export interface MessageRef {
  chatId: ChatId
  messageId: number
}

/**
 * Parses `chatId:messageId,chatId:messageId` (`-1001234567890:17,@fastpay_status:9`); blank means none.
 * Returns the problem as text when the list is malformed.
 */
export function parseMessageIds(text: string): MessageRef[] | {problem: string} {
  const refs: MessageRef[] = []
  for (const entry of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const colon = entry.lastIndexOf(':')
    const chatId = colon > 0 ? parseChatId(entry.slice(0, colon)) : undefined
    const messageId = colon > 0 && /^\d+$/.test(entry.slice(colon + 1)) ? Number(entry.slice(colon + 1)) : undefined
    if (chatId === undefined || messageId === undefined || !Number.isSafeInteger(messageId) || messageId < 1) {
      return {problem: `expected chatId:messageId pairs separated by commas, like -1001234567890:17, got ${JSON.stringify(entry)}`}
    }
    if (refs.some((ref) => sameChatId(ref.chatId, chatId))) return {problem: `chat ${String(chatId)} is listed twice`}
    refs.push({chatId, messageId})
  }
  return refs
}

/** `-1001234567890:17,4242:9`: the Action's `message-ids` output and the CLI's output line. */
export function formatMessageIds(refs: readonly MessageRef[]): string {
  return refs.map((ref) => `${ref.chatId}:${ref.messageId}`).join(',')
}
