import type {BotApiClient} from '../api/index.js'
import type {ChatMigrations} from '../send/migrations.js'

/** Where an alert goes: the door resolves the channel's bot and chats from config and hands over this much. */
export interface AlertTarget {
  client: BotApiClient
  /**
   * Names the bot so that config can resolve it again (a registry or TELEGRAM_BOT_CONFIGS name, else the layer,
   * such as `env TELEGRAM_BOT_TOKEN`): stored in outbox entries, shown in results. Never the token.
   */
  botLabel: string
  /** The configured chats (or `--chat`). */
  chatIds: ReadonlyArray<number | string>
  /**
   * The channel and bot whose linked chats (`/link`) the alert also goes to: read from the store only when it goes
   * out (see targetChats), never for an alert the throttle holds back. Unset with `--chat` or an unnamed bot.
   */
  linkedTo?: {channel: string; bot: string}
  /** Forum topic (`message_thread_id`). */
  threadId?: number
  /** Where the bot and the chats came from, for `--dry-run`: `{bot: 'env TELEGRAM_BOT_TOKEN', chats: 'flag --chat'}`. */
  sources?: {bot: string; chats: string}
  /** The one given to the client's `onMigrate`, so that the door can write group upgrades back. @default a new one */
  migrations?: ChatMigrations
}
