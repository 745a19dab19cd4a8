import {registerToken} from '../redact.js'
import {MissingTokenError, UserError} from '../user-error.js'
import {checkBotFlag} from './bot-flag.js'
import {type ChatId, distinctChatIds, splitChatList} from './chat-id.js'
import {
  BOT_CONFIGS_VAR,
  BOT_TOKEN_VAR,
  CHAT_IDS_VAR,
  type EnvBot,
  envNameWarnings,
  findEnvBot,
  parseChatList,
  readEnvBotConfigs,
  readEnvChatIds,
  readEnvToken,
} from './env-layers.js'
import {type Env, locateRegistry, type RegistryLocation} from './paths.js'
import {findRegistryBot} from './find-bot.js'
import {type LoadedRegistry, loadCurrentRegistry, type RegistryBot, requireNamedRegistry} from './registry-file.js'
import {isTokenUnreadable, parseTokenReference, type RegistryTokenContext, resolveRegistryToken, type TokenUnreadableError, tokenReferenceSource} from './token.js'
import type {BotRequest, ChatTarget, Layer, ResolvedBot, Sourced} from './types.js'

const NO_CHATS: Sourced<ChatTarget[]> = {value: [], source: 'none'}

type Candidate =
  | {layer: 'registry'; bot: RegistryBot; fallback?: Fallback}
  | {layer: 'env-configs'; bot: EnvBot; fallback?: Fallback}
  | {layer: 'env-token'; token: string; fallback?: Fallback}

/** Why a name someone asked for ended on TELEGRAM_BOT_TOKEN: the seed's rule, said in one line. */
interface Fallback {
  name: string
  /** Undefined when the fallback is the seed's plain design and nothing to warn about (see `seedFallback`). */
  line?: string
}

/** `registry ~/.config/fastpay-tg/config.yml bots[0] (alerts)` */
export function registrySource(location: RegistryLocation, bot: RegistryBot): string {
  return `registry ${location.display} bots[${bot.index}] (${bot.name})`
}

function targets(chatIds: readonly ChatId[], fromRegistry: boolean, source: string): Sourced<ChatTarget[]> {
  if (chatIds.length === 0) return NO_CHATS
  return {value: distinctChatIds(chatIds).map((chatId) => ({chatId, fromRegistry})), source}
}

function checkThread(thread: number): Sourced<number> {
  if (!Number.isSafeInteger(thread) || thread <= 0) {
    throw new UserError(`--thread: expected a positive integer, got ${String(thread)}`)
  }
  return {value: thread, source: 'flag --thread'}
}

/** Reads the lower layers only when a lookup reaches them: a broken layer that is not used does not stop a run. */
class Layers {
  private envBots: EnvBot[] | undefined
  constructor(
    readonly registry: LoadedRegistry,
    readonly env: Env,
  ) {}

  async envConfigs(): Promise<EnvBot[]> {
    this.envBots ??= await readEnvBotConfigs(this.env)
    return this.envBots
  }

  /** Said only when the lookup read TELEGRAM_BOT_CONFIGS: a registry bot's run does not hear of its entries. */
  warnings(): string[] {
    return this.envBots ? envNameWarnings(this.envBots) : []
  }

  /** By registry id or name (any case), active only: a disabled registry bot lets a same-named lower one through. */
  async findNamed(selector: string): Promise<Candidate | {disabled: RegistryBot} | undefined> {
    const registryBot = findRegistryBot(this.registry.bots, selector)
    if (registryBot?.active) return {layer: 'registry', bot: registryBot}
    // An id names that registry bot alone: disabled, it is refused, not answered by another layer's bot of its name.
    if (registryBot && isRegistryId(selector)) return {disabled: registryBot}
    const envBot = findEnvBot(await this.envConfigs(), registryBot?.name ?? selector)
    if (envBot) return {layer: 'env-configs', bot: envBot}
    return registryBot ? {disabled: registryBot} : undefined
  }

  async first(): Promise<Candidate | undefined> {
    const registryBot = this.registry.bots.find((bot) => bot.active)
    if (registryBot) return {layer: 'registry', bot: registryBot}
    const [envBot] = await this.envConfigs()
    if (envBot) return {layer: 'env-configs', bot: envBot}
    const token = readEnvToken(this.env)
    return token === undefined ? undefined : {layer: 'env-token', token}
  }
}

/**
 * The seed's rule, for every door: a name no layer has as an active bot goes to TELEGRAM_BOT_TOKEN +
 * TELEGRAM_CHAT_IDS when that is set. It is said in one line when someone named the bot (`--bot`, `--channel`)
 * or when named bots exist, so the name was likely meant for one of them; a seed-only setup (one token, no names)
 * running a door's default channel is the seed working as designed, and stays quiet. A registry id is not a name:
 * it never falls back.
 */
async function seedFallback(layers: Layers, asked: string, named: boolean, disabled?: RegistryBot): Promise<Candidate | undefined> {
  const token = readEnvToken(layers.env)
  if (token === undefined || isRegistryId(asked)) return undefined
  const name = disabled?.name ?? asked.trim()
  const announce = named || disabled !== undefined || layers.registry.bots.length > 0 || (await layers.envConfigs()).some((bot) => bot.name)
  if (!announce) return {layer: 'env-token', token, fallback: {name}}
  const line = disabled
    ? `no active bot named "${name}" in any layer (disabled in ${layers.registry.location.display}): using ${BOT_TOKEN_VAR}`
    : `no bot named "${name}" in any layer: using ${BOT_TOKEN_VAR}`
  return {layer: 'env-token', token, fallback: {name, line}}
}

const isRegistryId = (selector: string) => /^\d+$/.test(selector.trim())

async function pick(layers: Layers, request: BotRequest): Promise<Candidate> {
  const display = layers.registry.location.display
  if (request.bot !== undefined) {
    const found = await layers.findNamed(request.bot)
    if (found && !('disabled' in found)) return found
    const disabled = found?.disabled
    const fallback = await seedFallback(layers, request.bot, true, disabled)
    if (fallback) return fallback
    if (!disabled) throw new UserError(`unknown bot "${request.bot}": not in ${display} nor ${BOT_CONFIGS_VAR}`)
    throw new UserError(`bot "${disabled.name}" is disabled in ${display}: enable it with fastpay-tg bots enable ${disabled.name}`)
  }
  if (request.defaultBot !== undefined) {
    const found = await layers.findNamed(request.defaultBot)
    if (found && !('disabled' in found)) return found
    const fallback = await seedFallback(layers, request.defaultBot, request.defaultBotGiven === true, found?.disabled)
    if (fallback) return fallback
  }
  const first = await layers.first()
  if (!first) {
    // A registry whose bots are all disabled is not "no bot": the way out is to enable one.
    const [disabled] = layers.registry.bots
    const why = disabled ? `every bot of ${display} is disabled (fastpay-tg bots enable ${disabled.name}); ` : ''
    throw new MissingTokenError(`no bot token: ${why}pass --token, add a bot with fastpay-tg bots add, or set TELEGRAM_BOT_TOKEN`)
  }
  // A channel someone named (a typo, a bot not added yet) that ends on another bot sends to that bot's chats: say so.
  if (request.defaultBot !== undefined && request.defaultBotGiven && first.layer !== 'env-token' && first.bot.name) {
    const name = request.defaultBot.trim()
    return {...first, fallback: {name, line: `no bot named "${name}" in any layer: using "${first.bot.name}", the first bot`}}
  }
  return first
}

/** Everything but the token of a registry bot, which is read only when `--token` does not replace it. */
type Found = Omit<ResolvedBot, 'warnings' | 'token'> & {token?: Sourced<string>}

function fromCandidate(candidate: Candidate, registry: LoadedRegistry, env: Env): Found {
  if (candidate.layer === 'registry') {
    const {bot} = candidate
    const source = registrySource(registry.location, bot)
    return {
      name: bot.name,
      registryId: bot.id,
      layer: 'registry',
      chats: targets(bot.chat_ids, true, source),
      threadId: bot.message_thread_id === undefined ? undefined : {value: bot.message_thread_id, source},
      chatType: bot.chat_type,
      registry: registry.location,
    }
  }
  if (candidate.layer === 'env-configs') {
    const {bot} = candidate
    return {
      name: bot.name,
      layer: 'env-configs',
      token: {value: bot.token, source: bot.source},
      chats: targets(bot.chatIds, false, bot.source),
    }
  }
  return {
    layer: 'env-token',
    token: {value: candidate.token, source: `env ${BOT_TOKEN_VAR}`},
    chats: targets(readEnvChatIds(env) ?? [], false, `env ${CHAT_IDS_VAR}`),
    ...(candidate.fallback ? {fallbackFor: candidate.fallback.name} : {}),
  }
}

/**
 * Finds the bot a door should use, layer by layer: flags, the bots registry, TELEGRAM_BOT_CONFIGS,
 * TELEGRAM_BOT_TOKEN + TELEGRAM_CHAT_IDS. Every value says where it came from; every token is registered for
 * redaction. Throws a one-line UserError for unknown or disabled bots, bad values, or no token at all.
 */
export function resolveBot(request: BotRequest = {}, env: Env = process.env): Promise<ResolvedBot> {
  return resolveWith(request, env, (bot, context) => resolveRegistryToken(bot.token, context))
}

/** A registry token `config show` could not read: where it points, and why it cannot be read (never any of it). */
export interface UnreadableToken {
  value?: undefined
  source: string
  unreadable: TokenUnreadableError
}

/**
 * resolveBot for `config show`, the door run when something is wrong: a registry token that cannot be read (an
 * unset `${ENV}`, a keychain entry that is gone) comes back as its problem, so every other row can still be shown.
 */
export function resolveBotShowingUnreadable(request: BotRequest = {}, env: Env = process.env): Promise<WithToken<Sourced<string> | UnreadableToken>> {
  return resolveWith<Sourced<string> | UnreadableToken>(request, env, async (bot, context) => {
    try {
      return await resolveRegistryToken(bot.token, context)
    } catch (error) {
      if (!isTokenUnreadable(error)) throw error
      return {source: tokenReferenceSource(parseTokenReference(bot.token), context.literalSource), unreadable: error}
    }
  })
}

type WithToken<T> = Omit<ResolvedBot, 'token'> & {token: T}

async function resolveWith<T extends {value?: string}>(
  request: BotRequest,
  env: Env,
  readRegistryToken: (bot: RegistryBot, context: RegistryTokenContext) => Promise<T>,
): Promise<WithToken<Sourced<string> | T>> {
  checkBotFlag(request.bot)
  const flagChats = request.chats?.length ? flagChatList(request.chats) : undefined
  const flagThread = request.thread === undefined ? undefined : checkThread(request.thread)
  const flagToken = request.token?.trim() || undefined
  registerToken(flagToken)
  const chatsFromFlag = flagChats && targets(flagChats, false, 'flag --chat')
  const tokenFromFlag = flagToken === undefined ? undefined : {value: flagToken, source: 'flag --token'}

  // `--token` alone never needs the registry: skip reading it.
  if (tokenFromFlag && request.bot === undefined) {
    await requireNamedRegistry(locateRegistry(request.configPath, env))
    const envChats = chatsFromFlag ? undefined : readEnvChatIds(env)
    return {
      layer: 'flags',
      token: tokenFromFlag,
      chats: chatsFromFlag ?? targets(envChats ?? [], false, `env ${CHAT_IDS_VAR}`),
      threadId: flagThread,
      warnings: [],
    }
  }

  const location = locateRegistry(request.configPath, env)
  // Checked against the file each time (one stat): `monitor watch` and `webhook serve` see edits, parsed once each.
  const registry = await loadCurrentRegistry(location)
  const warnings = [...registry.warnings]
  const layers = new Layers(registry, env)
  const candidate = await pick(layers, request)
  warnings.push(...layers.warnings())
  if (candidate.fallback?.line) warnings.push(candidate.fallback.line)
  if (candidate.layer === 'env-configs' && candidate.bot.ignoredKeys.length > 0) warnings.push(ignoredKeysLine(candidate.bot))
  const resolved = fromCandidate(candidate, registry, env)
  let token: Sourced<string> | T | undefined = tokenFromFlag ?? resolved.token
  if (!token && candidate.layer === 'registry') {
    token = await readRegistryToken(candidate.bot, {
      botName: candidate.bot.name,
      display: registry.location.display,
      literalSource: registrySource(registry.location, candidate.bot),
      env,
    })
  }
  if (!token) throw new Error('unreachable: every layer but the registry carries its token')
  registerToken(token.value)
  const layer: Layer = tokenFromFlag ? 'flags' : resolved.layer
  return {
    ...resolved,
    layer,
    token,
    chats: chatsFromFlag ?? resolved.chats,
    threadId: flagThread ?? resolved.threadId,
    warnings,
  }
}

/** An old backend's entry with a key this layer does not read: a forum topic there would be silently lost. */
function ignoredKeysLine(bot: EnvBot): string {
  const keys = bot.ignoredKeys.map((key) => JSON.stringify(key)).join(', ')
  return `${bot.source.replace(/^env /, '')}: ${keys} not read (only name, token and chat_ids are): a topic or chat type goes in the registry (fastpay-tg bots add --thread)`
}

/**
 * `--chat` values (each may hold several ids). One that holds none (`--chat "$CHAT"` with the variable unset) is the
 * mistake to name: "no chat to send to: pass --chat" said so to someone who had.
 */
function flagChatList(values: readonly string[]): ChatId[] {
  const empty = values.find((value) => splitChatList(value).length === 0)
  if (empty !== undefined) throw new UserError(`--chat: no chat id in ${JSON.stringify(empty)}`)
  return parseChatList('--chat', values)
}

/** The chats to send to; throws a one-line UserError saying where to add one when there are none. */
export function requireChats(resolved: ResolvedBot): ChatTarget[] {
  if (resolved.chats.value.length > 0) return resolved.chats.value
  let where = `set ${CHAT_IDS_VAR}`
  if (resolved.registry && resolved.name) {
    where = `add chat_ids to bot "${resolved.name}" in ${resolved.registry.display}`
  } else if (resolved.name) where = `add chat_ids to "${resolved.name}" in ${BOT_CONFIGS_VAR}`
  throw new UserError(`no chat to send to: pass --chat, or ${where}`)
}
