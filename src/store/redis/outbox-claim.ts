// How a flush takes the next entry of one bot's Redis outbox (the CLAIM script, outbox-scripts.ts), and the keys
// the outbox keeps per bot: shared by the outbox and its scripts' callers.
import type {Redis} from 'ioredis'

import {CLAIM, SETTLE} from './outbox-scripts.js'
import {deliveredMarkKey} from './redis-pending-since.js'

/** One bot's keys: its stream, the entries' documents, who holds which, what was set aside, and the bots' set. */
export interface BotKeys {
  stream: string
  entries: string
  holders: string
  setAside: string
  bots: string
}

export function outboxKeys(prefix: string, bot: string): BotKeys {
  // Encoded, so that no bot label (`env TELEGRAM_BOT_TOKEN`, a name with a colon) can reach another bot's keys.
  const base = `${prefix}outbox:${encodeURIComponent(bot)}`
  return {stream: base, entries: `${base}:entries`, holders: `${base}:holders`, setAside: `${base}:set-aside`, bots: `${prefix}outbox-bots`}
}

/** An entry a flush claimed: its stream id, its id, its document (null once another consumer finished it). */
export interface Claimed {
  streamId: string
  id: string
  json: string | null
  previousHolder: string | null
}

type ClaimReply = [string] | [string, null] | [string, string, string, string | null, string | null]

/** The next entry to deliver; `cursor` '' once the entries to take back are done. */
export async function claimNext(
  redis: Redis,
  keys: BotKeys,
  claim: {consumer: string; claimTimeoutMs: number},
  cursor: string,
): Promise<'none' | {cursor: string; entry?: Claimed}> {
  let reply: ClaimReply
  try {
    const args = [claim.consumer, claim.claimTimeoutMs, cursor]
    reply = (await CLAIM.run(redis, [keys.stream, keys.entries, keys.holders], args)) as ClaimReply
  } catch (error) {
    // No stream or group yet: nothing was ever spooled for this bot.
    if (error instanceof Error && error.message.includes('NOGROUP')) return 'none'
    throw error
  }
  const [next, streamId, id, json, previousHolder] = reply
  if (streamId === undefined) return cursor === '' ? 'none' : {cursor: next === '0-0' ? '' : next}
  // A new entry held by the alert that wrote it: the next one.
  if (streamId === null) return {cursor: ''}
  const entry = {streamId, id: id!, json: json ?? null, previousHolder: previousHolder ?? null}
  return {cursor: cursor === '' || next === '0-0' ? '' : next, entry}
}

/** A held entry as Redis knows it: its bot, its id, its place in the stream, and the consumer holding it. */
export interface HeldClaim {
  bot: string
  id: string
  streamId: string
  consumer: string
}

/**
 * Removes an entry its holder finished while Redis was unreachable (SettlementFiles), leaving the delivered mark
 * `mark` when given, unless another consumer took it over meanwhile (it is theirs then). Returns whether removed.
 */
export async function settleClaim(redis: Redis, keys: BotKeys, claim: HeldClaim, mark?: {throttleKey: string; at: number; keepMs: number}): Promise<boolean> {
  const markKeys = mark === undefined ? [] : [deliveredMarkKey(keys.stream, mark.throttleKey)]
  const args = [claim.streamId, claim.id, claim.bot, mark?.at ?? 0, mark?.keepMs ?? 0, claim.consumer]
  return (await SETTLE.run(redis, [keys.stream, keys.entries, keys.holders, keys.bots, ...markKeys], args)) === 1
}
