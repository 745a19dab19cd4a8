// `webhook links` and `webhook unlink`: the operator's view of the chats that linked themselves with /link, and a way
// to remove one (a chat that left the company, a group deleted) without editing the registry by hand.
import {type Env, locateRegistry} from '../config/index.js'
import {unlinkChat} from './link-tokens.js'
import {type LinkedChat, readSections} from '../config/registry-sections.js'

/** Linked chats, oldest first; only those linked through `bot` (any case) when given. */
export async function listLinkedChats(options: {configPath?: string; env?: Env; bot?: string}): Promise<LinkedChat[]> {
  const {linkedChats} = await readSections(locateRegistry(options.configPath, options.env ?? process.env))
  const bot = options.bot?.toLowerCase()
  return linkedChats.filter((linked) => bot === undefined || linked.bot?.toLowerCase() === bot)
}

export interface Unlinked {
  chat_id: number
  bot?: string
  /** The channels the chat no longer receives. */
  channels: string[]
}

/** Unlinks `chatId` (through `bot`, else through every bot) from `channel`, else from all its channels. */
export async function unlinkLinkedChat(chatId: number, options: {configPath?: string; env?: Env; bot?: string; channel?: string}): Promise<Unlinked[]> {
  const location = locateRegistry(options.configPath, options.env ?? process.env)
  const entries = (await listLinkedChats(options)).filter((linked) => linked.chat_id === chatId)
  const done: Unlinked[] = []
  for (const entry of entries) {
    const channels = (await unlinkChat(location, chatId, entry.bot, options.channel)) ?? []
    if (channels.length > 0) done.push({chat_id: chatId, ...(entry.bot ? {bot: entry.bot} : {}), channels})
  }
  return done
}
