import type {BotApiClient} from '../api/index.js'
import {type ChatId, type ResolvedBot, sameChatId} from '../config/index.js'
import type {ChatMigrations} from '../send/migrations.js'
import {UserError} from '../user-error.js'
import type {MessageRef} from './message-ids.js'
import type {NoticeTarget} from './publish-notice.js'

/**
 * The config's chats, plus any chat an earlier message of this deploy went to: a last step given fewer chats (or only
 * message-ids) must still finish every chat's notice. So steps with different chats in one job, bot and environment
 * share one notice (README, Action: "One job, one bot and one environment make one notice"). Throws when there is none.
 */
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
  const numericIds = new Map<string, number>()
  const current = (chatId: ChatId): ChatId => (typeof chatId === 'string' ? numericIds.get(chatId.toLowerCase()) : undefined) ?? migrations.current(chatId)
  const refFor = (chatId: ChatId) => refs.find((ref) => sameChatId(current(ref.chatId), current(chatId)) || sameChatId(ref.chatId, chatId))
  if (refs.length > 0) {
    const unmatched = chatIds.filter((chatId) => refFor(chatId) === undefined)
    // The client records an upgrade it is told about; any other answer leaves the chat as it is.
    await Promise.all(unmatched.filter(isBasicGroup).map((chatId) => client.getChat({chat_id: chatId}).catch(() => undefined)))
    // One chat named two ways (`@fastpay_status` when started, its id now): its numeric id tells, so that it gets its
    // notice edited instead of a second one.
    if (unmatched.length > 0) await learnNumericIds(client, [...chatIds, ...refs.map((ref) => ref.chatId)], numericIds)
  }
  const targets: NoticeTarget[] = []
  for (const chatId of chatIds) {
    if (targets.some((target) => sameChatId(current(target.chatId), current(chatId)))) continue
    targets.push({chatId, ref: refFor(chatId)})
  }
  return targets
}

/** The numeric id of each `@username` among `chatIds` (one getChat each); one Telegram cannot tell stays a name. */
async function learnNumericIds(client: BotApiClient, chatIds: readonly ChatId[], into: Map<string, number>): Promise<void> {
  const names = [...new Set(chatIds.filter((chatId): chatId is string => typeof chatId === 'string' && chatId.startsWith('@')).map((name) => name.toLowerCase()))]
  await Promise.all(
    names.map(async (name) => {
      const chat = await client.getChat({chat_id: name}).catch(() => undefined)
      if (chat !== undefined) into.set(name, chat.id)
    }),
  )
}
