import type {BotApiClient} from '../api/index.js'
import {isTelegramApiError, markupRefusal as telegramMarkupRefusal} from '../api/index.js'
import type {ChatId} from '../config/index.js'
import {describeFailure, type FailureDescription, type Outcome} from '../describe-failure.js'
import {htmlToPlainText, type ParseMode} from '../format/index.js'
import {limiterFor, type TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {ChatMigrations} from '../send/migrations.js'
import type {MessageRef} from './message-ids.js'

export interface NoticeMessage {
  /** One message's worth: the caller has fitted it (see fitMessage), so it is never split. */
  text: string
  parseMode?: ParseMode
  /** Sends without sound (new messages only: edits never notify). @default false */
  silent?: boolean
  threadId?: number
  /** @default false */
  linkPreview?: boolean
  /** `protect_content`. @default false */
  protect?: boolean
}

/** A chat to put the notice in, with the message of this deploy it has already, if any. */
export interface NoticeTarget {
  chatId: ChatId
  ref?: MessageRef
}

/** `sent`: a new message. `edited`: the earlier message now says this. `resent`: the edit failed, a new message went. */
export type NoticeOutcome = 'sent' | 'edited' | 'resent'

/** One chat's notice: shown (`ok`, with its message), or failed with `error`. */
export type ChatNotice = Outcome<{
  /** The chat as configured or referenced. */
  chatId: ChatId
  outcome?: NoticeOutcome
  /** The message that shows the notice now. */
  messageId?: number
  /** Set when Telegram said this group became a supergroup: the notice is there now. */
  migratedTo?: number
  /** Why the edit did not work, when a new message was sent instead. */
  editError?: string
  /** True when the edit found the text already there (a re-run): nothing changed, nobody is notified again. */
  unchanged?: boolean
}>

export interface PublishOptions {
  /** @default a new limiter */
  limiter?: TelegramRateLimiter
  /** The one given to the client's `onMigrate`. @default a new one */
  migrations?: ChatMigrations
  /** Turns what a call threw into the chat's failure. @default describeFailure */
  describeError?: (error: unknown) => FailureDescription
}

// Telegram's answer when the text is already what we asked for (a step re-run, two steps with the same status).
const NOT_MODIFIED = /message is not modified/i
// Telegram's answer to markup it cannot read: a new message with the same text would be refused the same way.
const markupRefusal = (failure: FailureDescription) => telegramMarkupRefusal(failure.telegramErrorCode, failure.message)

/**
 * Puts a notice in every chat: edits the chat's earlier message when the target names one, and sends a new message
 * when there is none or the edit fails (message deleted, too old). Chats are independent: one failing does not stop
 * the others.
 */
export async function publishNotice(
  client: BotApiClient,
  targets: readonly NoticeTarget[],
  message: NoticeMessage,
  options: PublishOptions = {},
): Promise<ChatNotice[]> {
  const limiter = options.limiter ?? limiterFor(client)
  const migrations = options.migrations ?? new ChatMigrations()
  const describe = options.describeError ?? describeFailure
  // Off unless asked: a commit link's preview would bury the notice.
  const linkPreview = message.linkPreview ? undefined : {is_disabled: true}

  const publish = async ({chatId, ref}: NoticeTarget): Promise<ChatNotice> => {
    const moved = () => migrations.movedTo(chatId)
    let editError: string | undefined
    if (ref) {
      try {
        await limiter.run(migrations.current(chatId), () =>
          client.editMessageText({
            chat_id: migrations.current(chatId),
            message_id: ref.messageId,
            text: message.text,
            parse_mode: message.parseMode,
            link_preview_options: linkPreview,
          }),
        )
        return {chatId, ok: true, outcome: 'edited', messageId: ref.messageId, migratedTo: moved()}
      } catch (error) {
        if (isTelegramApiError(error) && NOT_MODIFIED.test(error.description)) {
          return {chatId, ok: true, outcome: 'edited', messageId: ref.messageId, migratedTo: moved(), unchanged: true}
        }
        const failure = describe(error)
        // Out of time or unreachable: a new message would fail the same way. A 429 the client did not wait out is
        // Telegram asking for a pause, not a lost message: edits have their own limits, so a new message may well go
        // through and leave the chat with two notices. The message stays known, and the next status edits it.
        if (failure.code === 'unreachable' || failure.telegramErrorCode === 429 || markupRefusal(failure)) {
          return {chatId, ok: false, migratedTo: moved(), error: failure}
        }
        editError = failure.message
      }
    }
    const common = {chatId, ...(editError === undefined ? {} : {editError})}
    try {
      const sent = await limiter.run(migrations.current(chatId), () =>
        client.sendMessage({
          chat_id: migrations.current(chatId),
          message_thread_id: message.threadId,
          text: message.text,
          parse_mode: message.parseMode,
          disable_notification: message.silent || undefined,
          protect_content: message.protect || undefined,
          link_preview_options: linkPreview,
        }),
      )
      return {...common, ok: true, outcome: ref ? 'resent' : 'sent', messageId: sent.message_id, migratedTo: moved()}
    } catch (error) {
      return {...common, ok: false, migratedTo: moved(), error: describe(error)}
    }
  }

  return Promise.all(targets.map(publish))
}

/**
 * publishNotice, then, in the chats where Telegram refused the HTML ("can't parse entities": a `<` pasted into a
 * message), the same words as plain text: the notice matters more than its formatting. One warning per such chat.
 */
export async function publishOrPlain(
  client: BotApiClient,
  targets: readonly NoticeTarget[],
  message: NoticeMessage,
  options: PublishOptions = {},
): Promise<{notices: ChatNotice[]; warnings: string[]}> {
  const notices = await publishNotice(client, targets, message, options)
  const refused = message.parseMode === 'HTML' ? notices.flatMap((notice, index) => (!notice.ok && markupRefusal(notice.error) ? [index] : [])) : []
  if (refused.length === 0) return {notices, warnings: []}
  const plain = {...message, text: htmlToPlainText(message.text), parseMode: undefined}
  const again = await publishNotice(client, refused.map((index) => targets[index]!), plain, options)
  const warnings = refused.map((index, at) => {
    const notice = notices[index]!
    const reason = notice.ok ? '' : markupRefusal(notice.error)
    notices[index] = again[at]!
    return `chat ${String(notice.chatId)}: Telegram refused the notice's HTML (${reason}): sent as plain text`
  })
  return {notices, warnings}
}

export interface ReplyOptions {
  limiter: TelegramRateLimiter
  migrations: ChatMigrations
  threadId?: number
  silent?: boolean
  protect?: boolean
  describeError?: (error: unknown) => FailureDescription
}

/**
 * Replies to the notice in each chat where it was edited: an edit never notifies, a reply does, so a failed deploy
 * pings the chat. Returns one warning per chat the reply did not reach (the notice itself is there).
 */
export async function replyToNotices(
  client: BotApiClient,
  notices: readonly ChatNotice[],
  reply: {text: string; parseMode?: ParseMode},
  options: ReplyOptions,
): Promise<string[]> {
  const describe = options.describeError ?? describeFailure
  const edited = notices.filter((notice) => notice.ok && notice.outcome === 'edited' && !notice.unchanged)
  const warnings = await Promise.all(
    edited.map(async (notice) => {
      const chatId = options.migrations.current(notice.chatId)
      try {
        await options.limiter.run(chatId, () =>
          client.sendMessage({
            chat_id: chatId,
            message_thread_id: options.threadId,
            text: reply.text,
            parse_mode: reply.parseMode,
            disable_notification: options.silent || undefined,
            protect_content: options.protect || undefined,
            link_preview_options: {is_disabled: true},
            reply_parameters: {message_id: notice.messageId!, allow_sending_without_reply: true},
          }),
        )
        return undefined
      } catch (error) {
        return `chat ${String(chatId)}: the notice was edited, but the reply that notifies the chat failed (${describe(error).message})`
      }
    }),
  )
  return warnings.filter((warning) => warning !== undefined)
}
