// One-time link tokens: `webhook link-token` creates one for a bot and a set of channels; a chat sends
// `/link TOKEN` (or opens t.me/<bot>?start=TOKEN) and from then on also receives those channels.

import {type LinkedChat, type LinkStore, type LinkTokenEntry, tokenKeepMs} from '../store/link-store.js'
import {parseDurationMs} from '../support/duration.js'
import {UserError} from '../user-error.js'
import {nodeCrypto} from '../support/node-crypto.js'

/** 24 random bytes, base64url: 32 characters, which a t.me `?start=` deep link can carry (64 at most). */
const TOKEN_BYTES = 24
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,64}$/
const CHANNEL = /^[a-z][a-z0-9_.-]{0,63}$/

export const sha256Hex = (text: string) => nodeCrypto().createHash('sha256').update(text, 'utf8').digest('hex')
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const sameBot = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase()

/** `--channels alerts,digest`: lower-cased, de-duplicated channel names. */
export function parseChannels(value: string, field = '--channels'): string[] {
  const names = [...new Set(value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== ''))]
  if (names.length === 0) throw new UserError(`${field}: expected channel names like alerts,digest`)
  const bad = names.find((name) => !CHANNEL.test(name))
  if (bad !== undefined) {
    throw new UserError(`${field}: ${JSON.stringify(bad)} is not a channel name (a letter, then letters, digits, _ . or -)`)
  }
  return names
}

/** `30m`, `24h`, `7d`, `90s` as whole seconds; between 1 minute and 30 days. */
export function parseTtlSeconds(value: string, field = '--ttl'): number {
  const seconds = (parseDurationMs(value) ?? Number.NaN) / 1000
  if (!(Number.isInteger(seconds) && seconds >= 60 && seconds <= 30 * 86_400)) {
    throw new UserError(`${field}: expected a duration from 1m to 30d like 30m, 24h or 7d, got ${JSON.stringify(value)}`)
  }
  return seconds
}

export interface NewLinkToken {
  /** The token to hand over; only its sha256 is stored. */
  token: string
  entry: LinkTokenEntry
}

export interface CreateLinkTokenOptions {
  /** The bot whose chats may use it: a registry or TELEGRAM_BOT_CONFIGS name. @default any bot */
  bot?: string
  channels: string[]
  /** @default 86400 (24 h) */
  ttlSeconds?: number
  /** @default Date.now() */
  now?: number
}

/** Stores a new one-time token (its sha256 only) in the store; it is forgotten a week after it expires or is used. */
export async function createLinkToken(links: LinkStore, options: CreateLinkTokenOptions): Promise<NewLinkToken> {
  const now = options.now ?? Date.now()
  const token = nodeCrypto().randomBytes(TOKEN_BYTES).toString('base64url')
  const entry: LinkTokenEntry = {
    sha256: sha256Hex(token),
    ...(options.bot === undefined ? {} : {bot: options.bot}),
    channels: options.channels,
    created_at: iso(now),
    expires_at: iso(now + (options.ttlSeconds ?? 86_400) * 1000),
  }
  await links.addToken(entry, tokenKeepMs(entry, now))
  return {token, entry}
}

/** Who is linking, and where. */
export interface LinkingChat {
  chatId: number
  /** The name of the bot that received /link; undefined for a bot known only by its token. */
  bot?: string
  linkedBy?: string
  title?: string
  /** @default Date.now() */
  now?: number
}

export type LinkOutcome =
  | {kind: 'linked'; channels: string[]}
  | {kind: 'unknown'}
  | {kind: 'used'; usedAt: string}
  | {kind: 'expired'; expiredAt: string}
  | {kind: 'other-bot'; bot: string}

/**
 * `/link TOKEN`: spends the token, then records the chat among the chats of this bot (a chat already linked through
 * it gains the token's channels). The token is spent with compare-and-set: of two `/link`s of one token at once,
 * on one host or two, one links and the other hears "already used".
 */
export async function consumeLinkToken(links: LinkStore, token: string, chat: LinkingChat): Promise<LinkOutcome> {
  const now = chat.now ?? Date.now()
  if (!TOKEN_SHAPE.test(token)) return {kind: 'unknown'}
  const stored = await links.token(sha256Hex(token))
  if (stored === undefined) return {kind: 'unknown'}
  const link = stored.value
  if (link.used_at !== undefined) return {kind: 'used', usedAt: link.used_at}
  if (Date.parse(link.expires_at) <= now) return {kind: 'expired', expiredAt: link.expires_at}
  if (link.bot !== undefined && !sameBot(link.bot, chat.bot)) return {kind: 'other-bot', bot: link.bot}
  const spent: LinkTokenEntry = {...link, used_at: iso(now), used_by_chat: chat.chatId}
  if (!(await links.spendToken(spent, stored.version, tokenKeepMs(spent, now)))) {
    const winner = (await links.token(link.sha256))?.value
    return {kind: 'used', usedAt: winner?.used_at ?? iso(now)}
  }
  // Spent first, linked second: a run stopped in between leaves a used token and no link (ask for a new token),
  // never a token that links twice.
  return links.editChats(chat.bot, (chats) => {
    const existing = chats.find((linked) => linked.chat_id === chat.chatId)
    const channels = [...new Set([...(existing?.channels ?? []), ...link.channels])]
    const linked: LinkedChat = {
      chat_id: chat.chatId,
      ...(chat.bot === undefined ? {} : {bot: chat.bot}),
      channels,
      linked_at: iso(now),
      ...(chat.linkedBy === undefined ? {} : {linked_by: chat.linkedBy}),
      ...(chat.title === undefined ? {} : {title: chat.title}),
    }
    const next = existing === undefined ? [...chats, linked] : chats.map((candidate) => (candidate === existing ? linked : candidate))
    return {chats: next, result: {kind: 'linked', channels}}
  })
}

/** `/stop`: forgets the chat's link through this bot; returns the channels it received, or undefined if none. */
export function unlinkChat(links: LinkStore, chatId: number, bot: string | undefined, channel?: string): Promise<string[] | undefined> {
  return links.editChats<string[] | undefined>(bot, (chats) => {
    const existing = chats.find((linked) => linked.chat_id === chatId)
    if (existing === undefined) return {result: undefined}
    const leaving = channel === undefined ? existing.channels : existing.channels.filter((name) => name === channel.toLowerCase())
    if (leaving.length === 0) return {result: []}
    const staying = existing.channels.filter((name) => !leaving.includes(name))
    const next = staying.length === 0
      ? chats.filter((linked) => linked !== existing)
      : chats.map((linked) => (linked === existing ? {...linked, channels: staying} : linked))
    return {chats: next, result: leaving}
  })
}
