import {redact} from '../redact.js'
import {UserError} from '../user-error.js'
import {CHAT_ID_EXPECTED, type ChatId, parseChatId, splitChatList} from './chat-id.js'
import {describeZodError} from './issues.js'
import type {Env} from './paths.js'
import {acceptEnvBotList} from './plain-registry.js'
import type {EnvBotFields} from './schema.js'
import {errorMessage} from '../support/error-message.js'
import {isRecord} from '../support/is-record.js'

export const BOT_CONFIGS_VAR = 'TELEGRAM_BOT_CONFIGS'
export const BOT_TOKEN_VAR = 'TELEGRAM_BOT_TOKEN'
export const CHAT_IDS_VAR = 'TELEGRAM_CHAT_IDS'

/** One entry of `TELEGRAM_BOT_CONFIGS`. */
export interface EnvBot {
  index: number
  name?: string
  token: string
  chatIds: ChatId[]
  /** `env TELEGRAM_BOT_CONFIGS[1] (alerts)` */
  source: string
  /** Keys of the entry besides name, token and chat_ids (`message_thread_id`): read nowhere, said when it is used. */
  ignoredKeys: string[]
  /** Index of an earlier entry with this name in another case (`alerts`, `ALERTS`): the name is ambiguous. */
  sameNameAs?: number
}

const ENV_BOT_KEYS = new Set(['name', 'token', 'chat_ids'])

/**
 * A variable as the seed's layers read it: trimmed, and without one pair of matching quotes around the whole value.
 * `docker run --env-file` passes `TELEGRAM_BOT_TOKEN="123:AB…"` with its quotes, where compose, systemd and dotenv
 * readers drop them; no token, chat list or JSON array starts and ends with the same quote. Kept, a quoted token got
 * 401 and "ask @BotFather", advice that revokes a token the old backend still uses.
 */
export function envValue(env: Env, name: string): string | undefined {
  const trimmed = env[name]?.trim()
  const value = trimmed && /^(["'])(?:[^"']*|\[.*\])\1$/s.test(trimmed) ? trimmed.slice(1, -1).trim() : trimmed
  return value === undefined || value === '' ? undefined : value
}

// V8 quotes the input in its message (the start, or `..."a window"...` around the error); that text may hold a token
// or a piece of one, which `redact` cannot recognise, so it stays out of ours.
function jsonProblem(error: unknown): string {
  const message = errorMessage(error)
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
}

/** Parses `TELEGRAM_BOT_CONFIGS` (a JSON array of `{name, token, chat_ids}`); unset or empty means none. */
export async function readEnvBotConfigs(env: Env): Promise<EnvBot[]> {
  const text = envValue(env, BOT_CONFIGS_VAR)
  if (text === undefined) return []
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new UserError(redact(`${BOT_CONFIGS_VAR}: not valid JSON (${jsonProblem(error)})`))
  }
  const seen = new Map<string, number>()
  return (acceptEnvBotList(json) ?? (await parseEnvBotList(json))).map((entry, index) => {
    let sameNameAs: number | undefined
    if (entry.name !== undefined) {
      const key = entry.name.toLowerCase()
      sameNameAs = seen.get(key)
      if (sameNameAs === undefined) seen.set(key, index)
    }
    const label = entry.name === undefined ? '' : ` (${entry.name})`
    const raw = (json as unknown[])[index]
    return {
      index,
      name: entry.name,
      token: entry.token,
      chatIds: entry.chat_ids,
      source: `env ${BOT_CONFIGS_VAR}[${index}]${label}`,
      ignoredKeys: isRecord(raw) ? Object.keys(raw).filter((key) => !ENV_BOT_KEYS.has(key)) : [],
      ...(sameNameAs === undefined ? {} : {sameNameAs}),
    }
  })
}

// Worded as the registry words its own duplicates (registry-file.ts numberBots).
function duplicateLine(bot: EnvBot): string {
  return `${BOT_CONFIGS_VAR}[${bot.index}].name: duplicate name "${bot.name}" (also ${BOT_CONFIGS_VAR}[${bot.sameNameAs}]; names ignore case)`
}

/** A name two TELEGRAM_BOT_CONFIGS entries share: that name alone is refused; a door acting on every bot skips it. */
export class AmbiguousBotNameError extends UserError {}

/**
 * The entry named `name` (any case). A name two entries share is refused in one line naming both: an old backend
 * told `alerts` from `ALERTS`, names here ignore case, and guessing would send through the wrong bot.
 */
export function findEnvBot(bots: readonly EnvBot[], name: string): EnvBot | undefined {
  const key = name.trim().toLowerCase()
  const found = bots.find((bot) => bot.name?.toLowerCase() === key)
  const duplicate = found && bots.find((bot) => bot.sameNameAs === found.index)
  if (duplicate) throw new AmbiguousBotNameError(duplicateLine(duplicate))
  return found
}

/**
 * One line per entry whose name an earlier one has. Unlike the registry, whose duplicates `bots add` refuses and
 * which fails whole, the variable comes from another program: only the shared name is refused (findEnvBot), so the
 * list's other bots keep working.
 */
export function envNameWarnings(bots: readonly EnvBot[]): string[] {
  return bots.filter((bot) => bot.sameNameAs !== undefined).map((bot) => `${duplicateLine(bot)}: that name is refused, the other entries work`)
}

/** The zod schema's reading, for a value `acceptEnvBotList` was not sure of: its errors are the messages. */
async function parseEnvBotList(json: unknown): Promise<EnvBotFields[]> {
  const {envBotListSchema} = await import('./schema.js')
  const parsed = envBotListSchema.safeParse(json)
  if (!parsed.success) throw new UserError(describeZodError(BOT_CONFIGS_VAR, parsed.error, json))
  return parsed.data
}

/** `TELEGRAM_BOT_TOKEN`, or undefined when unset or empty. */
export function readEnvToken(env: Env): string | undefined {
  return envValue(env, BOT_TOKEN_VAR)
}

/** Validates chat ids given as text; `where` names the flag or variable in the error. */
export function parseChatList(where: string, entries: readonly string[]): ChatId[] {
  return entries.flatMap(splitChatList).map((entry) => {
    const chatId = parseChatId(entry)
    if (chatId === undefined) throw new UserError(`${where}: ${JSON.stringify(entry)} is not ${CHAT_ID_EXPECTED}`)
    return chatId
  })
}

/** `TELEGRAM_CHAT_IDS` (comma-separated), or undefined when unset or empty. */
export function readEnvChatIds(env: Env): ChatId[] | undefined {
  const text = envValue(env, CHAT_IDS_VAR)
  return text === undefined ? undefined : parseChatList(CHAT_IDS_VAR, [text])
}
