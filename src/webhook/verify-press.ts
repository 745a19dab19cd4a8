// Whether a press on an alert button may change anything. Three checks, each refusal answered politely and logged:
// the button is on the pressed message (Telegram tells us the message with its keyboard, but not that the data
// came from it), its MAC verifies with this bot's key for some channel, and the pressing chat receives that channel.
import type {CallbackQuery, InlineKeyboardMarkup, Message} from '@grammyjs/types'

import {loadCurrentRegistry, sameChatId} from '../config/index.js'
import {readEnvBotConfigs, readEnvChatIds} from '../config/env-layers.js'
import type {AlertButtonAction} from './alert-buttons.js'
import {existingButtonSigningKey, macMatches} from './button-signing.js'
import type {ServedBot, UpdateContext} from './served-bot.js'

/** The channels every install knows, whatever its registry says. */
const STANDARD_CHANNELS = ['alerts', 'deploy', 'health']

export type PressVerdict =
  | {ok: true; channel: string; message: Message}
  | {ok: false; answer: string; reason: string}

const refuse = (answer: string, reason: string): PressVerdict => ({ok: false, answer: `${answer} Nothing was changed.`, reason})

const onMessage = (markup: InlineKeyboardMarkup | undefined, data: string) =>
  markup?.inline_keyboard.some((row) => row.some((button) => 'callback_data' in button && button.callback_data === data)) ?? false

/** Channel names the config knows (lower case), and the ones `chatId` receives through this bot. */
async function channelsFor(bot: ServedBot, chatId: number, context: UpdateContext): Promise<{known: Set<string>; received: Set<string>}> {
  const env = context.env ?? process.env
  // `webhook serve` runs for days: the file as it is now, not as it was at start (parsed again only when it changed).
  const [{bots}, linkedChats, envBots] = await Promise.all([loadCurrentRegistry(context.registry), context.links.chats(), readEnvBotConfigs(env)])
  const named = [...bots.map((entry) => ({name: entry.name, chats: entry.active ? entry.chat_ids : []})), ...envBots.flatMap((entry) => (entry.name ? [{name: entry.name, chats: entry.chatIds}] : []))]
  const known = new Set([...STANDARD_CHANNELS, ...named.map((entry) => entry.name.toLowerCase()), ...linkedChats.flatMap((linked) => linked.channels)])
  const received = new Set<string>()
  for (const entry of named) if (entry.chats.some((id) => sameChatId(id, chatId))) received.add(entry.name.toLowerCase())
  const botName = bot.name?.toLowerCase()
  for (const linked of linkedChats) {
    if (linked.chat_id !== chatId || (linked.bot !== undefined && linked.bot.toLowerCase() !== botName)) continue
    for (const channel of linked.channels) received.add(channel)
  }
  // A bot known only by TELEGRAM_BOT_TOKEN sends every channel no layer names to TELEGRAM_CHAT_IDS.
  if (bot.name === undefined && (readEnvChatIds(env) ?? []).some((id) => sameChatId(id, chatId))) {
    for (const channel of known) received.add(channel)
  }
  return {known, received}
}

export async function verifyPress(bot: ServedBot, query: CallbackQuery, action: AlertButtonAction, context: UpdateContext): Promise<PressVerdict> {
  const message = query.message
  // Telegram sends date 0 (and no keyboard) for a message the bot can no longer see, e.g. one over 48 hours old.
  if (message === undefined || message.date === 0) {
    return refuse('This alert is too old to check its buttons.', 'the pressed message is not visible to the bot')
  }
  const full = message as Message
  if (!onMessage(full.reply_markup, query.data ?? '')) {
    return refuse('This button is not on this message.', `the button is not on message ${full.message_id}`)
  }
  const key = context.keyValue === undefined ? undefined : await existingButtonSigningKey(context.keyValue, bot.me.id)
  if (key === undefined) return refuse('This server has no signing key for this bot.', `no button signing key for bot ${bot.me.id} in the store`)
  const {known, received} = await channelsFor(bot, full.chat.id, context)
  const seconds = action.kind === 'mute' ? action.seconds : undefined
  const channel = [...known].find((candidate) => macMatches(key, {channel: candidate, kind: action.kind, ref: action.ref, seconds}, action.mac))
  if (channel === undefined) return refuse('This button was not made by this bot.', 'the signature does not match')
  if (!received.has(channel)) {
    return refuse(`This chat does not receive the ${channel} channel.`, `chat ${full.chat.id} does not receive channel ${channel}`)
  }
  return {ok: true, channel, message: full}
}
