// Presses on an alert's `Acknowledge` and `Mute 1h` buttons: answer the callback query (the spinner stops), mute the
// throttle key when asked, and edit the alert so the chat sees who did what and when.
import type {CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message} from '@grammyjs/types'

import {describeFailure} from '../describe-failure.js'
import {type AlertButtonAction, looksLikeAlertButton, parseAlertButton, resolveKeyRef} from './alert-buttons.js'
import {shortUserLabel} from './bot-commands.js'
import {paced, type ServedBot, type UpdateContext} from './served-bot.js'
import {shortDuration, utcClock} from './time-text.js'
import {verifyPress} from './verify-press.js'

const STATUS_LINE_AT_END = /\n(✅|🔕) [^\n]*$/

/** The alert's keyboard after the press: Acknowledge goes once pressed, both go once muted; links stay. */
function keyboardAfter(markup: InlineKeyboardMarkup | undefined, action: AlertButtonAction): InlineKeyboardMarkup | undefined {
  if (markup === undefined) return undefined
  const spent = (button: InlineKeyboardButton) => {
    const data = 'callback_data' in button ? button.callback_data : undefined
    const parsed = data === undefined ? undefined : parseAlertButton(data)
    return parsed !== undefined && parsed.ref === action.ref && (action.kind === 'mute' || parsed.kind === 'ack')
  }
  const rows = markup.inline_keyboard.map((row) => row.filter((button) => !spent(button))).filter((row) => row.length > 0)
  return rows.length === 0 ? undefined : {inline_keyboard: rows}
}

/** Appends `line` to the alert, keeping its text and formatting (entities keep their offsets when text is appended). */
async function editAlert(bot: ServedBot, message: Message, line: string, action: AlertButtonAction): Promise<void> {
  const replyMarkup = keyboardAfter(message.reply_markup, action)
  const target = {chat_id: message.chat.id, message_id: message.message_id, reply_markup: replyMarkup}
  if (message.text !== undefined) {
    const separator = STATUS_LINE_AT_END.test(message.text) ? '\n' : '\n\n'
    await paced(bot, message.chat.id, () => bot.client.editMessageText({...target, text: `${message.text}${separator}${line}`, entities: message.entities}))
  } else if (message.caption !== undefined) {
    const separator = STATUS_LINE_AT_END.test(message.caption) ? '\n' : '\n\n'
    await paced(bot, message.chat.id, () => bot.client.call('editMessageCaption', {...target, caption: `${message.caption}${separator}${line}`, caption_entities: message.caption_entities}))
  }
}

/** Handles one callback query; returns the line `webhook serve` logs. */
export async function handleCallbackQuery(bot: ServedBot, query: CallbackQuery, context: UpdateContext): Promise<string> {
  const label = bot.name ?? `@${bot.me.username}`
  const data = query.data ?? ''
  const action = parseAlertButton(data)
  const who = shortUserLabel(query.from)
  const chat = query.message === undefined ? '' : ` in chat ${query.message.chat.id}`
  if (action === undefined && looksLikeAlertButton(data)) {
    const text = 'This button is not one fastpay-tg signed (made by an older version, or forged). Nothing was changed.'
    await bot.client.answerCallbackQuery({callback_query_id: query.id, text, show_alert: true})
    return `${label}: refused ${JSON.stringify(data)} from ${who} (id ${query.from.id})${chat}: not signed`
  }
  if (action === undefined) {
    // Some other button (`send --button "Ack=ack"`): stop the client's spinner and nothing more.
    await bot.client.answerCallbackQuery({callback_query_id: query.id})
    return `${label}: callback ${JSON.stringify(data)} from ${who}: not an alert button, answered`
  }
  const verdict = await verifyPress(bot, query, action, context)
  if (!verdict.ok) {
    await bot.client.answerCallbackQuery({callback_query_id: query.id, text: verdict.answer, show_alert: true})
    return `${label}: refused ${action.kind} ${JSON.stringify(data)} from ${who} (id ${query.from.id})${chat}: ${verdict.reason}`
  }
  const key = await resolveKeyRef(action.ref, context)
  if (key === undefined) {
    const text = "This alert's key is not known on this server (a different machine or state dir): nothing was changed."
    await bot.client.answerCallbackQuery({callback_query_id: query.id, text, show_alert: true})
    return `${label}: ${action.kind} for unknown key ref ${action.ref}: answered`
  }
  const now = (context.now ?? Date.now)()
  let line: string
  let answerText: string
  if (action.kind === 'mute') {
    if (context.muter === undefined) {
      await bot.client.answerCallbackQuery({callback_query_id: query.id, text: 'Muting is not available on this server.', show_alert: true})
      return `${label}: mute ${key}: no muter, answered`
    }
    const untilMs = now + action.seconds * 1000
    try {
      await context.muter.mute(key, untilMs)
    } catch (error) {
      await bot.client.answerCallbackQuery({callback_query_id: query.id, text: 'Could not mute: see the server log.', show_alert: true})
      throw new Error(`mute ${key} failed: ${describeFailure(error).message}`)
    }
    const duration = shortDuration(action.seconds)
    line = `🔕 Muted for ${duration} by ${who} at ${utcClock(now)}`
    answerText = `Muted for ${duration} (until ${utcClock(untilMs)})`
  } else {
    line = `✅ Acknowledged by ${who} at ${utcClock(now)}`
    answerText = 'Acknowledged'
  }
  await bot.client.answerCallbackQuery({callback_query_id: query.id, text: answerText})
  const {message} = verdict
  let notEdited = ''
  // The press itself was handled: a refused edit (an alert near 4,096 characters) is worth a note, not a failure.
  await editAlert(bot, message, line, action).catch((error: unknown) => {
    notEdited = ` (alert not edited: ${describeFailure(error).message})`
  })
  const where = ` in chat ${message.chat.id} (message ${message.message_id})`
  return `${label}: ${action.kind === 'ack' ? 'acknowledged' : `muted for ${shortDuration(action.seconds)}`} ${JSON.stringify(key)} by ${who}${where}${notEdited}`
}
