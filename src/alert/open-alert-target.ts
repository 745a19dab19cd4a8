import {openBot, type OpenBotOptions} from '../bot-session.js'
import {type BotRequest, type Env, readEnvToken, requireChats, type ResolvedBot} from '../config/index.js'
import {botIdPart} from '../support/bot-id.js'
import {UserError} from '../user-error.js'
import type {AlertTarget} from './alert-target.js'

export interface AlertChannelRequest extends Omit<BotRequest, 'defaultBot'> {
  /** The channel: a bot name. Used when no `--bot`/`--token` is given; unknown falls back through the layers. */
  channel: string
}

/**
 * Resolves where an alert on `channel` goes: the channel's bot (or whatever the config layers give instead) with
 * its chats, plus (read from the store when it goes out) the chats that linked themselves to the channel through
 * that bot (`/link` in `webhook serve`).
 */
export async function openAlertTarget(request: AlertChannelRequest, options: OpenBotOptions = {}): Promise<{target: AlertTarget; resolved: ResolvedBot}> {
  const {channel, ...botRequest} = request
  const session = await openBot({...botRequest, defaultBot: channel}, options)
  const {resolved} = session
  const chatIds = requireChats(resolved).map((target) => target.chatId)
  const target: AlertTarget = {
    client: session.client,
    botLabel: botLabelOf(resolved),
    chatIds,
    ...(resolved.name && request.chats === undefined ? {linkedTo: {channel, bot: resolved.name}} : {}),
    ...(resolved.threadId ? {threadId: resolved.threadId.value} : {}),
    sources: {bot: resolved.token.source, chats: resolved.chats.source},
    migrations: session.migrations,
  }
  return {target, resolved}
}

/**
 * What outbox entries store to find the bot again: its name, else its layer and its bot id (the part of the token
 * before the colon, which Telegram shows as the bot's user id: not a secret). Never the token. The id keeps alerts
 * of two unnamed bots apart: an alert spooled by one `--token` bot must never go out through another.
 */
export function botLabelOf(resolved: ResolvedBot): string {
  if (resolved.name) return resolved.name
  const layer = resolved.layer === 'flags' ? 'flag --token' : resolved.token.source
  return `${layer} (bot ${botIdPart(resolved.token.value)})`
}

const UNNAMED_LABEL = /^(.+) \(bot (\d+)\)$/

/**
 * The request that finds a stored bot label's bot again (for `alert flush`, a monitor pass): a name through the
 * layers, with that bot's own token (a `--token` given to the flush is for unnamed bots: with it, `monitor run
 * --token X` delivered every bot's entries as X, and a chat X is not in refused them for good); an unnamed bot by its
 * id, with `--token` or `TELEGRAM_BOT_TOKEN` when the id matches. Anything else is a one-line UserError, which keeps
 * that bot's alerts waiting: the default bot must not deliver them in its place.
 */
export function requestForBotLabel(label: string, given: Pick<BotRequest, 'token' | 'configPath'>, env: Env = process.env): BotRequest {
  const unnamed = UNNAMED_LABEL.exec(label)
  if (!unnamed) return {bot: label, configPath: given.configPath}
  const botId = unnamed[2]!
  // The variable as the layers read it (one pair of quotes dropped): the spooling run labelled the bot by that token.
  const token = [given.token?.trim(), readEnvToken(env)].find((candidate) => candidate && botIdPart(candidate) === botId)
  if (token === undefined) throw new UserError(`its alerts go out only with its own token: pass bot ${botId}'s token with --token`)
  return {token, configPath: given.configPath}
}
