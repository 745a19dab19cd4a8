// A claim on an entry of one bot's Redis outbox: how a flush takes the next one (the CLAIM script, outbox-scripts.ts),
// finishes it, shows its holder, and settles it when Redis went away before the finish; and the keys the outbox keeps
// per bot: shared by the outbox and its scripts' callers.
import type {Redis} from 'ioredis'

import type {FlushReport, OutboxEntry, OutboxItem} from '../outbox-types.js'
import {ACK, CLAIM, GIVE_BACK, SETTLE} from './outbox-scripts.js'
import {isDeadHere} from './redis-key-lock.js'
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

// Given back entries look idle for this long (less than the epoch, which Redis requires), far beyond any timeout.
export const GIVEN_BACK_IDLE_MS = 10 * 365 * 24 * 3600 * 1000

/** Who holds an entry, as a listing shows it: see OutboxItem. */
export function claimOf(holder: string | undefined): Pick<OutboxItem, 'claimedBy' | 'holderGone'> {
  if (!holder) return {}
  return isDeadHere(holder) ? {claimedBy: holder, holderGone: true} : {claimedBy: holder}
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
 * Finishes a claimed or held entry once Telegram answered: acknowledged (with the delivered mark `mark`, when given)
 * when no chat waits, else `kept` given back for the chats still waiting. Returns false when another consumer had
 * taken it over meanwhile (nothing given back: it is theirs).
 */
export async function finishClaim(
  redis: Redis,
  keys: BotKeys,
  claim: HeldClaim,
  outcome: {kept?: OutboxEntry | undefined; mark?: {throttleKey: string; at: number; keepMs: number} | undefined},
): Promise<boolean> {
  const {kept, mark} = outcome
  if (kept === undefined) {
    const markKeys = mark === undefined ? [] : [deliveredMarkKey(keys.stream, mark.throttleKey)]
    const markArgs = mark === undefined ? [] : [String(mark.at), mark.keepMs]
    await ACK.run(redis, [keys.stream, keys.entries, keys.holders, keys.bots, ...markKeys], [claim.streamId, claim.id, claim.bot, ...markArgs])
    return true
  }
  const args = [claim.streamId, claim.id, JSON.stringify(kept), claim.consumer, GIVEN_BACK_IDLE_MS]
  return (await GIVE_BACK.run(redis, [keys.stream, keys.entries, keys.holders], args)) === 1
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

/** A claimed entry Telegram answered for whose finish (acknowledgement or give-back) never reached Redis. */
export interface UnfinishedClaim {
  claim: HeldClaim
  /** The entry as it must stay for the chats still waiting; undefined when none waits. */
  kept?: OutboxEntry
  /** The delivered mark its acknowledgement would have left (see deliveredMark). */
  mark?: {throttleKey: string; at: number}
}

/**
 * Redis stopped answering during a flush after it had delivered something: what it did until then, and the entry it
 * could not finish there, for the caller to finish on this host (FallbackOutbox). `cause` is Redis's own error.
 */
export class FlushCutShort extends Error {
  override readonly name = 'FlushCutShort'

  constructor(
    readonly report: FlushReport,
    readonly unfinished: UnfinishedClaim | undefined,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), {cause})
  }
}
