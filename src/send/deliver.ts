import type {Message} from '@grammyjs/types'

import type {BotApiClient, InputFileSource} from '../api/index.js'
import {describeFailure, type FailureDescription} from '../describe-failure.js'
import {splitCaption, splitMessage} from '../format/index.js'
import {TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {ChatMigrations} from './migrations.js'
import type {OutgoingMessage} from './outgoing-message.js'

export interface ChatDelivery {
  /** The chat as configured. */
  chatId: number | string
  ok: boolean
  /** Every message sent to this chat, in order (a long text becomes several). */
  messageIds: number[]
  /** Set when Telegram reported that this group was upgraded to a supergroup. */
  migratedTo?: number
  error?: FailureDescription
}

export interface DeliverOptions {
  /** Share one limiter between calls that use the same bot. @default a new limiter */
  limiter?: TelegramRateLimiter
  /** Where the client records chat upgrades (pass the one given to the client's `onMigrate`). */
  migrations?: ChatMigrations
}

interface Parts {
  caption?: string
  texts: string[]
}

/**
 * Sends one message to every chat, concurrently within Telegram's limits. One chat failing does not stop the
 * others: each chat gets its own result. A file is uploaded once, then reused by its `file_id`.
 */
export async function deliverToChats(
  client: BotApiClient,
  chatIds: ReadonlyArray<number | string>,
  message: OutgoingMessage,
  options: DeliverOptions = {},
): Promise<ChatDelivery[]> {
  const context = {
    client,
    message,
    parts: planParts(message),
    limiter: options.limiter ?? new TelegramRateLimiter(),
    migrations: options.migrations ?? new ChatMigrations(),
  }
  const [first, ...others] = chatIds
  if (first === undefined) return []
  if (!message.media || others.length === 0 || !isUpload(message.media.source)) {
    return Promise.all(chatIds.map((chatId) => deliverToChat(context, chatId, message.media?.source)))
  }
  const firstDelivery = await deliverToChat(context, first, message.media.source)
  const source = firstDelivery.fileId ? {fileId: firstDelivery.fileId} : message.media.source
  const rest = await Promise.all(others.map((chatId) => deliverToChat(context, chatId, source)))
  return [firstDelivery, ...rest].map(({fileId: _fileId, ...delivery}) => delivery)
}

function planParts(message: OutgoingMessage): Parts {
  const text = message.text ?? ''
  if (message.media) {
    const {caption, rest} = splitCaption(text, message.parseMode)
    return {caption: caption === '' ? undefined : caption, texts: rest}
  }
  return {texts: splitMessage(text, {parseMode: message.parseMode})}
}

interface DeliveryContext {
  client: BotApiClient
  message: OutgoingMessage
  parts: Parts
  limiter: TelegramRateLimiter
  migrations: ChatMigrations
}

async function deliverToChat(
  {client, message, parts, limiter, migrations}: DeliveryContext,
  chatId: number | string,
  mediaSource: InputFileSource | undefined,
): Promise<ChatDelivery & {fileId?: string}> {
  const messageIds: number[] = []
  let fileId: string | undefined
  const common = () => ({
    chat_id: migrations.current(chatId),
    message_thread_id: message.threadId,
    disable_notification: message.silent || undefined,
    protect_content: message.protect || undefined,
  })
  // The buttons go on the last message, where the reader ends up.
  const markupFor = (isLast: boolean) => (isLast ? message.replyMarkup : undefined)
  try {
    if (message.media && mediaSource) {
      await limiter.acquire(migrations.current(chatId))
      const isLast = parts.texts.length === 0
      const params = {...common(), caption: parts.caption, parse_mode: message.parseMode, reply_markup: markupFor(isLast)}
      const sent: Message =
        message.media.kind === 'photo'
          ? await client.sendPhoto({...params, photo: mediaSource})
          : await client.sendDocument({...params, document: mediaSource})
      messageIds.push(sent.message_id)
      fileId = sentFileId(sent)
    }
    for (const [index, text] of parts.texts.entries()) {
      await limiter.acquire(migrations.current(chatId))
      const sent = await client.sendMessage({
        ...common(),
        text,
        parse_mode: message.parseMode,
        link_preview_options: message.noPreview ? {is_disabled: true} : undefined,
        reply_markup: markupFor(index === parts.texts.length - 1),
      })
      messageIds.push(sent.message_id)
    }
    return {chatId, ok: true, messageIds, migratedTo: migrations.movedTo(chatId), fileId}
  } catch (error) {
    return {chatId, ok: false, messageIds, migratedTo: migrations.movedTo(chatId), error: describeFailure(error)}
  }
}

function isUpload(source: InputFileSource): boolean {
  return 'path' in source || 'stream' in source
}

function sentFileId(sent: Message): string | undefined {
  if ('document' in sent && sent.document) return sent.document.file_id
  if ('photo' in sent && sent.photo) return sent.photo.at(-1)?.file_id
  return undefined
}
