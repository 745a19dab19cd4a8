import {maskToken, registerToken} from '../redact.js'
import {errorMessage} from '../support/error-message.js'
import type {ChatId} from './chat-id.js'
import {BOT_TOKEN_VAR, CHAT_IDS_VAR, envNameWarnings, readEnvBotConfigs, readEnvChatIds, readEnvToken} from './env-layers.js'
import {isKeychainUnavailable, KEYCHAIN_SERVICE, readToken} from './keychain.js'
import {type Env, locateRegistry, type RegistryLocation} from './paths.js'
import {loadRegistry, type RegistryBot} from './registry-file.js'
import {registrySource} from './resolve.js'
import type {BotInfo} from './schema.js'
import {noValue} from './constants.js'
import {parseTokenReference, tokenReferenceSource} from './token.js'
import type {Layer} from './types.js'

export interface ListedBot {
  layer: Exclude<Layer, 'flags'>
  name?: string
  registryId?: number
  active: boolean
  /** Masked (`123456:AB…yz`), or why it cannot be read: `(ALERTS_TOKEN is not set)`, `(keychain unavailable)`. */
  token: string
  /** Set when the token cannot be read: `takes its token from ${ALERTS_TOKEN}, which is not set`. */
  problem?: string
  tokenSource: string
  chatIds: ChatId[]
  chatsSource: string
  threadId?: number
  chatType?: string
  info?: BotInfo
  /** The bot used when no `--bot` is given. */
  isDefault: boolean
  /** Source of the higher-layer bot of the same name that is used instead of this one. */
  shadowedBy?: string
}

export interface BotListing {
  registry: RegistryLocation
  registryExists: boolean
  bots: ListedBot[]
  warnings: string[]
}

interface MaskedToken {
  /** Masked, or a short reason in parentheses. */
  token: string
  /** Why the token cannot be read: the bot is listed, and fails alone wherever it is used. */
  problem?: string
}

async function maskedRegistryToken(raw: string, env: Env, warnings: string[]): Promise<MaskedToken> {
  const reference = parseTokenReference(raw)
  if (reference.kind === 'literal') {
    registerToken(raw)
    return {token: maskToken(raw)}
  }
  if (reference.kind === 'env') {
    const value = env[reference.variable]?.trim()
    if (!value) {
      const why = noValue(env[reference.variable])
      return {token: `(${reference.variable} is ${why})`, problem: `takes its token from \${${reference.variable}}, which is ${why}`}
    }
    registerToken(value)
    return {token: maskToken(value)}
  }
  try {
    const value = await readToken(reference.account)
    if (value === undefined) {
      return {token: '(not in the keychain)', problem: `no token stored in the keychain under ${KEYCHAIN_SERVICE}/${reference.account}`}
    }
    registerToken(value)
    return {token: maskToken(value)}
  } catch (error) {
    // An answer of its own (two entries match, a secret that is not text) concerns this bot alone: listed with it.
    if (!isKeychainUnavailable(error)) return {token: '(keychain error)', problem: errorMessage(error)}
    if (!warnings.includes(error.message)) warnings.push(error.message)
    return {token: '(keychain unavailable)', problem: error.message}
  }
}

async function listRegistryBot(
  location: RegistryLocation,
  bot: RegistryBot,
  env: Env,
  warnings: string[],
): Promise<ListedBot> {
  const source = registrySource(location, bot)
  const {token, problem} = await maskedRegistryToken(bot.token, env, warnings)
  return {
    layer: 'registry',
    name: bot.name,
    registryId: bot.id,
    active: bot.active,
    token,
    ...(problem === undefined ? {} : {problem}),
    tokenSource: tokenReferenceSource(parseTokenReference(bot.token), source),
    chatIds: bot.chat_ids,
    chatsSource: source,
    threadId: bot.message_thread_id,
    chatType: bot.chat_type,
    info: bot.info,
    isDefault: false,
  }
}

/**
 * The names of the bots of the registry and `TELEGRAM_BOT_CONFIGS`, each once (names ignore case), for the shell
 * completions: read without a token or the keychain, so a TAB costs no secret lookup.
 */
export async function botNames(configPath?: string, env: Env = process.env): Promise<string[]> {
  const registry = await loadRegistry(locateRegistry(configPath, env))
  const names = [...registry.bots.map((bot) => bot.name), ...(await readEnvBotConfigs(env)).flatMap((bot) => (bot.name ? [bot.name] : []))]
  return names.filter((name, index) => names.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index)
}

/**
 * Every bot of every layer below the flags (for `bots list` and `config show`), in priority order, with masked
 * tokens and sources. Reads keychain tokens to mask them; an unavailable keychain becomes a warning.
 */
export async function listBots(configPath?: string, env: Env = process.env): Promise<BotListing> {
  const location = locateRegistry(configPath, env)
  const registry = await loadRegistry(location)
  const warnings = [...registry.warnings]
  const bots: ListedBot[] = []
  for (const bot of registry.bots) bots.push(await listRegistryBot(location, bot, env, warnings))
  const envBots = await readEnvBotConfigs(env)
  warnings.push(...envNameWarnings(envBots))
  for (const bot of envBots) {
    registerToken(bot.token)
    bots.push({
      layer: 'env-configs',
      name: bot.name,
      active: true,
      token: maskToken(bot.token),
      tokenSource: bot.source,
      chatIds: bot.chatIds,
      chatsSource: bot.source,
      isDefault: false,
    })
  }
  const envToken = readEnvToken(env)
  if (envToken !== undefined) {
    registerToken(envToken)
    bots.push({
      layer: 'env-token',
      active: true,
      token: maskToken(envToken),
      tokenSource: `env ${BOT_TOKEN_VAR}`,
      chatIds: readEnvChatIds(env) ?? [],
      chatsSource: `env ${CHAT_IDS_VAR}`,
      isDefault: false,
    })
  }
  markShadowsAndDefault(bots)
  return {registry: location, registryExists: registry.exists, bots, warnings}
}

// Mirrors resolveBot: the first active bot in priority order is the default; a name is served by its highest layer.
function markShadowsAndDefault(bots: ListedBot[]): void {
  const byName = new Map<string, ListedBot>()
  for (const bot of bots) {
    if (!bot.active || bot.name === undefined) continue
    const key = bot.name.toLowerCase()
    const winner = byName.get(key)
    if (winner) bot.shadowedBy = winner.chatsSource
    else byName.set(key, bot)
  }
  const first = bots.find((bot) => bot.active)
  if (first) first.isDefault = true
}
