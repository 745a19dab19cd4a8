import {loadCurrentRegistry, type RegistryBot, sameChatId} from '../config/index.js'
import type {LinkedChat} from '../store/link-store.js'
import type {ServedBot, UpdateContext} from './served-bot.js'
import {utcClock} from './time-text.js'

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

function botLine(bot: RegistryBot, served: ServedBot): string {
  const id = bot.id === undefined ? '' : ` (id ${bot.id})`
  const here = bot.name.toLowerCase() === served.name?.toLowerCase() ? ', answering here' : ''
  if (!bot.active) return `• ${bot.name}${id}: disabled`
  return `• ${bot.name}${id}: active, ${plural(bot.chat_ids.length, 'chat')}${here}`
}

function channelCounts(linkedChats: readonly LinkedChat[]): string {
  const counts = new Map<string, number>()
  for (const linked of linkedChats) for (const channel of linked.channels) counts.set(channel, (counts.get(channel) ?? 0) + 1)
  return [...counts].map(([channel, count]) => `${channel}: ${count}`).join(', ')
}

/**
 * The /status reply: the registry's bots, the linked chats, and what this chat receives. Only chats that receive
 * something (a registry chat or a linked one) see it: anyone can write to a bot.
 */
export async function statusText(bot: ServedBot, chatId: number, context: UpdateContext): Promise<string> {
  // `webhook serve` runs for days: the file as it is now, not as it was at start (parsed again only when it changed).
  const [{bots}, linkedChats] = await Promise.all([loadCurrentRegistry(context.registry), context.links.chats()])
  const registryChannels = bots.filter((candidate) => candidate.active && candidate.chat_ids.some((id) => sameChatId(id, chatId)))
  const linkedHere = linkedChats.filter((linked) => linked.chat_id === chatId)
  if (registryChannels.length === 0 && linkedHere.length === 0) {
    return 'Status is shown in chats that receive alerts. Ask an operator for a link token (fastpay-tg webhook link-token), then send /link TOKEN here.'
  }
  const now = (context.now ?? Date.now)()
  const lines = [`Status at ${utcClock(now)}`, '', bots.length === 0 ? 'Bots: none in the registry' : `Bots (${bots.length} in the registry):`]
  for (const registryBot of bots) lines.push(botLine(registryBot, bot))
  const counts = channelCounts(linkedChats)
  lines.push('', `Linked chats: ${linkedChats.length}${counts === '' ? '' : ` (${counts})`}`)
  const receives = [
    ...registryChannels.map((candidate) => `${candidate.name} (registry)`),
    ...linkedHere.flatMap((linked) => linked.channels.map((channel) => `${channel} (linked)`)),
  ]
  lines.push(`This chat receives: ${[...new Set(receives)].join(', ')}`)
  const extra = (await context.statusSections?.()) ?? []
  if (extra.length > 0) lines.push('', ...extra)
  return lines.join('\n')
}
