import type {BotApiClient} from '../api/index.js'
import {isTelegramApiError} from '../api/index.js'
import {type ChatId, sameChatId} from '../config/index.js'
import {describeFailure, type FailureDescription} from '../describe-failure.js'
import {type ParseMode, splitMessage} from '../format/index.js'
import {TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {deliverToChats} from '../send/deliver.js'
import {ChatMigrations} from '../send/migrations.js'
import type {MessageRef} from './message-ids.js'

export interface NoticeMessage {
  text: string
  parseMode?: ParseMode
  /** Sends without sound (new messages only: edits never notify). @default false */
  silent?: boolean
  threadId?: number
}

/** `sent`: a new message. `edited`: the earlier message now says this. `resent`: the edit failed, a new message went. */
export type NoticeOutcome = 'sent' | 'edited' | 'resent'

export interface ChatNotice {
  /** The chat as configured or referenced. */
  chatId: ChatId
  ok: boolean
  outcome?: NoticeOutcome
  /** The message that shows the notice now (the first part, when a long text was split). */
  messageId?: number
  /** Set when Telegram said this group became a supergroup: the notice is there now. */
  migratedTo?: number
  /** Why the edit did not work, when a new message was sent instead. */
  editError?: string
  error?: FailureDescription
}

export interface PublishOptions {
  /** @default a new limiter */
  limiter?: TelegramRateLimiter
  /** The one given to the client's `onMigrate`. @default a new one */
  migrations?: ChatMigrations
}

// Telegram's answer when the text is already what we asked for (a step re-run, two steps with the same status).
const NOT_MODIFIED = /message is not modified/i

/**
 * Puts a notice in every chat: edits the chat's earlier message when `refs` names one, and sends a new message
 * when there is none or the edit fails (message deleted, too old, chat upgraded). Chats are independent: one failing
 * does not stop the others.
 */
export async function publishNotice(
  client: BotApiClient,
  chatIds: readonly ChatId[],
  refs: readonly MessageRef[],
  message: NoticeMessage,
  options: PublishOptions = {},
): Promise<ChatNotice[]> {
  const limiter = options.limiter ?? new TelegramRateLimiter()
  const migrations = options.migrations ?? new ChatMigrations()
  const fitsOneMessage = splitMessage(message.text, {parseMode: message.parseMode}).length === 1

  const publish = async (chatId: ChatId): Promise<ChatNotice> => {
    const ref = refs.find((candidate) => sameChatId(candidate.chatId, chatId))
    let editError: string | undefined
    if (ref && fitsOneMessage) {
      try {
        await limiter.acquire(migrations.current(chatId))
        await client.editMessageText({
          chat_id: migrations.current(chatId),
          message_id: ref.messageId,
          text: message.text,
          parse_mode: message.parseMode,
          link_preview_options: {is_disabled: true},
        })
        return {chatId, ok: true, outcome: 'edited', messageId: ref.messageId, migratedTo: migrations.movedTo(chatId)}
      } catch (error) {
        if (isTelegramApiError(error) && NOT_MODIFIED.test(error.description)) {
          return {chatId, ok: true, outcome: 'edited', messageId: ref.messageId, migratedTo: migrations.movedTo(chatId)}
        }
        editError = describeFailure(error).message
      }
    } else if (ref) {
      editError = 'the notice is longer than one message'
    }
    const [delivery] = await deliverToChats(
      client,
      [chatId],
      {text: message.text, parseMode: message.parseMode, silent: message.silent, threadId: message.threadId, noPreview: true},
      {limiter, migrations},
    )
    const outcome: NoticeOutcome = ref ? 'resent' : 'sent'
    const common = {chatId, migratedTo: delivery!.migratedTo, ...(editError === undefined ? {} : {editError})}
    if (!delivery!.ok) return {...common, ok: false, error: delivery!.error}
    return {...common, ok: true, outcome, messageId: delivery!.messageIds[0]}
  }

  return Promise.all(chatIds.map(publish))
}
