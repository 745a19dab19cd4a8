import type {Chat, ChatFullInfo, Message, Update} from '@grammyjs/types'

import {type BotApiClient, isTelegramApiError} from './api/index.js'
import {UserError} from './user-error.js'

export interface DiscoveredChat {
  id: number
  type: Chat['type']
  /** Group or channel title, or a private chat's full name. */
  title: string
  username?: string
  /** Forum topics seen in the updates, with their names when the creation was seen. */
  topics: Array<{threadId: number; name?: string}>
}

const WEBHOOK_ACTIVE =
  'a webhook is set for this bot, and Telegram serves getUpdates only without one: ' +
  'run `fastpay-tg webhook delete` first (the webhook stops receiving), or use `discover --lookup @name|ID`'

/**
 * The chats a bot has seen, from the pending updates. Read-only: no offset is confirmed, so the updates stay
 * queued for whatever consumes them.
 */
export async function discoverChats(client: BotApiClient): Promise<DiscoveredChat[]> {
  let updates: Update[]
  try {
    updates = await client.getUpdates({timeout: 0, allowed_updates: ['message', 'edited_message', 'channel_post', 'my_chat_member', 'callback_query']})
  } catch (error) {
    if (isTelegramApiError(error) && error.errorCode === 409) throw new UserError(WEBHOOK_ACTIVE)
    throw error
  }
  const chats = new Map<number, DiscoveredChat>()
  for (const update of updates) {
    for (const message of messagesOf(update)) noteMessage(chats, message)
    const memberChat = update.my_chat_member?.chat
    if (memberChat) noteChat(chats, memberChat)
  }
  return [...chats.values()]
}

/** One chat by `@username` or id, through getChat (works while a webhook is set). */
export async function lookupChat(client: BotApiClient, chatId: number | string): Promise<DiscoveredChat & {description?: string; isForum: boolean}> {
  const chat: ChatFullInfo = await client.getChat({chat_id: chatId})
  return {...describeChat(chat), description: chat.description, isForum: chat.is_forum === true}
}

function messagesOf(update: Update): Message[] {
  const messages: Array<Message | undefined> = [update.message, update.edited_message, update.channel_post, update.edited_channel_post]
  // An inaccessible callback message (date 0) still names its chat, which is all discovery needs.
  const callbackMessage = update.callback_query?.message
  if (callbackMessage) messages.push(callbackMessage as Message)
  return messages.filter((message) => message !== undefined)
}

function noteMessage(chats: Map<number, DiscoveredChat>, message: Message): void {
  const chat = noteChat(chats, message.chat)
  if (message.is_topic_message && message.message_thread_id !== undefined) {
    const name = message.forum_topic_created?.name
    const known = chat.topics.find((topic) => topic.threadId === message.message_thread_id)
    if (!known) chat.topics.push({threadId: message.message_thread_id, ...(name ? {name} : {})})
    else if (name) known.name = name
  }
}

function noteChat(chats: Map<number, DiscoveredChat>, chat: Chat): DiscoveredChat {
  const existing = chats.get(chat.id)
  if (existing) return existing
  const discovered = describeChat(chat)
  chats.set(chat.id, discovered)
  return discovered
}

function describeChat(chat: Chat | ChatFullInfo): DiscoveredChat {
  const title = 'title' in chat && chat.title ? chat.title : [chat.first_name, chat.last_name].filter(Boolean).join(' ')
  return {id: chat.id, type: chat.type, title, ...(chat.username ? {username: chat.username} : {}), topics: []}
}
