import type {Message} from '@grammyjs/types'

import type {BotApiClient, InputFileSource} from '../api/index.js'
import {describeFailure} from '../describe-failure.js'
import type {Attachment} from './deploy-options.js'
import type {ChatNotice, ReplyOptions} from './publish-notice.js'

/** The same sending options as the failure reply: an attachment is a reply to the notice too. */
export type AttachmentOptions = ReplyOptions

/**
 * Sends each file as a reply to the notice, once in every chat that has the notice: uploaded to the first chat,
 * then sent by the `file_id` Telegram gave it, so a build artifact crosses the network once. Returns one warning
 * per file a chat did not get (the notice itself is there).
 */
export async function sendAttachments(
  client: BotApiClient,
  notices: readonly ChatNotice[],
  attachments: readonly Attachment[],
  options: AttachmentOptions,
): Promise<string[]> {
  const describe = options.describeError ?? describeFailure
  const delivered = notices.filter((notice) => notice.ok && notice.messageId !== undefined)
  const warnings: string[] = []
  for (const attachment of attachments) {
    let source: InputFileSource = {path: attachment.path}
    const send = async (notice: ChatNotice): Promise<void> => {
      const chatId = options.migrations.current(notice.chatId)
      try {
        const params = {
          chat_id: chatId,
          message_thread_id: options.threadId,
          disable_notification: options.silent || undefined,
          protect_content: options.protect || undefined,
          reply_parameters: {message_id: notice.messageId!, allow_sending_without_reply: true},
        }
        const sent = await options.limiter.run(chatId, (): Promise<Message> =>
          attachment.kind === 'photo' ? client.sendPhoto({...params, photo: source}) : client.sendDocument({...params, document: source}),
        )
        const fileId = sentFileId(sent)
        if (fileId !== undefined) source = {fileId}
      } catch (error) {
        warnings.push(`chat ${String(chatId)}: ${attachment.label} ${attachment.path} not sent (${describe(error).message})`)
      }
    }
    // Until one upload has worked there is no file_id to share: chats take turns uploading, then the rest share it.
    const pending = [...delivered]
    while (pending.length > 0 && !('fileId' in source)) await send(pending.shift()!)
    await Promise.all(pending.map(send))
  }
  return warnings
}

function sentFileId(sent: Message): string | undefined {
  if (sent.document) return sent.document.file_id
  return sent.photo?.at(-1)?.file_id
}
