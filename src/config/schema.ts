import {z} from 'zod'
import {type ChatId, chatIdEntries, parseChatId} from './chat-id.js'
import {BARE_VARIABLE, BOT_NAME, CHAT_TYPES, ENV_REFERENCE, KEYCHAIN_PREFIX, REGISTRY_BOT_KEYS} from './constants.js'

// Imported lazily (zod is slow to load): only runs that read the registry or TELEGRAM_BOT_CONFIGS need it.
// Messages below finish the sentence "<file>: <field>: expected ...": the formatter in issues.ts adds the rest.

const EXPECTED_STRING = 'expected a string'
const EXPECTED_POSITIVE_INTEGER = 'expected a positive integer'

/** A YAML key left blank (`chat_type:`) reads as null: treat it as absent. */
function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined)
}

const CHAT_ID_MESSAGE = 'expected a chat id (integer) or @username'
const CHAT_IDS_MESSAGE = 'expected chat ids: a list like [-1001234567890, "@channel"] or a string like "-1001234567890,@channel"'

/**
 * `chat_ids` as old deployments hold it: a list (numbers, numeric strings, `@channel`), a comma-separated string
 * (`"123, 456"`, the Django backend's documented form), or a single id. A bad entry is reported with its position
 * in a list, and as itself (`params.element`) in a string, never as the whole value.
 */
const chatIdListSchema = z.unknown().optional().transform((value, ctx): ChatId[] => {
  if (value === null || value === undefined) return []
  const entries = chatIdEntries(value)
  if (entries === undefined) {
    ctx.issues.push({code: 'custom', message: CHAT_IDS_MESSAGE, input: value})
    return []
  }
  const ids: ChatId[] = []
  for (const {entry, path} of entries) {
    const chatId = parseChatId(entry)
    if (chatId === undefined) ctx.issues.push({code: 'custom', message: CHAT_ID_MESSAGE, input: entry, path, params: {element: entry}})
    else ids.push(chatId)
  }
  return ids
})

const botNameSchema = z
  .string({error: EXPECTED_STRING})
  .regex(BOT_NAME, {error: 'expected a name: a letter, then letters, digits, _ . or - (64 at most)'})

const ENV_REFERENCE_START = '${'

// Tokens and names are trimmed as TELEGRAM_BOT_TOKEN and --token are: a pasted token often carries a space or a
// newline, which Telegram would answer with 401, and a name with one would be listed but never found.
const tokenSchema = z
  .string({error: EXPECTED_STRING})
  .trim()
  .min(1, {error: 'expected a token, ${ENV_VAR} or keychain:<account>'})
  .refine((token) => !token.startsWith(ENV_REFERENCE_START) || ENV_REFERENCE.test(token), {
    error: 'expected ${NAME} with NAME made of letters, digits and _',
  })
  .refine((token) => token !== KEYCHAIN_PREFIX, {error: 'expected an account name after keychain:'})
  // No token starts with `$`: the shell's `$NAME` was taken for one, and every call got 401 and "ask @BotFather".
  .refine((token) => !BARE_VARIABLE.test(token), {error: 'a variable is written ${NAME}, in braces: $NAME is not read'})

const positiveIntegerSchema = z
  .int({error: EXPECTED_POSITIVE_INTEGER})
  .positive({error: EXPECTED_POSITIVE_INTEGER})

const chatInfoSchema = z.looseObject({
  title: z.string({error: EXPECTED_STRING}).optional(),
  type: z.string({error: EXPECTED_STRING}).optional(),
  username: z.string({error: EXPECTED_STRING}).optional(),
})

/** Metadata `bots sync-info` caches so that listings need no network call. Other keys are kept as they are. */
export const botInfoSchema = z.looseObject(
  {
    username: z.string({error: EXPECTED_STRING}).optional(),
    first_name: z.string({error: EXPECTED_STRING}).optional(),
    synced_at: z.string({error: EXPECTED_STRING}).optional(),
    /** Keyed by chat id as written in `chat_ids`. */
    chats: z.record(z.string(), chatInfoSchema, {error: 'expected a mapping of chat id to chat info'}).optional(),
  },
  {error: 'expected a mapping'},
)
export type BotInfo = z.output<typeof botInfoSchema>

const KNOWN_KEYS = REGISTRY_BOT_KEYS.join(', ')

export const registryBotSchema = z.strictObject(
  {
    name: botNameSchema,
    id: optional(positiveIntegerSchema),
    token: tokenSchema,
    chat_ids: chatIdListSchema,
    chat_type: optional(z.enum(CHAT_TYPES, {error: `expected one of ${CHAT_TYPES.join(', ')}`})),
    message_thread_id: optional(positiveIntegerSchema),
    active: optional(z.boolean({error: 'expected true or false'})).transform((active) => active ?? true),
    info: optional(botInfoSchema),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((key) => JSON.stringify(key)).join(', ')} (expected ${KNOWN_KEYS})`
        : `expected a mapping with ${REGISTRY_BOT_KEYS.slice(0, 4).join(', ')}`,
  },
)
/** One bot of the registry file, as validated (defaults applied: `chat_ids: []`, `active: true`). */
export type RegistryBotFields = z.output<typeof registryBotSchema>

// Loose at the top so that other tools (or later versions) may keep their own sections in the same file.
export const registryFileSchema = z.looseObject(
  {bots: z.array(registryBotSchema, {error: 'expected a list of bots'}).nullish().transform((bots) => bots ?? [])},
  {error: 'expected a mapping with a "bots" list'},
)

export const envBotSchema = z.object(
  {
    name: optional(z.string({error: EXPECTED_STRING}).trim().min(1, {error: 'expected a non-empty name'})),
    token: z.string({error: EXPECTED_STRING}).trim().min(1, {error: 'expected a non-empty token'}),
    chat_ids: chatIdListSchema,
  },
  {error: 'expected an object like {"name": "alerts", "token": "...", "chat_ids": [-1001234567890]}'},
)
export type EnvBotFields = z.output<typeof envBotSchema>

export const envBotListSchema = z.array(envBotSchema, {
  error: 'expected a JSON array like [{"name": "alerts", "token": "...", "chat_ids": [-1001234567890]}]',
})

// The webhook's link sections, as versions before the state store kept them in the registry file: read once, by
// the migration that moves them into the store (src/store/link-store.ts), then removed from the file.
const CHANNEL_NAME = /^[a-z][a-z0-9_.-]{0,63}$/
const CHANNELS_MESSAGE = 'expected a list of channel names like [alerts, digest]'
const channelsSchema = z.array(z.string().regex(CHANNEL_NAME), {error: CHANNELS_MESSAGE}).min(1, {error: CHANNELS_MESSAGE})
const textSchema = z.string({error: EXPECTED_STRING}).min(1, {error: EXPECTED_STRING})
const integerSchema = z.int({error: 'expected an integer'})

// The fields of LinkTokenEntry and LinkedChat (legacy-links.ts), documented there.
const linkTokenSchema = z.object(
  {
    sha256: textSchema.regex(/^[0-9a-f]{64}$/, {error: 'expected 64 hex digits'}),
    bot: optional(textSchema),
    channels: channelsSchema,
    created_at: textSchema,
    expires_at: textSchema,
    used_at: optional(textSchema),
    used_by_chat: optional(integerSchema),
  },
  {error: 'expected a mapping'},
)

const linkedChatSchema = z.object(
  {
    chat_id: integerSchema,
    bot: optional(textSchema),
    channels: channelsSchema,
    linked_at: textSchema,
    linked_by: optional(textSchema),
    title: optional(textSchema),
  },
  {error: 'expected a mapping'},
)

export const legacyLinkSectionsSchema = z.looseObject({
  links: z.array(linkTokenSchema, {error: 'expected a list'}).nullish().transform((links) => links ?? []),
  linked_chats: z.array(linkedChatSchema, {error: 'expected a list'}).nullish().transform((chats) => chats ?? []),
})
