import type {OpenBotOptions} from '../bot-session.js'
import {
  changeBot,
  type ChatId,
  type ChatType,
  deleteToken,
  type Env,
  findRegistryBot,
  KEYCHAIN_PREFIX,
  loadRegistry,
  locateRegistry,
  parseChatList,
  type RegistryBot,
  type RegistryLocation,
  readToken,
  sameChatId,
  storeToken,
} from '../config/index.js'
import {registerToken} from '../redact.js'
import {noteRegistryChange} from '../usage/usage-file.js'
import {UserError} from '../user-error.js'
import {checkBotName} from './flag-checks.js'
import {forgetKeychainEntry, freeKeychainAccount} from './forget-keychain-entry.js'
import {unknownRegistryBot} from './unknown-registry-bot.js'
import {checkTokenShape, checkWithTelegram, describeStorage, refreshedOwnerInfo, type ShapedToken, storeNewToken, tokenValue} from './new-token.js'

export interface UpdateBotRequest {
  /** The bot: a name (any case) or a registry id. */
  selector: string
  /** `--chat`: ids to add (each may hold several, comma-separated); one already listed is left as it is. */
  addChats?: string[]
  /** `--remove-chat`: ids to take out; each must be listed. */
  removeChats?: string[]
  /** `--thread`: the forum topic. */
  thread?: number
  /** `--remove-thread`: send to the chat itself again. */
  removeThread?: boolean
  /** `--token`: a literal token, `${ENV_VAR}` or `keychain:<account>`. */
  token?: string
  chatType?: ChatType
  /** `--rename`: the new name. */
  rename?: string
  /** Keep a literal token in the file even when a keychain is available. @default false */
  noKeychain?: boolean
  /** Skip the getMe check of a new token. @default false */
  noValidate?: boolean
  configPath?: string
}

export interface UpdatedBot {
  bot: RegistryBot
  /** What changed, one short phrase each (`added chat 42`, `thread 7`, `renamed from deploy`); empty when nothing did. */
  changes: string[]
  /** Where a new token is kept, when one was given. */
  tokenStorage?: string
  /** The new token's @username, when getMe answered. */
  username?: string
  warnings: string[]
}

const NOTHING_TO_CHANGE = 'nothing to change: give --chat, --remove-chat, --thread, --remove-thread, --token, --chat-type or --rename'

/**
 * `bots update`: every flag is checked first (no network, nothing written), then a new token with getMe, then the
 * keychain, then one locked edit of the registry that keeps its comments and key order. A failed edit puts the
 * keychain back as it was.
 */
export async function updateRegistryBot(request: UpdateBotRequest, env: Env = process.env, options: OpenBotOptions = {}): Promise<UpdatedBot> {
  const {addChats, removeChats, shaped} = checkRequest(request)
  const location = locateRegistry(request.configPath, env)
  const {bots} = await loadRegistry(location)
  const bot = findRegistryBot(bots, request.selector)
  if (!bot) throw await unknownRegistryBot(request.selector, location, env)
  const notListed = removeChats.find((id) => !bot.chat_ids.some((chatId) => sameChatId(chatId, id)))
  if (notListed !== undefined) throw new UserError(`--remove-chat: bot ${bot.name} has no chat ${notListed}`)
  const newName = request.rename
  const taken = newName === undefined ? undefined : bots.find((other) => other !== bot && other.name.toLowerCase() === newName.toLowerCase())
  if (taken) throw new UserError(`--rename: bot "${taken.name}" already exists in ${location.display} (bots[${taken.index}])`)

  const warnings: string[] = []
  const owner = shaped && !request.noValidate ? await checkWithTelegram(tokenValue(shaped.token, env), env, options, warnings, 'changed') : undefined
  // The keychain is asked which names are free only when an entry is to be written: a literal token, or a rename
  // moving the bot's own entry.
  const writes = shaped ? !shaped.isReference && !request.noKeychain : newName !== undefined && bot.token === `${KEYCHAIN_PREFIX}${bot.name.toLowerCase()}`
  const account = writes ? await freeKeychainAccount(newName ?? bot.name, bots, bot) : (newName ?? bot.name).toLowerCase()
  const keychain = shaped
    ? await replaceInKeychain(account, bot, shaped, request.noKeychain, warnings)
    : newName === undefined
      ? undefined
      : await moveKeychainEntry(bot, account)
  let updated: RegistryBot
  try {
    updated = await changeBot(location, bot.name, {
      patch: {
        name: newName,
        token: keychain?.token,
        chat_type: request.chatType,
        message_thread_id: request.removeThread ? null : request.thread,
        info: shaped ? refreshedOwnerInfo(owner, bot.info) : undefined,
      },
      addChats,
      removeChats,
    })
  } catch (error) {
    await keychain?.undo()
    throw error
  }
  const left = await keychain?.forgetOld(location)
  if (left !== undefined) warnings.push(left)
  if (updated.name !== bot.name) noteRegistryChange({rename: bot.name, to: updated.name}, env)
  return {
    bot: updated,
    changes: [...describeChanges(bot, updated), ...(keychain ? [`token in ${describeStorage(keychain.token)}`] : [])],
    ...(keychain ? {tokenStorage: describeStorage(keychain.token)} : {}),
    ...(owner?.username === undefined ? {} : {username: owner.username}),
    warnings,
  }
}

function checkRequest(request: UpdateBotRequest): {addChats: ChatId[]; removeChats: ChatId[]; shaped?: ShapedToken} {
  const addChats = request.addChats ? parseChatList('--chat', request.addChats) : []
  const removeChats = request.removeChats ? parseChatList('--remove-chat', request.removeChats) : []
  const both = addChats.find((id) => removeChats.some((other) => sameChatId(other, id)))
  if (both !== undefined) throw new UserError(`--remove-chat: chat ${both} is also given to --chat`)
  if (request.thread !== undefined && request.removeThread) throw new UserError('--remove-thread: cannot be given with --thread')
  if (request.rename !== undefined) checkBotName('--rename', request.rename)
  const shaped = request.token === undefined ? undefined : checkTokenShape(request.token)
  const given = [request.thread, request.token, request.chatType, request.rename].some((value) => value !== undefined)
  if (!given && !request.removeThread && addChats.length === 0 && removeChats.length === 0) throw new UserError(NOTHING_TO_CHANGE)
  return {addChats, removeChats, shaped}
}

interface KeychainChange {
  /** The registry's new token value. */
  token: string
  /** The edit failed: the keychain gets back what it held. */
  undo(): Promise<void>
  /** The edit is written: the entry the old token lived in, if another and no other bot's, is deleted. */
  forgetOld(location: RegistryLocation): Promise<string | undefined>
}

async function replaceInKeychain(
  account: string,
  bot: RegistryBot,
  shaped: ShapedToken,
  noKeychain: boolean | undefined,
  warnings: string[],
): Promise<KeychainChange> {
  const oldAccount = bot.token.startsWith(KEYCHAIN_PREFIX) ? bot.token.slice(KEYCHAIN_PREFIX.length) : undefined
  // The bot's own entry is about to be overwritten: keep what it holds, to put it back if the edit fails.
  const previous = !shaped.isReference && oldAccount === account ? await readToken(account).catch(() => undefined) : undefined
  const stored = await storeNewToken(account, shaped, noKeychain, warnings)
  return {
    token: stored.token,
    async undo() {
      if (stored.keychainAccount === undefined) return
      if (previous !== undefined) await storeToken(account, previous).catch(() => undefined)
      else await deleteToken(account).catch(() => false)
    },
    async forgetOld(location) {
      if (oldAccount !== undefined && stored.token !== bot.token) return forgetKeychainEntry(oldAccount, bot.name, location)
      return undefined
    },
  }
}

/**
 * A rename moves the bot's own keychain entry (`keychain:<old name>`) to the new name: left behind, it would be
 * overwritten by the next `bots add` of the old name. A keychain that cannot be read or written now leaves the
 * reference as it is (it still works).
 */
async function moveKeychainEntry(bot: RegistryBot, newAccount: string): Promise<KeychainChange | undefined> {
  const oldAccount = bot.name.toLowerCase()
  if (bot.token !== `${KEYCHAIN_PREFIX}${oldAccount}` || oldAccount === newAccount) return undefined
  const value = await readToken(oldAccount).catch(() => undefined)
  if (value === undefined) return undefined
  registerToken(value)
  try {
    await storeToken(newAccount, value)
  } catch {
    return undefined
  }
  return {
    token: `${KEYCHAIN_PREFIX}${newAccount}`,
    undo: async () => {
      await deleteToken(newAccount).catch(() => false)
    },
    forgetOld: (location) => forgetKeychainEntry(oldAccount, bot.name, location),
  }
}

function describeChanges(before: RegistryBot, after: RegistryBot): string[] {
  const changes: string[] = []
  if (after.name !== before.name) changes.push(`renamed from ${before.name}`)
  const missingFrom = (list: readonly ChatId[]) => (id: ChatId) => !list.some((other) => sameChatId(other, id))
  const added = after.chat_ids.filter(missingFrom(before.chat_ids))
  const removed = before.chat_ids.filter(missingFrom(after.chat_ids))
  if (added.length > 0) changes.push(`added ${plural(added.length, 'chat')} ${added.join(', ')}`)
  if (removed.length > 0) changes.push(`removed ${plural(removed.length, 'chat')} ${removed.join(', ')}`)
  if (after.message_thread_id !== before.message_thread_id) changes.push(after.message_thread_id === undefined ? 'thread removed' : `thread ${after.message_thread_id}`)
  if (after.chat_type !== before.chat_type) changes.push(`chat type ${after.chat_type}`)
  return changes
}

const plural = (count: number, word: string) => (count === 1 ? word : `${word}s`)
