import type {Update} from '@grammyjs/types'

import {handleCallbackQuery} from './alert-callbacks.js'
import {replyTo} from './bot-commands.js'
import {paced, type ServedBot, type UpdateContext} from './served-bot.js'

/** Updates of one chat are handled in order; callback queries without a message go by the user who pressed. */
export function updateLane(webhookId: number, update: Update): string {
  const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id ?? update.callback_query?.from.id
  return `${webhookId}:${chatId ?? update.update_id}`
}

/** Handles one update: commands get a reply through the Bot API, alert buttons their callback. Returns a log line. */
export async function handleUpdate(bot: ServedBot, update: Update, context: UpdateContext): Promise<string | undefined> {
  if (update.callback_query !== undefined) return handleCallbackQuery(bot, update.callback_query, context)
  const message = update.message
  if (message === undefined) return undefined
  const answer = await replyTo(bot, message, context)
  if (answer === undefined) return undefined
  const inTopic = message.is_topic_message ? message.message_thread_id : undefined
  await paced(bot, message.chat.id, () =>
    bot.client.sendMessage({
      chat_id: message.chat.id,
      text: answer.reply,
      message_thread_id: inTopic,
      reply_parameters: message.chat.type === 'private' ? undefined : {message_id: message.message_id, allow_sending_without_reply: true},
    }),
  )
  return `${bot.name ?? `@${bot.me.username}`}: ${answer.command} in chat ${message.chat.id}: replied`
}
