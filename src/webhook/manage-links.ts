// `webhook links` and `webhook unlink`: the operator's view of the chats that linked themselves with /link, and a way
// to remove one (a chat that left the company, a group deleted) without touching the store by hand.
import type {Env} from '../config/paths.js'
import type {LinkedChat, LinkStore} from '../store/link-store.js'
import {ensureStateDir, resolveStateDir} from '../support/state-dir.js'
import {unlinkChat} from './link-tokens.js'

export interface LinkStoreRequest {
  /** `--state-dir`. @default FASTPAY_TG_STATE_DIR, else ~/.local/state/fastpay-tg */
  stateDir?: string
  /** `--config`: the registry whose `store:` may name Redis, and whose old link sections are moved. */
  configPath?: string
  /** @default process.env */
  env?: Env
  /** One line when Redis is unreachable, for the door to print. */
  onWarning: (line: string) => void
}

/** Opens the configured store (files in the state dir, or Redis) for `use`, and closes it after. */
export async function withLinkStore<T>(request: LinkStoreRequest, use: (links: LinkStore) => Promise<T>): Promise<T> {
  const env = request.env ?? process.env
  const stateDir = resolveStateDir(request.stateDir, env)
  await ensureStateDir(stateDir)
  const {openStore} = await import('../store/select-store.js')
  const store = await openStore({stateDir, env, configPath: request.configPath, onWarning: request.onWarning})
  try {
    return await use(store.links)
  } finally {
    await store.close()
  }
}

/** Linked chats, oldest first; only those linked through `bot` (any case) when given. */
export function listLinkedChats(links: LinkStore, options: {bot?: string} = {}): Promise<LinkedChat[]> {
  return links.chats(options)
}

export interface Unlinked {
  chat_id: number
  bot?: string
  /** The channels the chat no longer receives. */
  channels: string[]
}

/** Unlinks `chatId` (through `bot`, else through every bot) from `channel`, else from all its channels. */
export async function unlinkLinkedChat(links: LinkStore, chatId: number, options: {bot?: string; channel?: string} = {}): Promise<Unlinked[]> {
  const entries = (await links.chats({bot: options.bot})).filter((linked) => linked.chat_id === chatId)
  const done: Unlinked[] = []
  for (const entry of entries) {
    const channels = (await unlinkChat(links, chatId, entry.bot, options.channel)) ?? []
    if (channels.length > 0) done.push({chat_id: chatId, ...(entry.bot ? {bot: entry.bot} : {}), channels})
  }
  return done
}
