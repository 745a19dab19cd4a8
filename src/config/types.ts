import type {ChatId} from './chat-id.js'
import type {RegistryLocation} from './paths.js'

/**
 * A value and where it came from, for `config show` and for error messages: `flag --token`,
 * `registry ~/.config/fastpay-tg/config.yml bots[0] (alerts)`, `keychain fastpay-tg/alerts`, `env ${ALERTS_TOKEN}`,
 * `env TELEGRAM_BOT_CONFIGS[1] (alerts)`, `env TELEGRAM_BOT_TOKEN`, `env TELEGRAM_CHAT_IDS`.
 */
export interface Sourced<T> {
  value: T
  source: string
}

/** Config layers, highest priority first. */
export type Layer = 'flags' | 'registry' | 'env-configs' | 'env-token'

export interface ChatTarget {
  chatId: ChatId
  /** True when the id is listed in the registry file, so a group → supergroup migration can be written back. */
  fromRegistry: boolean
}

/** What a door asked for: flags or action inputs. */
export interface BotRequest {
  /** `--bot`: a name (any case) or a registry id. */
  bot?: string
  /** `--token`: beats every other layer. */
  token?: string
  /** `--chat` values; each may hold several ids separated by commas. Overrides the chats of any layer. */
  chats?: string[]
  /** `--thread`: a forum topic id. Overrides the registry's `message_thread_id`. */
  thread?: number
  /** `--config`. @default FASTPAY_TG_CONFIG, else `$XDG_CONFIG_HOME/fastpay-tg/config.yml` */
  configPath?: string
  /**
   * Bot used when `--bot` is absent (and `--token` too), e.g. 'alerts' for alerts. When no layer has it as an active
   * bot: TELEGRAM_BOT_TOKEN (with a warning) if set, else the first active bot of any layer.
   */
  defaultBot?: string
  /**
   * True when the user chose `defaultBot` (`--channel`, the Action's `channel` input) rather than the door's
   * default: its seed fallback is then always said. @default false
   */
  defaultBotGiven?: boolean
}

export interface ResolvedBot {
  name?: string
  registryId?: number
  /** The layer that supplied the token. */
  layer: Layer
  token: Sourced<string>
  /** Empty (source `none`) when no layer names a chat: commands that send call `requireChats`. */
  chats: Sourced<ChatTarget[]>
  threadId?: Sourced<number>
  chatType?: string
  /** The registry file, when the bot comes from it: where `replaceChatId` writes. */
  registry?: RegistryLocation
  /**
   * The name that was asked for (`--bot`, a channel) when no layer has it as an active bot and the seed's rule
   * answered with TELEGRAM_BOT_TOKEN + TELEGRAM_CHAT_IDS instead.
   */
  fallbackFor?: string
  /** Lines for the door to print (permissions of the registry file, the seed fallback). */
  warnings: string[]
}
