import {existsSync} from 'node:fs'
import {hostname} from 'node:os'

import type {UserFromGetMe} from '@grammyjs/types'

import {
  addBot,
  type BotInfo,
  type BotRequest,
  BOT_TOKEN_VAR,
  type ChatId,
  deleteToken,
  type Env,
  findRegistryBot,
  isTokenUnreadable,
  KEYCHAIN_PREFIX,
  loadRegistry,
  locateRegistry,
  parseChatList,
  readEnvBotConfigs,
  readEnvToken,
  removeBot,
  requireChats,
  type RegistryBot,
  type RegistryLocation,
  updateBot,
} from '../config/index.js'
import {isTelegramApiError} from '../api/index.js'
import {describeFailure, type FailureDescription} from '../describe-failure.js'
import {type BotSession, openBot, type OpenBotOptions, persistMigrations} from '../bot-session.js'
import {checkBotName} from './flag-checks.js'
import {forgetKeychainEntry, freeKeychainAccount} from './forget-keychain-entry.js'
import {unknownRegistryBot} from './unknown-registry-bot.js'
import {deliverToChats, type ChatDelivery} from '../send/deliver.js'
import {noteRegistryChange} from '../usage/usage-file.js'
import {UserError} from '../user-error.js'
import {checkTokenShape, checkWithTelegram, describeStorage, ownerInfo, storeNewToken, tokenValue} from './new-token.js'

export interface AddBotRequest {
  name: string
  /** A literal token, `${ENV_VAR}` or `keychain:<account>`. */
  token: string
  chats?: string[]
  thread?: number
  chatType?: RegistryBot['chat_type']
  active?: boolean
  /** Keep a literal token in the file even when a keychain is available. @default false */
  noKeychain?: boolean
  /** Skip the getMe check of the token. @default false */
  noValidate?: boolean
  configPath?: string
}

export interface AddedBot {
  bot: RegistryBot
  tokenStorage: string
  /** The bot's @username, when getMe answered. */
  username?: string
  warnings: string[]
}

/**
 * `bots add`: refuses a value that is not shaped like a bot token (without echoing it), asks Telegram whether it
 * knows the token (getMe; unreachable is only a warning), then stores a literal token in the OS keychain when there
 * is one, else in the file with a warning. A `--config` file that does not exist yet is created (0600, dirs 0700).
 */
export async function addRegistryBot(request: AddBotRequest, env: Env = process.env, options: OpenBotOptions = {}): Promise<AddedBot> {
  const location = locateRegistry(request.configPath, env)
  const warnings: string[] = []
  const shaped = checkTokenShape(request.token)
  // What can refuse the bot is checked before its token reaches the keychain: a refused add must neither leave a
  // stray secret there nor overwrite the token an existing bot of the same name reads (the account is the name).
  const chatIds: ChatId[] = request.chats ? parseChatList('--chat', request.chats) : []
  checkBotName('NAME', request.name)
  const name = request.name.toLowerCase()
  const existing = await registryIfPresent(location)
  const taken = existing.find((bot) => bot.name.toLowerCase() === name)
  if (taken) throw new UserError(`bot "${taken.name}" already exists in ${location.display} (bots[${taken.index}])`)
  const owner = request.noValidate ? undefined : await checkWithTelegram(tokenValue(shaped.token, env), env, options, warnings, 'added')
  // Stored under the registry's lock, once the name is known to be free there (see AddBotOptions.tokenFor).
  let stored: {token: string; keychainAccount?: string} | undefined
  const tokenFor = async (bots: readonly RegistryBot[]) => {
    // The keychain is asked which names are free only when a literal token is to go there.
    const account = shaped.isReference || request.noKeychain ? name : await freeKeychainAccount(name, bots)
    stored = await storeNewToken(account, shaped, request.noKeychain, warnings)
    return stored.token
  }
  try {
    const bot = await addBot(
      location,
      {
        name: request.name,
        token: shaped.token,
        chat_ids: chatIds,
        chat_type: request.chatType,
        message_thread_id: request.thread,
        active: request.active,
        info: ownerInfo(owner),
      },
      {tokenFor},
    )
    return {bot, tokenStorage: describeStorage(bot.token), ...(owner?.username === undefined ? {} : {username: owner.username}), warnings}
  } catch (error) {
    // The file refused the bot after its token was stored (an invalid result, a write error): take it back out.
    const account = (stored as {keychainAccount?: string} | undefined)?.keychainAccount
    if (account !== undefined) await deleteToken(account).catch(() => false)
    throw error
  }
}

// Only `bots add` may find its named file missing: it creates it.
async function registryIfPresent(location: RegistryLocation): Promise<readonly RegistryBot[]> {
  if (location.explicit && !existsSync(location.path)) return []
  return (await loadRegistry(location)).bots
}

/** The bot `bots remove` would remove, so the door can name it in its question before anything changes. */
export async function findRemovableBot(selector: string, configPath: string | undefined, env: Env = process.env): Promise<{bot: RegistryBot; registry: string}> {
  const location = locateRegistry(configPath, env)
  const bot = findRegistryBot((await loadRegistry(location)).bots, selector)
  if (!bot) throw await unknownRegistryBot(selector, location, env)
  return {bot, registry: location.display}
}

/**
 * `bots remove`: also forgets the keychain entry the bot's token lived in, unless another bot uses it; `warnings`
 * says when the keychain did not answer and the entry stays.
 */
export async function removeRegistryBot(
  selector: string,
  configPath: string | undefined,
  env: Env = process.env,
): Promise<{bot: RegistryBot; warnings: string[]}> {
  const location = locateRegistry(configPath, env)
  const removed = await removeBot(location, selector)
  noteRegistryChange({reset: removed.name}, env)
  const account = removed.token.startsWith(KEYCHAIN_PREFIX) ? removed.token.slice(KEYCHAIN_PREFIX.length) : undefined
  const warning = account === undefined ? undefined : await forgetKeychainEntry(account, removed.name, location)
  return {bot: removed, warnings: warning === undefined ? [] : [warning]}
}

/** One bot's getMe: who it is (`ok`), or why it failed. */
export type BotCheck = ({bot: string; ok: true; me: Pick<UserFromGetMe, 'id' | 'username' | 'first_name'>; error?: undefined}) | {bot: string; ok: false; error: FailureDescription}

/**
 * `bots validate`: getMe for one bot, or for every bot `bots list` shows in use: the active registry bots, the
 * `TELEGRAM_BOT_CONFIGS` bots no active registry bot of the same name hides, and `TELEGRAM_BOT_TOKEN`. A bot whose
 * token cannot be read (an unset `${ENV}`, a locked keychain) is a failed check of its own (exit 2): the other bots
 * are still validated.
 */
export async function validateBots(selector: string | undefined, options: {configPath?: string; token?: string} & OpenBotOptions): Promise<BotCheck[]> {
  const targets: ValidationTarget[] = selector || options.token ? [{request: {bot: selector, token: options.token}}] : await botsInUse(options.configPath, options.env)
  return Promise.all(
    targets.map(async ({request, label}) => {
      let session: BotSession
      try {
        session = await openBot({...request, configPath: options.configPath}, options)
      } catch (error) {
        if (!isTokenUnreadable(error)) throw error
        // The code and exit code `config show` gives for this bot (a config mistake: 2), the problem without the bot
        // (the line names it).
        return {bot: error.botName, ok: false, error: {...describeFailure(error), message: error.problem}}
      }
      const bot = label ?? session.resolved.name ?? session.resolved.token.source
      try {
        const me = await session.client.getMe()
        return {bot, ok: true, me: {id: me.id, username: me.username, first_name: me.first_name}}
      } catch (error) {
        return {bot, ok: false, error: describeFailure(error)}
      }
    }),
  )
}

/** A bot to validate: by name, or (a bot no name reaches) by its token, shown as its source. */
interface ValidationTarget {
  request: Pick<BotRequest, 'bot' | 'token'>
  label?: string
}

// The bots listBots shows as used, in its order and with its shadowing rule (a name is served by its highest active
// layer). Tokens are read by openBot, not here, so one unreadable token fails its own check only.
async function botsInUse(configPath: string | undefined, env: Env = process.env): Promise<ValidationTarget[]> {
  const registry = await loadRegistry(locateRegistry(configPath, env))
  const named = new Set<string>()
  const targets: ValidationTarget[] = []
  for (const bot of registry.bots.filter((entry) => entry.active)) {
    named.add(bot.name.toLowerCase())
    targets.push({request: {bot: bot.name}})
  }
  for (const bot of await readEnvBotConfigs(env)) {
    if (bot.name === undefined) targets.push({request: {token: bot.token}, label: bot.source})
    else if (!named.has(bot.name.toLowerCase())) targets.push({request: {bot: bot.name}})
  }
  const seed = readEnvToken(env)
  if (seed !== undefined) targets.push({request: {token: seed}, label: `env ${BOT_TOKEN_VAR}`})
  // No bot at all: resolving the default says so (no bot token: …, exit 2).
  return targets.length > 0 ? targets : [{request: {}}]
}

/** A chat `sync-info` could not look up: Telegram refused it (the bot was removed from it, a stale id). */
export interface ChatLookupFailure {
  chatId: ChatId
  ok: false
  error: FailureDescription
}

/**
 * `bots sync-info`: caches the bot's and its chats' names in the registry, so listings need no network. A chat
 * Telegram refuses fails alone (its earlier cached names are kept); Telegram unreachable stops the run.
 */
export async function syncBotInfo(selector: string, options: {configPath?: string} & OpenBotOptions): Promise<{info: BotInfo; failures: ChatLookupFailure[]}> {
  const session = await openBot({bot: selector, configPath: options.configPath}, options)
  const {registry, name} = session.resolved
  if (session.resolved.layer !== 'registry' || !registry || !name) {
    throw new UserError(`bot "${selector}" is not in the registry: sync-info caches metadata there`)
  }
  const me = await session.client.getMe()
  const cached = findRegistryBot((await loadRegistry(registry)).bots, name)?.info?.chats ?? {}
  const chats: NonNullable<BotInfo['chats']> = {}
  const failures: ChatLookupFailure[] = []
  for (const {chatId} of session.resolved.chats.value) {
    try {
      const chat = await session.client.getChat({chat_id: chatId})
      const title = 'title' in chat && chat.title ? chat.title : [chat.first_name, chat.last_name].filter(Boolean).join(' ')
      chats[String(chatId)] = {title, type: chat.type, ...(chat.username ? {username: chat.username} : {})}
    } catch (error) {
      if (!isTelegramApiError(error)) throw error
      const before = cached[String(chatId)]
      if (before) chats[String(chatId)] = before
      failures.push({chatId, ok: false, error: describeFailure(error)})
    }
  }
  const info: BotInfo = {username: me.username, first_name: me.first_name, synced_at: new Date().toISOString(), chats}
  await updateBot(registry, name, {info})
  return {info, failures}
}

export interface TestMessageOptions extends OpenBotOptions {
  configPath?: string
  token?: string
  /** `--chat`: these chats instead of the bot's own. */
  chats?: string[]
  /** `--thread`: this forum topic instead of the bot's `message_thread_id`. */
  thread?: number
  /** `--message`. @default a line naming this host and the time */
  message?: string
}

/** `bots test`: a short message to every chat of the bot, to prove the whole path works. */
export async function sendTestMessage(selector: string | undefined, options: TestMessageOptions): Promise<{deliveries: ChatDelivery[]; notes: string[]}> {
  if (options.message !== undefined && options.message.trim() === '') throw new UserError('--message: the text is empty')
  const request = {bot: selector, token: options.token, chats: options.chats, thread: options.thread, configPath: options.configPath}
  const session = await openBot(request, options)
  const chatIds = requireChats(session.resolved).map((target) => target.chatId)
  const text = options.message ?? `✅ fastpay-tg test message from ${hostname()} at ${new Date().toISOString()}`
  const deliveries = await deliverToChats(session.client, chatIds, {text, threadId: session.resolved.threadId?.value}, {migrations: session.migrations})
  return {deliveries, notes: await persistMigrations(session)}
}
