// Shared by the zod schemas and by code that must not load zod (it costs ~50 ms at start-up).

export const CHAT_TYPES = ['private', 'group', 'supergroup', 'channel'] as const
export type ChatType = (typeof CHAT_TYPES)[number]

/** Starts with a letter so that a name can never be mistaken for a registry id. */
export const BOT_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/

/** `${NAME}`: the token is read from that environment variable. */
export const ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/
/** `$ALERTS_TOKEN`: a variable as the shell writes it, which a registry token reads only as `${ALERTS_TOKEN}`. */
export const BARE_VARIABLE = /^\$[A-Za-z_]/

/** `keychain:<account>`: the token is in the OS keychain under `fastpay-tg/<account>`. */
export const KEYCHAIN_PREFIX = 'keychain:'

/** What @BotFather hands out: the bot's numeric id, a colon, and a secret of 30+ URL-safe characters. */
export const BOT_TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]{30,}$/

/** Top-level registry sections older versions kept link tokens and linked chats in; moved to the state store now. */
export const LEGACY_LINK_SECTIONS = ['links', 'linked_chats'] as const

/** The keys a bot of the registry may have, in the order messages list them. */
export const REGISTRY_BOT_KEYS: readonly string[] = ['name', 'id', 'token', 'chat_ids', 'chat_type', 'message_thread_id', 'active', 'info']

/**
 * What a `${VAR}` with no value is: `not set`, or `empty` (set to nothing or blanks, as a workflow's `env:` sets a
 * secret that does not exist); "not set" sent people looking for a line that was there.
 */
export const noValue = (value: string | undefined): string => (value === undefined ? 'not set' : 'empty')
