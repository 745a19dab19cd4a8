// The one-time move of `links:`/`linked_chats:` from the bots registry file (where versions before the state
// store kept them) into the store. Loaded only when the registry still holds them.
import {type LegacyLinkSections, moveLegacyLinkSections} from '../config/legacy-links.js'
import type {RegistryLocation} from '../config/paths.js'
import {editChatsIn, type LinkedChat, linkTokenKey, tokenKeepMs} from './link-store.js'
import type {KeyValueStore} from './types.js'

/**
 * Stores the registry's link sections in `kv`, then removes them from the file, leaving
 * `# links and linked_chats moved to the state store (<target>) by fastpay-tg on <day>` in their place. Safe to run
 * again and from two runs at once: it runs under the registry's lock, a token already in the store keeps its state
 * there (a run that stopped after storing and before rewriting the file), and a chat already there gains the file's
 * channels. Returns what was moved, or undefined when another run moved it first.
 */
export function moveRegistryLinks(kv: KeyValueStore, registry: RegistryLocation, target: string, now = Date.now()): Promise<LegacyLinkSections | undefined> {
  const day = new Date(now).toISOString().slice(0, 10)
  const comment = `links and linked_chats moved to the state store (${target}) by fastpay-tg on ${day}`
  return moveLegacyLinkSections(registry, (sections) => store(kv, sections, now), comment)
}

async function store(kv: KeyValueStore, {links, linkedChats}: LegacyLinkSections, now: number): Promise<void> {
  for (const link of links) {
    const keepMs = tokenKeepMs(link, now)
    // Spent over a week ago: `link-token` would have dropped it from the file.
    if (keepMs > 0) await kv.compareAndSet(linkTokenKey(link.sha256), 0, link, {ttlMs: keepMs})
  }
  // One edit per bot (names ignore case; no name is a bot of its own), `undefined` kept apart from every name.
  const byBot = new Map<string | undefined, {bot: string | undefined; chats: LinkedChat[]}>()
  for (const linked of linkedChats) {
    const name = linked.bot?.toLowerCase()
    const group = byBot.get(name) ?? {bot: linked.bot, chats: []}
    group.chats.push(linked)
    byBot.set(name, group)
  }
  for (const {bot, chats: moving} of byBot.values()) {
    await editChatsIn(kv, bot, (stored) => {
      const merged = [...stored]
      for (const linked of moving) {
        const index = merged.findIndex((candidate) => candidate.chat_id === linked.chat_id)
        if (index < 0) merged.push(linked)
        else merged[index] = {...merged[index]!, channels: [...new Set([...merged[index]!.channels, ...linked.channels])]}
      }
      return {chats: merged, result: undefined}
    })
  }
}
