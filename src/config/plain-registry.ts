// The schemas of the registry and of TELEGRAM_BOT_CONFIGS (schema.ts) for a value they accept, without loading zod:
// most runs read valid config, and loading zod and building its schemas cost a start about 15 ms. This only
// accepts: a value it is not sure of gives undefined, and the zod schema reads it as before, with its messages. The
// value it gives is the one the schema's parse would (keys, their order, defaults): test/config/plain-registry.test.ts
// holds them equal.
import {type ChatId, chatIdEntries, parseChatId} from './chat-id.js'
import {BARE_VARIABLE, BOT_NAME, CHAT_TYPES, ENV_REFERENCE, KEYCHAIN_PREFIX, REGISTRY_BOT_KEYS} from './constants.js'
import type {BotInfo, EnvBotFields, RegistryBotFields} from './schema.js'

class NotAccepted extends Error {}

const reject = (): never => {
  throw new NotAccepted()
}

type Fields = Record<string, unknown>

const isMapping = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype

const BOT_KEYS = new Set(REGISTRY_BOT_KEYS)

/** The registry's bots, as `registryFileSchema.parse(data).bots` gives them; undefined when not sure they pass. */
export function acceptRegistryData(data: unknown): RegistryBotFields[] | undefined {
  try {
    if (!isMapping(data)) return reject()
    const {bots} = data
    if (bots === undefined || bots === null) return []
    if (!Array.isArray(bots)) return reject()
    return bots.map(acceptBot)
  } catch (error) {
    if (error instanceof NotAccepted) return undefined
    throw error
  }
}

/** `TELEGRAM_BOT_CONFIGS`, as `envBotListSchema.parse(json)` gives it; undefined when not sure it passes. */
export function acceptEnvBotList(json: unknown): EnvBotFields[] | undefined {
  try {
    if (!Array.isArray(json)) return reject()
    return json.map((entry: unknown) => {
      if (!isMapping(entry)) return reject()
      // A plain object in the schema: other keys are dropped.
      const accepted: Fields = {}
      if (Object.hasOwn(entry, 'name')) accepted.name = entry.name === null ? undefined : nonEmptyString(entry.name)
      accepted.token = nonEmptyString(entry.token)
      accepted.chat_ids = chatIds(entry.chat_ids)
      return accepted as unknown as EnvBotFields
    })
  } catch (error) {
    if (error instanceof NotAccepted) return undefined
    throw error
  }
}

function acceptBot(bot: unknown): RegistryBotFields {
  if (!isMapping(bot)) return reject()
  for (const key of Object.keys(bot)) if (!BOT_KEYS.has(key)) reject()
  const {name, token} = bot
  if (typeof name !== 'string' || !BOT_NAME.test(name)) reject()
  const accepted: Fields = {name}
  // `optional()` in schema.ts: a key left blank (null) is kept, as undefined; an absent key stays absent.
  const optional = (key: string, accept: (value: unknown) => unknown) => {
    if (!Object.hasOwn(bot, key)) return
    const value = bot[key]
    accepted[key] = value === null ? undefined : accept(value)
  }
  optional('id', positiveInteger)
  accepted.token = acceptToken(token)
  accepted.chat_ids = chatIds(bot.chat_ids)
  optional('chat_type', (value) => (CHAT_TYPES.includes(value as never) ? value : reject()))
  optional('message_thread_id', positiveInteger)
  accepted.active = bot.active === undefined || bot.active === null ? true : typeof bot.active === 'boolean' ? bot.active : reject()
  optional('info', acceptInfo)
  return accepted as unknown as RegistryBotFields
}

/** Trimmed, as the schema's `.trim()` gives it. */
function nonEmptyString(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : ''
  return text !== '' ? text : reject()
}

function positiveInteger(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : reject()
}

function acceptToken(raw: unknown): string {
  const token = typeof raw === 'string' ? raw.trim() : ''
  if (token === '' || token === KEYCHAIN_PREFIX) return reject()
  if ((token.startsWith('${') && !ENV_REFERENCE.test(token)) || BARE_VARIABLE.test(token)) reject()
  return token
}

function chatIds(value: unknown): ChatId[] {
  if (value === undefined || value === null) return []
  return (chatIdEntries(value) ?? reject()).map(({entry}) => parseChatId(entry) ?? reject())
}

const optionalString = (value: unknown): string | undefined =>
  value === undefined || typeof value === 'string' ? value : reject()

/** A loose object: its known keys first, in the schema's order, then the others as they came. */
function loose(value: unknown, known: Record<string, (value: unknown) => unknown>): Fields {
  if (!isMapping(value)) return reject()
  const accepted: Fields = {}
  for (const [key, accept] of Object.entries(known)) {
    if (Object.hasOwn(value, key)) accepted[key] = accept(value[key])
  }
  for (const [key, entry] of Object.entries(value)) {
    // Own keys only: `toString` is a key like any other here. `__proto__` would set the prototype: left to zod.
    if (key === '__proto__') reject()
    if (!Object.hasOwn(known, key)) accepted[key] = entry
  }
  return accepted
}

function acceptInfo(info: unknown): BotInfo {
  const chatInfo = (chat: unknown) => loose(chat, {title: optionalString, type: optionalString, username: optionalString})
  const chats = (value: unknown) => {
    if (value === undefined) return undefined
    if (!isMapping(value)) return reject()
    return Object.fromEntries(Object.entries(value).map(([chat, entry]) => [chat, chatInfo(entry)]))
  }
  return loose(info, {username: optionalString, first_name: optionalString, synced_at: optionalString, chats}) as BotInfo
}
