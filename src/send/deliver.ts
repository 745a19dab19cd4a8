import {basename} from 'node:path'

import type {Message} from '@grammyjs/types'

import {type BotApiClient, type InputFileSource, markupRefusal, TelegramApiError} from '../api/index.js'
import {distinctChatIds} from '../config/chat-id.js'
import {describeFailure, type Outcome} from '../describe-failure.js'
import {htmlToPlainText, splitCaption, splitMessage} from '../format/index.js'
import {limiterFor, type TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {ChatMigrations, ListedTooError, whileDeliveringTo} from './migrations.js'
import type {OutgoingMessage} from './outgoing-message.js'
import {FileChangedError, UnchangedFile} from './unchanged-file.js'

/** One chat's delivery: sent (`ok`), or failed with `error` (some messages of a long text may have gone). */
export type ChatDelivery = Outcome<{
  /** The chat as configured. */
  chatId: number | string
  /** Every message sent to this chat, in order (a long text becomes several). */
  messageIds: number[]
  /** Set when Telegram reported that this group was upgraded to a supergroup. */
  migratedTo?: number
}>

export interface DeliverOptions {
  /** @default the client's process-wide limiter (`limiterFor(client)`), shared with every other door */
  limiter?: TelegramRateLimiter
  /** Where the client records chat upgrades (pass the one given to the client's `onMigrate`). */
  migrations?: ChatMigrations
  /**
   * Told as each chat's delivery ends, in the order they end, with the number of chats (a progress line); the
   * result keeps chat order.
   */
  onChatDone?: (delivery: ChatDelivery, total: number) => void
  /**
   * Told after each message of a chat's several but its last, with how many it has had so far in this delivery: the
   * outbox records it, so that a run killed between two parts does not give the chat the first ones again. The next
   * part waits for the promise it returns (the record written).
   */
  onPartSent?: PartSent
}

/** See DeliverOptions.onPartSent. */
export type PartSent = (chatId: number | string, sent: number) => unknown

/** One `onChatDone` telling each listener given, in order (the outbox's record of a chat, then a progress line). */
export function tellEach(...listeners: Array<DeliverOptions['onChatDone'] | undefined>): NonNullable<DeliverOptions['onChatDone']> {
  return (delivery, total) => {
    for (const listener of listeners) listener?.(delivery, total)
  }
}

interface Parts {
  caption?: string
  texts: string[]
  /** The chats already have the photo or document (see OutgoingMessage.skipParts): only texts go. */
  mediaSent?: boolean
}

/**
 * Sends one message to every chat (a chat listed twice, once), concurrently within Telegram's limits. One chat
 * failing does not stop the others: each chat gets its own result. A file is uploaded once and reused by its
 * `file_id`; every upload (another chat after a refusal, a retry, an answer without `file_id`) sends the same bytes,
 * or fails if the file changed.
 */
export async function deliverToChats(
  client: BotApiClient,
  listed: ReadonlyArray<number | string>,
  message: OutgoingMessage,
  options: DeliverOptions = {},
): Promise<ChatDelivery[]> {
  const chatIds = distinctChatIds(listed)
  const context: DeliveryContext = {
    client,
    message,
    parts: planParts(message),
    limiter: options.limiter ?? limiterFor(client),
    migrations: options.migrations ?? new ChatMigrations(),
    listed: new Set(chatIds.map(String)),
    onChatDone: options.onChatDone && ((delivery: ChatDelivery) => options.onChatDone!(delivery, chatIds.length)),
    ...(options.onPartSent ? {onPartSent: options.onPartSent} : {}),
  }
  const source = message.media?.source
  if (source !== undefined && 'stream' in source && chatIds.length > 1) {
    // Read once, a stream would leave every chat after the first an empty file.
    throw new TypeError('deliverToChats: a stream can be uploaded to one chat only; spool it to a file first (openInputFile)')
  }
  return whileDeliveringTo(chatIds, async () => {
    if (source === undefined || !('path' in source) || context.parts.mediaSent) {
      return Promise.all(chatIds.map((chatId) => deliverToChat(context, chatId, source)))
    }
    const pinned = await UnchangedFile.pin(source.path, source.filename ?? basename(source.path))
    return deliverUpload(context, chatIds, source, pinned)
  })
}

/**
 * Uploads to one chat at a time until Telegram answers with a `file_id`, then sends that to the others at once.
 * Uploading one at a time also means a file that changes stops the broadcast at the first chat that would notice.
 */
async function deliverUpload(
  context: DeliveryContext,
  chatIds: ReadonlyArray<number | string>,
  upload: InputFileSource,
  pinned: UnchangedFile,
): Promise<ChatDelivery[]> {
  const deliveries: ChatDelivery[] = []
  let uploaded: InputFileSource | undefined
  let next = 0
  while (uploaded === undefined && next < chatIds.length) {
    const {fileId, fileChanged, ...delivery} = await deliverToChat(context, chatIds[next++]!, upload, pinned)
    deliveries.push(delivery)
    if (fileChanged && !delivery.ok) {
      // Whatever the others would get is not the file the first chats got.
      const rest = chatIds.slice(next).map((chatId): ChatDelivery => ({chatId, ok: false, messageIds: [], error: delivery.error}))
      for (const skipped of rest) context.onChatDone?.(skipped)
      return [...deliveries, ...rest]
    }
    if (fileId !== undefined) uploaded = {fileId}
  }
  const rest = await Promise.all(chatIds.slice(next).map((chatId) => deliverToChat(context, chatId, uploaded)))
  return [...deliveries, ...rest.map(({fileId: _fileId, fileChanged: _changed, ...delivery}) => delivery)]
}

function planParts(message: OutgoingMessage): Parts {
  const text = message.text ?? ''
  const skip = message.skipParts ?? 0
  if (message.media) {
    const {caption, rest} = splitCaption(text, message.parseMode)
    if (skip > 0) return {texts: rest.slice(skip - 1), mediaSent: true}
    return {caption: caption === '' ? undefined : caption, texts: rest}
  }
  return {texts: splitMessage(text, {parseMode: message.parseMode}).slice(skip)}
}

interface DeliveryContext {
  client: BotApiClient
  message: OutgoingMessage
  parts: Parts
  limiter: TelegramRateLimiter
  migrations: ChatMigrations
  /** The delivery's chats, as `String(chatId)`. */
  listed: ReadonlySet<string>
  onChatDone?: (delivery: ChatDelivery) => void
  onPartSent?: PartSent
}

async function deliverToChat(
  context: DeliveryContext,
  chatId: number | string,
  mediaSource: InputFileSource | undefined,
  pinned?: UnchangedFile,
): Promise<ChatDelivery & {fileId?: string; fileChanged?: boolean}> {
  const {fileId, fileChanged, ...delivery} = await sendToChat(context, chatId, mediaSource, pinned)
  context.onChatDone?.(delivery)
  return {...delivery, ...(fileId === undefined ? {} : {fileId}), ...(fileChanged === undefined ? {} : {fileChanged})}
}

async function sendToChat(
  {client, message, parts, limiter, migrations, listed, onPartSent}: DeliveryContext,
  chatId: number | string,
  mediaSource: InputFileSource | undefined,
  pinned?: UnchangedFile,
): Promise<ChatDelivery & {fileId?: string; fileChanged?: boolean}> {
  // Upgraded earlier in this process (a flush's previous entry) to a chat this delivery also lists: that one sends.
  const upgradedTo = migrations.movedTo(chatId)
  if (upgradedTo !== undefined && listed.has(String(upgradedTo))) return {chatId, ok: true, messageIds: [], migratedTo: upgradedTo}
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
    if (message.media && mediaSource && !parts.mediaSent) {
      const {kind} = message.media
      const isLast = parts.texts.length === 0
      const params = {...common(), caption: parts.caption, parse_mode: message.parseMode, reply_markup: markupFor(isLast)}
      const sent: Message = await limiter.run(migrations.current(chatId), async () => {
        await pinned?.check()
        return kind === 'photo' ? client.sendPhoto({...params, photo: mediaSource}) : client.sendDocument({...params, document: mediaSource})
      })
      messageIds.push(sent.message_id)
      fileId = sentFileId(sent)
      await pinned?.check()
      if (parts.texts.length > 0) await onPartSent?.(chatId, messageIds.length)
    }
    for (const [index, text] of parts.texts.entries()) {
      const send = (formatted: boolean) =>
        limiter.run(migrations.current(chatId), () =>
          client.sendMessage({
            ...common(),
            text: formatted ? text : htmlToPlainText(text),
            parse_mode: formatted ? message.parseMode : undefined,
            link_preview_options: message.noPreview ? {is_disabled: true} : undefined,
            reply_markup: markupFor(index === parts.texts.length - 1),
          }),
        )
      const sent = await send(true).catch((error: unknown) => {
        if (message.plainFallback && message.parseMode === 'HTML' && isMarkupRefusal(error)) return send(false)
        throw error
      })
      messageIds.push(sent.message_id)
      if (index < parts.texts.length - 1) await onPartSent?.(chatId, messageIds.length)
    }
    return {chatId, ok: true, messageIds, migratedTo: migrations.movedTo(chatId), fileId}
  } catch (error) {
    // Upgraded to a chat this delivery also lists: that chat's own send is its one message.
    if (error instanceof ListedTooError) return {chatId, ok: true, messageIds, migratedTo: error.toChatId, fileId}
    const fileChanged = error instanceof FileChangedError || undefined
    return {chatId, ok: false, messageIds, migratedTo: migrations.movedTo(chatId), error: describeFailure(error), fileChanged}
  }
}

function isMarkupRefusal(error: unknown): boolean {
  return error instanceof TelegramApiError && markupRefusal(error.errorCode, error.description) !== undefined
}

function sentFileId(sent: Message): string | undefined {
  if ('document' in sent && sent.document) return sent.document.file_id
  if ('photo' in sent && sent.photo) return sent.photo.at(-1)?.file_id
  return undefined
}
