import type {UserFromGetMe} from '@grammyjs/types'

import type {BotApiClient} from '../api/index.js'
import type {BotSession} from '../bot-session.js'
import {limiterFor, type TelegramRateLimiter} from '../rate-limit/telegram-limiter.js'
import {AmbiguousBotNameError, type BotPick, type Env, everyActiveBot, isTokenUnreadable, locateRegistry, type RegistryLocation, sameBotAsEarlier} from '../config/index.js'
import type {LinkStore} from '../store/link-store.js'
import type {KeyValueStore} from '../store/types.js'
import {UserError} from '../user-error.js'
import {type BotChoice, openPick, type WebhookOptions} from './register.js'

/** A bot `webhook serve` answers for. */
export interface ServedBot {
  /** The id in its path, `/api/telegram/webhook/<webhookId>/`: the registry id, else its Telegram id. */
  webhookId: number
  /** Registry or TELEGRAM_BOT_CONFIGS name; undefined for a bot known only by its token. */
  name?: string
  me: UserFromGetMe
  client: BotApiClient
  /** Paces replies and edits within Telegram's limits for this bot (30/s, 20/min per group, ~1/s per chat). */
  limiter: TelegramRateLimiter
}

/**
 * Sends one message (a reply, an edit) to `chatId` when the bot's limiter allows: a burst of presses or commands
 * never puts more at Telegram than its limits. The limiter is the one every door shares for this bot's client.
 */
export function paced<T>(bot: ServedBot, chatId: number, send: () => Promise<T>): Promise<T> {
  return bot.limiter.run(chatId, send)
}

/** Suppresses alerts of a throttle key until a time: `FileThrottle` of src/throttle is one. */
export interface AlertMuter {
  mute(key: string, untilMs: number): Promise<unknown>
}

/** What handling an update needs besides the bot. */
export interface UpdateContext {
  /** The bots registry: bots for /status. */
  registry: RegistryLocation
  /** Link tokens and linked chats (/link, /stop, /status, which chats a button press may come from). */
  links: LinkStore
  /** The state dir, whose `button-keys/` files of older versions are still read (see button-keys.ts). */
  stateDir: string
  /** Called by `Mute`; without one, Mute answers that muting is not available. @default undefined */
  muter?: AlertMuter
  /**
   * Where each bot's button signing key and the long keys' map live (button-signing.ts, button-keys.ts); without it,
   * no alert button is honoured.
   */
  keyValue?: KeyValueStore
  /** TELEGRAM_BOT_CONFIGS and TELEGRAM_CHAT_IDS, for which chats receive a channel. @default process.env */
  env?: Env
  /** @default Date.now */
  now?: () => number
  /**
   * More /status sections, e.g. the last monitor results once the monitor keeps them; one string per line.
   * @default none
   */
  statusSections?: () => Promise<string[]>
}

/**
 * The bots to serve: the one `--bot`/`--token` resolve to; without them every active registry bot, or when the
 * registry has none, the bot the lower config layers resolve to. Each is checked with getMe (its username tells
 * `/cmd@this_bot` from a command meant for another bot in a group).
 */
export async function openServedBots(choice: BotChoice, options: WebhookOptions = {}): Promise<{bots: ServedBot[]; registry: RegistryLocation; warnings: string[]}> {
  const env = options.env ?? process.env
  const registry = locateRegistry(choice.configPath, env)
  let selectors: Array<BotPick | undefined> = [undefined]
  if (choice.bot === undefined && choice.token === undefined) {
    const picks = await everyActiveBot(registry, env)
    if (picks.length > 0) selectors = picks
  }
  const bots: ServedBot[] = []
  const warnings = new Set<string>()
  const tokens = new Set<string>()
  const serveAll = selectors.length > 1
  for (const selector of selectors) {
    let session: BotSession
    try {
      session = await openPick(selector, choice, {...options, env})
    } catch (error) {
      // Serving every bot: one whose token cannot be read, or a name two TELEGRAM_BOT_CONFIGS entries share, is left
      // out, alone, and said so.
      if (!serveAll || !(isTokenUnreadable(error) || error instanceof AmbiguousBotNameError)) throw error
      warnings.add(`${error.message}: not served`)
      continue
    }
    if (sameBotAsEarlier(session.resolved.layer, session.resolved.token.value, tokens)) continue
    tokens.add(session.resolved.token.value)
    for (const warning of session.resolved.warnings) warnings.add(warning)
    const me = await session.client.getMe()
    const webhookId = session.resolved.registryId ?? me.id
    const clash = bots.find((bot) => bot.webhookId === webhookId)
    if (clash) throw new UserError(`bots ${clash.name ?? clash.me.username} and ${session.resolved.name ?? me.username} would share the path of id ${webhookId}`)
    bots.push({webhookId, name: session.resolved.name, me, client: session.client, limiter: limiterFor(session.client)})
  }
  if (bots.length === 0) throw new UserError(`no bot to serve: ${[...warnings].join('; ')}`)
  return {bots, registry, warnings: [...warnings]}
}
