import {sameChatId} from '../config/chat-id.js'
import {describeFailure} from '../describe-failure.js'
import {ExitCode, worstExitCode} from '../exit-codes.js'
import {splitCaption, splitMessage} from '../format/index.js'
import type {ChatDelivery} from '../send/deliver.js'
import type {HeldEntry, SpooledMessage} from '../store/outbox-types.js'
import {type DeliverOrSpoolOptions, type DeliverOrSpoolResult, deliverOrSpool} from './send-with-outbox.js'

/**
 * The messages Telegram gets for `message`, each whole on its own: the photo or document with its caption, then the
 * texts that did not fit; buttons on the last one only, where `deliverToChats` would put them.
 */
export function messageParts(message: SpooledMessage): SpooledMessage[] {
  const {media, replyMarkup, ...rest} = message
  const texts = media ? splitCaption(message.text, message.parseMode) : {caption: '', rest: splitMessage(message.text, {parseMode: message.parseMode})}
  const parts: SpooledMessage[] = [...(media ? [{...rest, media, text: texts.caption}] : []), ...texts.rest.map((text) => ({...rest, text}))]
  if (replyMarkup && parts.length > 0) parts[parts.length - 1] = {...parts.at(-1)!, replyMarkup}
  return parts.length > 0 ? parts : [message]
}

/**
 * `deliverOrSpool` for a message Telegram takes as several (a long text, a caption with text after it): each part
 * is its own outbox entry, all written ahead before the first is sent, so that a chat Telegram stops answering
 * half-way waits for the parts it has not had, in order (a flush goes oldest first and stops at the first failure
 * that may pass), and gets no part twice: spooled whole, the message would give it again the parts it had. A run
 * killed half-way leaves every part it had not delivered to the next flush. One result per chat, as one delivery:
 * ok once it had every part.
 */
export async function deliverPartsOrSpool(options: DeliverOrSpoolOptions): Promise<DeliverOrSpoolResult> {
  const parts = messageParts(options.message)
  if (parts.length === 1) return deliverOrSpool(options)
  const {outbox, botLabel, chatIds, beforeSpool, notSpooled, ...common} = options
  const held: HeldEntry[] = []
  let cannotSpool = options.cannotSpool
  if (cannotSpool === undefined) {
    beforeSpool?.()
    // One ms apart: entries sort by creation time, so that a flush sends the parts in order.
    const createdAtMs = Date.now()
    try {
      for (const [index, message] of parts.entries()) held.push(await outbox.hold({bot: botLabel, chatIds, message, createdAt: new Date(createdAtMs + index)}))
    } catch (error) {
      // Fail open, as deliverOrSpool does: the parts not written ahead are still sent now, without the outbox.
      cannotSpool = describeFailure(error).message
    }
  }
  const byChat = new Map<string, ChatDelivery>()
  const failed: DeliverOrSpoolResult['failed'] = []
  let waiting: Array<number | string> = []
  let first: {id: string; error: string} | undefined
  let outboxProblem: string | undefined
  for (const [index, message] of parts.entries()) {
    const entry = held[index]
    const sent = await deliverOrSpool({
      ...common,
      outbox,
      botLabel,
      chatIds,
      message,
      ...(entry ? {held: entry, notNow: waiting} : {cannotSpool: cannotSpool!}),
      // No entry refers to the file's copy when the part that carries it was not written ahead.
      ...(index === 0 && notSpooled ? {notSpooled} : {}),
    })
    outboxProblem ??= sent.outboxProblem
    failed.push(...sent.failed)
    for (const delivery of sent.deliveries) {
      const before = byChat.get(String(delivery.chatId))
      byChat.set(String(delivery.chatId), {...delivery, messageIds: [...(before?.messageIds ?? []), ...delivery.messageIds]})
    }
    // The entry keeps the chats that wait for an earlier part; those that lacked this one now join them.
    if (sent.spooled) {
      first ??= {id: sent.spooled.id, error: sent.spooled.error}
      waiting = sent.spooled.chatIds
    }
    if (!entry) waiting = []
  }
  const spooled = first === undefined ? undefined : {...first, chatIds: waiting}
  const stillFailed = failed.filter((delivery) => !waiting.some((chatId) => sameChatId(chatId, delivery.migratedTo ?? delivery.chatId)))
  return {
    deliveries: [...byChat.values()],
    ...(spooled ? {spooled} : {}),
    failed: stillFailed,
    ...(outboxProblem === undefined ? {} : {outboxProblem}),
    exitCode: worstExitCode([...stillFailed.map((delivery) => delivery.error.exitCode), ...(spooled ? [ExitCode.spooled] : [])]),
  }
}
