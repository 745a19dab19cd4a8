import type {Chat, ChatFullInfo, Document, Message, Update, UserFromGetMe} from '@grammyjs/types'
import {badRequest, type FakeApiError} from './api-error.js'
import type {FakeBot, FakeChat} from './types.js'

export interface WebhookState {
  url: string
  secretToken?: string
  maxConnections: number
  allowedUpdates?: string[]
  lastErrorDate?: number
  lastErrorMessage?: string
}

/** A getUpdates call waiting for updates (long polling). */
export interface PendingPoll {
  wake: (outcome: 'updates' | FakeApiError) => void
}

export interface BotState {
  token: string
  user: UserFromGetMe
  updates: Update[]
  nextUpdateId: number
  webhook?: WebhookState
  poll?: PendingPoll
}

export interface ChatState {
  info: FakeChat
  nextMessageId: number
  messages: Map<number, Message>
  migratedTo?: number
}

export type UpdateInput = Omit<Update, 'update_id'> & {update_id?: number}

/** Everything the fake Telegram remembers between requests. */
export class FakeState {
  readonly bots = new Map<string, BotState>()
  readonly chats = new Map<number, ChatState>()
  /** Documents uploaded so far, so that sending one again by file_id echoes its name and size. */
  readonly files = new Map<string, Document>()

  constructor(readonly now: () => number) {}

  addBot(bot: FakeBot): void {
    const user: UserFromGetMe = {
      id: bot.id,
      is_bot: true,
      first_name: bot.first_name ?? bot.username,
      username: bot.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    }
    this.bots.set(bot.token, {token: bot.token, user, updates: [], nextUpdateId: 1})
  }

  addChat(chat: FakeChat): void {
    this.chats.set(chat.id, {info: chat, nextMessageId: 1, messages: new Map()})
  }

  /** The group becomes a supergroup with a new id, as Telegram does on upgrade. */
  migrateChat(oldId: number, newId: number): void {
    const old = this.chats.get(oldId)
    if (old === undefined) throw new Error(`migrateChat: unknown chat ${oldId}`)
    old.migratedTo = newId
    this.addChat({...old.info, id: newId, type: 'supergroup'})
  }

  /** Resolves a `chat_id` parameter (number, numeric string or `@username`) the way Telegram does. */
  resolveChat(chatId: unknown): ChatState {
    if (chatId === undefined || chatId === null || chatId === '') throw badRequest('chat_id is empty')
    let chat: ChatState | undefined
    if (typeof chatId === 'string' && chatId.startsWith('@')) {
      const username = chatId.slice(1).toLowerCase()
      chat = [...this.chats.values()].find(
        (candidate) => candidate.migratedTo === undefined && candidate.info.username?.toLowerCase() === username,
      )
    } else if (typeof chatId === 'number' || /^-?\d+$/.test(String(chatId))) {
      chat = this.chats.get(Number(chatId))
    }
    if (chat === undefined) throw badRequest('chat not found')
    if (chat.migratedTo !== undefined) {
      throw badRequest('group chat was upgraded to a supergroup chat', {migrate_to_chat_id: chat.migratedTo})
    }
    return chat
  }

  /** Stores a new message in the chat with the next message_id. */
  addMessage(bot: BotState, chat: ChatState, content: Partial<Message>): Message {
    const sender = chat.info.type === 'channel' ? {sender_chat: chatObject(chat.info)} : {from: botUser(bot)}
    const message = {
      message_id: chat.nextMessageId++,
      ...sender,
      chat: chatObject(chat.info),
      date: Math.floor(this.now() / 1000),
      ...content,
    } as Message
    chat.messages.set(message.message_id, message)
    return message
  }

  pushUpdate(update: UpdateInput, token?: string): number {
    const bot = token === undefined ? this.bots.values().next().value : this.bots.get(token)
    if (bot === undefined) throw new Error(`pushUpdate: unknown bot ${token === undefined ? '(none added)' : ''}`)
    const updateId = update.update_id ?? bot.nextUpdateId
    bot.nextUpdateId = Math.max(bot.nextUpdateId, updateId + 1)
    bot.updates.push({...update, update_id: updateId} as Update)
    bot.poll?.wake('updates')
    return updateId
  }

  /** Answers every waiting long poll: used on reset and close so that no timer outlives the server. */
  wakeAllPolls(): void {
    for (const bot of this.bots.values()) bot.poll?.wake('updates')
  }
}

function botUser(bot: BotState) {
  return {id: bot.user.id, is_bot: true, first_name: bot.user.first_name, username: bot.user.username}
}

export function chatObject(info: FakeChat): Chat {
  const chat: Record<string, unknown> = {id: info.id, type: info.type}
  if (info.type === 'private') {
    chat.first_name = info.first_name ?? info.username ?? 'User'
    if (info.last_name !== undefined) chat.last_name = info.last_name
  } else {
    chat.title = info.title ?? info.username ?? `Chat ${info.id}`
  }
  if (info.username !== undefined && info.type !== 'group') chat.username = info.username
  if (info.is_forum && info.type === 'supergroup') chat.is_forum = true
  return chat as unknown as Chat
}

export function chatFullInfo(info: FakeChat): ChatFullInfo {
  return {
    ...chatObject(info),
    accent_color_id: 0,
    max_reaction_count: 11,
    accepted_gift_types: {
      unlimited_gifts: false,
      limited_gifts: false,
      unique_gifts: false,
      premium_subscription: false,
      gifts_from_channels: false,
    },
  } as ChatFullInfo
}
