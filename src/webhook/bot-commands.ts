// What the bot answers in chats: /start, /help, /status, /link TOKEN, /stop. Replies are plain text (no parse
// mode), so nothing a user or the registry holds needs escaping.
import type {Message, User} from '@grammyjs/types'

import {consumeLinkToken, type LinkOutcome, unlinkChat} from './link-tokens.js'
import type {ServedBot, UpdateContext} from './served-bot.js'
import {statusText} from './status-text.js'
import {utcDateTime} from './describe-webhook-info.js'

export interface ParsedCommand {
  /** Lower-cased, without the slash: `link`. */
  name: string
  /** The rest of the text, trimmed. */
  argument: string
}

/**
 * `/link@fastpay_alerts_bot abc` → `{name: 'link', argument: 'abc'}`; undefined for plain text, and for a command
 * addressed to another bot of the same group.
 */
export function parseCommand(text: string | undefined, botUsername: string | undefined): ParsedCommand | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+([\s\S]*))?$/.exec(text?.trim() ?? '')
  if (!match) return undefined
  const [, name = '', addressee, argument = ''] = match
  if (addressee !== undefined && addressee.toLowerCase() !== botUsername?.toLowerCase()) return undefined
  return {name: name.toLowerCase(), argument: argument.trim()}
}

/** `@ana_oncall (id 4242)`, or the name when the user has no username. */
export function userLabel(user: User | undefined): string {
  if (user === undefined) return 'someone'
  const name = user.username ? `@${user.username}` : [user.first_name, user.last_name].filter(Boolean).join(' ')
  return `${name} (id ${user.id})`
}

/** `@ana_oncall`, or the user's name: how an alert edit names who pressed. */
export function shortUserLabel(user: User | undefined): string {
  if (user === undefined) return 'someone'
  return user.username ? `@${user.username}` : [user.first_name, user.last_name].filter(Boolean).join(' ')
}

function chatTitle(message: Message): string | undefined {
  const chat = message.chat as {title?: string; first_name?: string; last_name?: string; username?: string}
  return chat.title ?? ([chat.first_name, chat.last_name].filter(Boolean).join(' ') || chat.username)
}

function helpText(bot: ServedBot, chatId: number): string {
  return [
    `FastPay ops bot (@${bot.me.username}), run by fastpay-tg.`,
    '/status – bots and linked chats',
    '/link TOKEN – receive channels such as alerts in this chat (an operator creates the token: fastpay-tg webhook link-token)',
    '/stop [CHANNEL] – stop receiving them here (or just that channel)',
    '/help – this list',
    `This chat's id: ${chatId}`,
  ].join('\n')
}

function linkReply(outcome: LinkOutcome): string {
  switch (outcome.kind) {
    case 'linked':
      return `Linked: this chat now receives ${outcome.channels.join(', ')}. Send /stop to undo.`
    case 'used':
      return `This link token was already used (${utcDateTime(Date.parse(outcome.usedAt) / 1000)}). Tokens work once: ask an operator for a new one.`
    case 'expired':
      return `This link token expired on ${utcDateTime(Date.parse(outcome.expiredAt) / 1000)}. Ask an operator for a new one.`
    case 'other-bot':
      return `This link token is for the bot "${outcome.bot}", not this one.`
    case 'unknown':
      return 'This link token is not known. Check it, or ask an operator for a new one (fastpay-tg webhook link-token).'
  }
}

/**
 * What a `/link TOKEN` (or `/start TOKEN`) kept across a restart of serve holds instead of its token: link tokens are
 * never stored (kept-updates.ts), so the chat is asked to send it again.
 */
export const LINK_TOKEN_NOT_KEPT = '(token not kept)'

async function link(bot: ServedBot, message: Message, token: string, context: UpdateContext): Promise<string> {
  if (token === '') return 'Usage: /link TOKEN (an operator creates one with: fastpay-tg webhook link-token)'
  if (token === LINK_TOKEN_NOT_KEPT) {
    return 'Your /link arrived while this bot was restarting, and its token is never stored: please send it again (it was not used).'
  }
  const outcome = await consumeLinkToken(context.links, token, {
    chatId: message.chat.id,
    bot: bot.name,
    linkedBy: message.from ? userLabel(message.from) : undefined,
    title: chatTitle(message),
    now: context.now?.(),
  })
  return linkReply(outcome)
}

/** `/stop` leaves every linked channel of this chat; `/stop CHANNEL` only that one. */
async function stop(bot: ServedBot, chatId: number, channel: string, context: UpdateContext): Promise<string> {
  const left = await unlinkChat(context.links, chatId, bot.name, channel === '' ? undefined : channel)
  if (left === undefined) return 'This chat was not linked: nothing to stop.'
  if (left.length === 0) return `This chat is not linked to ${channel}: nothing to stop. /status shows what it receives.`
  return `Unlinked: this chat no longer receives ${left.join(', ')}.`
}

/** The reply to a message, or undefined when it needs none (plain text, another bot's command in a group). */
export async function replyTo(bot: ServedBot, message: Message, context: UpdateContext): Promise<{command: string; reply: string} | undefined> {
  const command = parseCommand(message.text, bot.me.username)
  if (command === undefined) return undefined
  const chatId = message.chat.id
  switch (command.name) {
    case 'start':
      // t.me/<bot>?start=TOKEN arrives as `/start TOKEN`: a link in one tap.
      if (command.argument !== '') return {command: '/start TOKEN', reply: await link(bot, message, command.argument, context)}
      return {command: '/start', reply: `Hello! ${helpText(bot, chatId)}`}
    case 'help':
      return {command: '/help', reply: helpText(bot, chatId)}
    case 'status':
      return {command: '/status', reply: await statusText(bot, chatId, context)}
    case 'link':
      return {command: '/link', reply: await link(bot, message, command.argument, context)}
    case 'stop':
      return {command: '/stop', reply: await stop(bot, chatId, command.argument, context)}
    default:
      // In a group, other bots' commands without @name reach every bot: only answer in private.
      if (message.chat.type !== 'private') return undefined
      return {command: `/${command.name}`, reply: 'Unknown command. /help lists what I can do.'}
  }
}
