import {type Env, locateRegistry} from './paths.js'
import {type LinkedChat, readSections} from './registry-sections.js'

export interface LinkedChatsOptions {
  /** `--config`. @default FASTPAY_TG_CONFIG, else `$XDG_CONFIG_HOME/fastpay-tg/config.yml` */
  configPath?: string
  /** Only chats linked through this bot (name, any case). @default chats of every bot */
  bot?: string
  /** @default process.env */
  env?: Env
}

/**
 * Chats that linked themselves (`/link TOKEN`) to `channel` (e.g. `alerts`), for the alert path to add to its
 * targets. Each entry names the bot it linked through (`bot`): Telegram lets a bot write to a private chat only after
 * the user started that bot, so send with it, or pass `bot` to keep the chats of the sending bot.
 * Throws a one-line UserError when the registry's `linked_chats:` section is malformed.
 */
export async function linkedChatsFor(channel: string, options: LinkedChatsOptions = {}): Promise<LinkedChat[]> {
  const {linkedChats} = await readSections(locateRegistry(options.configPath, options.env ?? process.env))
  const wanted = channel.toLowerCase()
  const bot = options.bot?.toLowerCase()
  return linkedChats.filter(
    (linked) => linked.channels.includes(wanted) && (bot === undefined || linked.bot?.toLowerCase() === bot),
  )
}
