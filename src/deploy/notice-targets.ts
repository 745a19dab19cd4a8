import type {BotApiClient} from '../api/index.js'
import {type ChatId, type ResolvedBot, sameChatId} from '../config/index.js'
import type {ChatMigrations} from '../send/migrations.js'
import {UserError} from '../user-error.js'
import type {MessageRef} from './message-ids.js'
import type {NoticeTarget} from './publish-notice.js'

/** The config's chats, plus any chat an earlier message of this deploy went to. Throws when there is none. */
export function noticeChats(resolved: ResolvedBot | undefined, given: readonly string[], refs: readonly MessageRef[], chatsLabel: string): ChatId[] {
  const chatIds: ChatId[] = resolved ? resolved.chats.value.map((target) => target.chatId) : [...given]
  for (const ref of refs) if (!chatIds.some((chatId) => sameChatId(chatId, ref.chatId))) chatIds.push(ref.chatId)
  if (chatIds.length > 0) return chatIds
  let where = 'set TELEGRAM_CHAT_IDS'
  if (resolved?.registry && resolved.name) where = `add chat_ids to bot "${resolved.name}" in ${resolved.registry.display}`
  else if (resolved?.name) where = `add chat_ids to "${resolved.name}" in TELEGRAM_BOT_CONFIGS`
  throw new UserError(`no chat to send to: give ${chatsLabel}, or ${where}`)
}

/** A basic group's id (negative, without supergroups' -100 prefix): the only kind of chat Telegram migrates. */
const isBasicGroup = (chatId: ChatId) => typeof chatId === 'number' && chatId < 0 && !String(chatId).startsWith('-100')

/**
 * Pairs every chat with its message of this deploy. A configured group that was upgraded to a supergroup holds its
 * message under the new id (what `started` recorded): one `getChat` finds out, so that the final status edits that
 * message instead of sending a second notice to the same chat. Each chat appears once.
 */
export async function pairTargets(
  client: BotApiClient,
  chatIds: readonly ChatId[],
  refs: readonly MessageRef[],
  migrations: ChatMigrations,
): Promise<NoticeTarget[]> {
  const refFor = (chatId: ChatId) => refs.find((ref) => sameChatId(ref.chatId, chatId) || sameChatId(ref.chatId, migrations.current(chatId)))
  if (refs.length > 0) {
    const unmatched = chatIds.filter((chatId) => refFor(chatId) === undefined && isBasicGroup(chatId))
    // The client records an upgrade it is told about; any other answer leaves the chat as it is.
    await Promise.all(unmatched.map((chatId) => client.getChat({chat_id: chatId}).catch(() => undefined)))
  }
  const targets: NoticeTarget[] = []
  for (const chatId of chatIds) {
    const current = migrations.current(chatId)
    if (targets.some((target) => sameChatId(migrations.current(target.chatId), current))) continue
    targets.push({chatId, ref: refFor(chatId)})
  }
  return targets
}
