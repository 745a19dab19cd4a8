import {openBot, type OpenBotOptions} from '../bot-session.js'
import {type BotRequest, requireChats, type ResolvedBot} from '../config/index.js'
import {linkedChatsFor} from '../webhook/linked-chats.js'
import type {AlertTarget} from './alert-target.js'

export interface AlertChannelRequest extends Omit<BotRequest, 'defaultBot'> {
  /** The channel: a bot name. Used when no `--bot`/`--token` is given; unknown falls back through the layers. */
  channel: string
}

/**
 * Resolves where an alert on `channel` goes: the channel's bot (or whatever the config layers give instead) with
 * its chats, plus the chats that linked themselves to the channel through that bot (`/link` in `webhook serve`).
 */
export async function openAlertTarget(request: AlertChannelRequest, options: OpenBotOptions = {}): Promise<{target: AlertTarget; resolved: ResolvedBot}> {
  const {channel, ...botRequest} = request
  const session = await openBot({...botRequest, defaultBot: channel}, options)
  const {resolved} = session
  const configured = requireChats(resolved).map((target) => target.chatId)
  const linked = resolved.name && request.chats === undefined
    ? await linkedChatsFor(channel, {configPath: request.configPath, bot: resolved.name, env: options.env})
    : []
  const chatIds = [...configured]
  for (const {chat_id: chatId} of linked) {
    if (!chatIds.some((known) => String(known) === String(chatId))) chatIds.push(chatId)
  }
  const target: AlertTarget = {
    client: session.client,
    botLabel: botLabelOf(resolved),
    chatIds,
    ...(resolved.threadId ? {threadId: resolved.threadId.value} : {}),
    sources: {bot: resolved.token.source, chats: linked.length > 0 ? `${resolved.chats.source} + ${linked.length} linked` : resolved.chats.source},
    migrations: session.migrations,
  }
  return {target, resolved}
}

/** What outbox entries store to find the bot again: its name, else its layer. Never the token. */
export function botLabelOf(resolved: ResolvedBot): string {
  if (resolved.name) return resolved.name
  return resolved.layer === 'flags' ? 'flag --token' : resolved.token.source
}

/**
 * The request that finds a stored bot label's bot again (for `alert flush`): a name through the layers, the
 * `TELEGRAM_BOT_TOKEN` layer by its variable, a `--token` bot only when `--token` is given again.
 */
export function requestForBotLabel(label: string, given: Pick<BotRequest, 'token' | 'configPath'>, env = process.env): BotRequest {
  if (label === 'env TELEGRAM_BOT_TOKEN' && !given.token) return {token: env.TELEGRAM_BOT_TOKEN, configPath: given.configPath}
  if (label === 'flag --token' || label.startsWith('env ')) return {token: given.token, configPath: given.configPath}
  return {bot: label, token: given.token, configPath: given.configPath}
}
