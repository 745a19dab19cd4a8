import {hostname} from 'node:os'

import type {UserFromGetMe} from '@grammyjs/types'

import {
  addBot,
  type BotInfo,
  type ChatId,
  deleteToken,
  ENV_REFERENCE,
  type Env,
  KEYCHAIN_PREFIX,
  loadRegistry,
  locateRegistry,
  parseChatList,
  removeBot,
  requireChats,
  type RegistryBot,
  saveToken,
  updateBot,
} from '../config/index.js'
import {describeFailure, type FailureDescription} from '../describe-failure.js'
import {openBot, type OpenBotOptions, persistMigrations} from '../bot-session.js'
import {deliverToChats, type ChatDelivery} from '../send/deliver.js'
import {UserError} from '../user-error.js'

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
  configPath?: string
}

/** `bots add`: a literal token goes to the OS keychain when there is one, else into the file with a warning. */
export async function addRegistryBot(request: AddBotRequest, env: Env = process.env): Promise<{bot: RegistryBot; tokenStorage: string; warnings: string[]}> {
  const location = locateRegistry(request.configPath, env)
  const warnings: string[] = []
  let token = request.token.trim()
  if (token === '') throw new UserError('--token: the token is empty')
  // What can refuse the bot is checked before its token reaches the keychain: a refused add must neither leave a
  // stray secret there nor overwrite the token an existing bot of the same name reads (the account is the name).
  const chatIds: ChatId[] = request.chats ? parseChatList('--chat', request.chats) : []
  const name = request.name.toLowerCase()
  const taken = (await loadRegistry(location)).bots.find((bot) => bot.name.toLowerCase() === name)
  if (taken) throw new UserError(`bot "${taken.name}" already exists in ${location.display} (bots[${taken.index}])`)
  const isReference = ENV_REFERENCE.test(token) || token.startsWith(KEYCHAIN_PREFIX)
  let keychainAccount: string | undefined
  if (!isReference && !request.noKeychain) {
    const saved = await saveToken(name, token)
    token = saved.token
    if (saved.warning) warnings.push(saved.warning)
    else keychainAccount = name
  }
  try {
    const bot = await addBot(location, {
      name: request.name,
      token,
      chat_ids: chatIds,
      chat_type: request.chatType,
      message_thread_id: request.thread,
      active: request.active,
    })
    return {bot, tokenStorage: describeStorage(token), warnings}
  } catch (error) {
    // The file refused the bot (a bad name, a concurrent add): take the token back out of the keychain.
    if (keychainAccount !== undefined) await deleteToken(keychainAccount).catch(() => false)
    throw error
  }
}

function describeStorage(token: string): string {
  if (token.startsWith(KEYCHAIN_PREFIX)) return `OS keychain (fastpay-tg/${token.slice(KEYCHAIN_PREFIX.length)})`
  const variable = ENV_REFERENCE.exec(token)?.[1]
  return variable ? `environment variable ${variable}` : 'registry file (literal)'
}

/** `bots remove`: also forgets the keychain entry the bot's token lived in. */
export async function removeRegistryBot(selector: string, configPath: string | undefined, env: Env = process.env): Promise<RegistryBot> {
  const removed = await removeBot(locateRegistry(configPath, env), selector)
  if (removed.token.startsWith(KEYCHAIN_PREFIX)) {
    await deleteToken(removed.token.slice(KEYCHAIN_PREFIX.length)).catch(() => false)
  }
  return removed
}

export interface BotCheck {
  bot: string
  ok: boolean
  me?: Pick<UserFromGetMe, 'id' | 'username' | 'first_name'>
  error?: FailureDescription
}

/** `bots validate`: getMe for one bot, or for every active registry bot. */
export async function validateBots(selector: string | undefined, options: {configPath?: string; token?: string} & OpenBotOptions): Promise<BotCheck[]> {
  const selectors = selector || options.token ? [selector] : await activeRegistryBotNames(options.configPath, options.env)
  return Promise.all(
    selectors.map(async (name) => {
      const session = await openBot({bot: name, token: options.token, configPath: options.configPath}, options)
      const label = session.resolved.name ?? session.resolved.token.source
      try {
        const me = await session.client.getMe()
        return {bot: label, ok: true, me: {id: me.id, username: me.username, first_name: me.first_name}}
      } catch (error) {
        return {bot: label, ok: false, error: describeFailure(error)}
      }
    }),
  )
}

async function activeRegistryBotNames(configPath: string | undefined, env: Env = process.env): Promise<Array<string | undefined>> {
  const registry = await loadRegistry(locateRegistry(configPath, env))
  const names = registry.bots.filter((bot) => bot.active).map((bot) => bot.name)
  // No registry bots: validate whatever the lower layers resolve to.
  return names.length > 0 ? names : [undefined]
}

/** `bots sync-info`: caches the bot's and its chats' names in the registry, so listings need no network. */
export async function syncBotInfo(selector: string, options: {configPath?: string} & OpenBotOptions): Promise<BotInfo> {
  const session = await openBot({bot: selector, configPath: options.configPath}, options)
  if (session.resolved.layer !== 'registry' || !session.resolved.registry || !session.resolved.name) {
    throw new UserError(`bot "${selector}" is not in the registry: sync-info caches metadata there`)
  }
  const me = await session.client.getMe()
  const chats: NonNullable<BotInfo['chats']> = {}
  for (const {chatId} of session.resolved.chats.value) {
    const chat = await session.client.getChat({chat_id: chatId})
    const title = 'title' in chat && chat.title ? chat.title : [chat.first_name, chat.last_name].filter(Boolean).join(' ')
    chats[String(chatId)] = {title, type: chat.type, ...(chat.username ? {username: chat.username} : {})}
  }
  const info: BotInfo = {username: me.username, first_name: me.first_name, synced_at: new Date().toISOString(), chats}
  await updateBot(session.resolved.registry, session.resolved.name, {info})
  return info
}

/** `bots test`: a short message to every chat of the bot, to prove the whole path works. */
export async function sendTestMessage(selector: string | undefined, options: {configPath?: string; token?: string; chats?: string[]} & OpenBotOptions): Promise<{deliveries: ChatDelivery[]; notes: string[]}> {
  const session = await openBot({bot: selector, token: options.token, chats: options.chats, configPath: options.configPath}, options)
  const chatIds = requireChats(session.resolved).map((target) => target.chatId)
  const text = `✅ fastpay-tg test message from ${hostname()} at ${new Date().toISOString()}`
  const deliveries = await deliverToChats(session.client, chatIds, {text, threadId: session.resolved.threadId?.value}, {migrations: session.migrations})
  return {deliveries, notes: await persistMigrations(session)}
}
