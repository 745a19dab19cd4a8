import {randomBytes} from 'node:crypto'
import type {Document, Message, PhotoSize} from '@grammyjs/types'
import {badRequest, FakeApiError} from './api-error.js'
import type {MethodContext, MethodHandler} from './method-context.js'
import type {ChatState} from './state.js'
import {checkText} from './text-rules.js'

/** Telegram's limit for files a bot uploads. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024

function fileIds(prefix: string) {
  return {file_id: prefix + randomBytes(24).toString('base64url'), file_unique_id: `AQAD${randomBytes(6).toString('base64url')}`}
}

/** Rate limits apply to new messages only, after the request itself was found valid. */
function admit(context: MethodContext, chat: ChatState): void {
  const isGroup = chat.info.type !== 'private'
  const retryAfter = context.limiter.admit(context.bot.token, chat.info.id, isGroup)
  if (retryAfter !== undefined) {
    throw new FakeApiError(429, `Too Many Requests: retry after ${retryAfter}`, {retry_after: retryAfter})
  }
}

/** Fields every sent message echoes from its parameters. */
function commonFields(context: MethodContext, chat: ChatState): Partial<Message> {
  const fields: Record<string, unknown> = {}
  const threadId = context.params.int('message_thread_id')
  if (threadId !== undefined) {
    fields.message_thread_id = threadId
    if (chat.info.is_forum) fields.is_topic_message = true
  }
  // Telegram echoes only inline keyboards; reply keyboards live on the client.
  const markup = context.params.json<{inline_keyboard?: unknown}>('reply_markup')
  if (markup?.inline_keyboard !== undefined) fields.reply_markup = markup
  return fields as Partial<Message>
}

function caption(context: MethodContext): Partial<Message> {
  const raw = context.params.string('caption')
  if (raw === undefined || raw === '') return {}
  const parseMode = context.params.string('parse_mode')
  return {caption: checkText(raw, parseMode, 'caption', context.strictAmpersand)}
}

type MediaSource =
  | {kind: 'upload'; name: string; size: number; contentType: string}
  | {kind: 'url'; url: string}
  | {kind: 'fileId'; fileId: string}

/** A file parameter: a multipart upload (directly or by `attach://name`), an HTTP URL or a file_id. */
function mediaSource(context: MethodContext, field: 'photo' | 'document'): MediaSource {
  const value = context.params.string(field)
  const uploadField = value?.startsWith('attach://') ? value.slice('attach://'.length) : field
  const upload = context.files.find((file) => file.field === uploadField)
  if (upload !== undefined) {
    // Telegram's answer to a zero-byte part, for a photo as for a document.
    if (upload.size === 0) throw badRequest('file must be non-empty')
    return {kind: 'upload', name: upload.name, size: upload.size, contentType: upload.contentType}
  }
  if (value === undefined || value === '' || value.startsWith('attach://')) {
    throw badRequest(`there is no ${field} in the request`)
  }
  if (/^https?:\/\//i.test(value)) return {kind: 'url', url: value}
  return {kind: 'fileId', fileId: value}
}

function documentFrom(context: MethodContext, source: MediaSource): Document {
  if (source.kind === 'fileId') {
    const known = context.state.files.get(source.fileId)
    return {file_id: source.fileId, file_unique_id: known?.file_unique_id ?? 'AQADunknown', ...known}
  }
  if (source.kind === 'url') {
    const name = decodeURIComponent(new URL(source.url).pathname.split('/').pop() || 'file')
    return {...fileIds('BQACAgIAAxkBAAI'), file_name: name, mime_type: 'application/octet-stream'}
  }
  if (source.size > MAX_UPLOAD_BYTES) throw new FakeApiError(413, 'Request Entity Too Large')
  const document: Document = {
    ...fileIds('BQACAgIAAxkBAAI'),
    file_name: source.name,
    mime_type: source.contentType || 'application/octet-stream',
    file_size: source.size,
  }
  context.state.files.set(document.file_id, document)
  return document
}

/** Telegram's limit for a photo; a larger image is refused as sendPhoto, while a document may be 50 MB. */
const MAX_PHOTO_BYTES = 10 * 1000 * 1000

function photoFrom(source: MediaSource): PhotoSize[] {
  // The Bot API passes on the MTProto error for an image over 10 MB.
  if (source.kind === 'upload' && source.size > MAX_PHOTO_BYTES) throw badRequest('PHOTO_SAVE_FILE_INVALID')
  const size = source.kind === 'upload' ? source.size : 64_000
  const small = {...fileIds('AgACAgIAAxkBAAI'), width: 90, height: 90, file_size: Math.min(size, 1_500)}
  const large = {...fileIds('AgACAgIAAxkBAAI'), width: 1280, height: 1280, file_size: size}
  return [small, large]
}

const sendMessage: MethodHandler = (context) => {
  const chat = context.state.resolveChat(context.params.raw.chat_id)
  const raw = context.params.string('text') ?? ''
  const text = checkText(raw, context.params.string('parse_mode'), 'text', context.strictAmpersand)
  admit(context, chat)
  return context.state.addMessage(context.bot, chat, {text, ...commonFields(context, chat)})
}

const sendPhoto: MethodHandler = (context) => {
  const chat = context.state.resolveChat(context.params.raw.chat_id)
  const captionFields = caption(context)
  const photo = photoFrom(mediaSource(context, 'photo'))
  admit(context, chat)
  return context.state.addMessage(context.bot, chat, {photo, ...captionFields, ...commonFields(context, chat)})
}

const sendDocument: MethodHandler = (context) => {
  const chat = context.state.resolveChat(context.params.raw.chat_id)
  const captionFields = caption(context)
  const document = documentFrom(context, mediaSource(context, 'document'))
  admit(context, chat)
  return context.state.addMessage(context.bot, chat, {document, ...captionFields, ...commonFields(context, chat)})
}

const editMessageText: MethodHandler = (context) => {
  const {params} = context
  const raw = params.string('text') ?? ''
  const text = checkText(raw, params.string('parse_mode'), 'text', context.strictAmpersand)
  if (params.has('inline_message_id')) return true
  const chat = context.state.resolveChat(params.raw.chat_id)
  const messageId = params.int('message_id')
  if (messageId === undefined) throw badRequest('message identifier is not specified')
  const message = chat.messages.get(messageId)
  if (message === undefined) throw badRequest('message to edit not found')
  // A bot edits only what it sent (in a channel the post carries no sender, so that is not checked).
  if (message.from !== undefined && message.from.id !== context.bot.user.id) throw badRequest("message can't be edited")
  if (message.text === undefined) throw badRequest('there is no text in the message to edit')
  const markup = commonFields(context, chat).reply_markup
  if (message.text === text && JSON.stringify(message.reply_markup) === JSON.stringify(markup)) {
    throw badRequest(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    )
  }
  const edited = {...message, text, edit_date: Math.floor(context.state.now() / 1000)} as Message
  if (markup === undefined) delete (edited as {reply_markup?: unknown}).reply_markup
  else (edited as {reply_markup?: unknown}).reply_markup = markup
  chat.messages.set(messageId, edited)
  return edited
}

const answerCallbackQuery: MethodHandler = (context) => {
  if (!context.params.has('callback_query_id')) {
    throw badRequest('query is too old and response timeout expired or query ID is invalid')
  }
  if ([...(context.params.string('text') ?? '')].length > 200) throw badRequest('MESSAGE_TOO_LONG')
  return true
}

export const messageMethods: Record<string, MethodHandler> = {
  sendMessage,
  sendPhoto,
  sendDocument,
  editMessageText,
  answerCallbackQuery,
}
