// Updates that `webhook serve` answered 200 but had not started handling when it was stopped (SIGTERM after the
// drain time). Telegram will not send them again, so they are kept in the store, per bot, and a serve of that bot
// handles them, exactly one: the next to start, or one already running (a rolling deploy starts the new serve before
// it stops the old), which watches one small key that says when updates were last kept.
import {hostname} from 'node:os'

import {FallbackKeyValue} from '../store/fallback/fallback-state.js'
import type {KeyValueStore} from '../store/types.js'
import {LINK_TOKEN_NOT_KEPT} from './bot-commands.js'
import type {QueuedUpdate} from './webhook-server.js'

const PREFIX = 'webhook/kept-updates/'
/** As long as Telegram itself keeps an update nobody took: 24 hours. */
const KEPT_MS = 24 * 3600 * 1000
/**
 * A batch still there this long after a serve claimed it: that serve died between its claim and the delete right
 * after (it hands the updates on only after the delete), so another may take it. Far beyond that gap, and beyond the
 * clock skew of a fleet's hosts (the claim's time is the claimer's clock).
 */
const CLAIM_LEFT_MS = 10 * 60_000

interface KeptBatch {
  updates: QueuedUpdate['update'][]
  /** Set by the serve that took the batch; the key is deleted right after. */
  takenBy?: string
}

const batchPrefix = (webhookId: number) => `${PREFIX}${webhookId}/`
/**
 * Rewritten whenever a serve keeps updates: its version tells a running serve to look (one read, not a scan). Kept
 * for good: a key that expired would count its versions from 1 again, and a serve that saw 1 would miss the next.
 */
const KEPT_SIGNAL = 'webhook/kept-updates-signal'

// `/link TOKEN`, `/start TOKEN`, `/link@bot TOKEN`: the argument is a link token.
const LINK_WITH_TOKEN = /^(\s*\/(?:link|start)(?:@[A-Za-z0-9_]{3,64})?)\s+\S[\s\S]*$/i

type Message = NonNullable<QueuedUpdate['update']['message']>

/**
 * The update as kept, or undefined for a kind serve does nothing with (an edit, a channel post). A link token's text
 * is never stored (only its sha256 is), so it is left out, and so are the messages quoted or replied to, which may
 * hold one: handling reads neither.
 */
function keptForm(update: QueuedUpdate['update']): QueuedUpdate['update'] | undefined {
  const {update_id, message, callback_query} = update
  if (message !== undefined) {
    const command = message.text === undefined ? undefined : LINK_WITH_TOKEN.exec(message.text)?.[1]
    const text = command === undefined ? {} : {text: `${command} ${LINK_TOKEN_NOT_KEPT}`, entities: []}
    // A command is a message's text: its caption (a photo's) is never read.
    const {caption: _caption, caption_entities: _captionEntities, ...rest} = withoutQuoted(message) as Message & Record<string, unknown>
    return {update_id, message: {...rest, ...text} as Message}
  }
  if (callback_query !== undefined) {
    const pressed = callback_query.message === undefined ? {} : {message: withoutQuoted(callback_query.message as Message)}
    return {update_id, callback_query: {...callback_query, ...pressed}}
  }
  return undefined
}

function withoutQuoted(message: Message): Message {
  const {reply_to_message: _reply, quote: _quote, external_reply: _external, pinned_message: _pinned, ...kept} = message as Message & Record<string, unknown>
  return kept as Message
}

/**
 * Writes one batch per bot (keys sort by time: batches of several stops are handled oldest first), then moves the
 * signal. Returns how many updates were kept, those of the bots whose batch could not be written with why, and why
 * the signal could not be moved.
 */
export async function keepUpdates(
  kv: KeyValueStore,
  left: readonly QueuedUpdate[],
  now = Date.now(),
): Promise<{kept: number; lost: Array<{updates: QueuedUpdate[]; error: unknown}>; signalError?: unknown}> {
  const byBot = new Map<number, Array<{queued: QueuedUpdate; kept: QueuedUpdate['update']}>>()
  for (const queued of left) {
    const kept = keptForm(queued.update)
    if (kept === undefined) continue
    let batch = byBot.get(queued.webhookId)
    if (batch === undefined) byBot.set(queued.webhookId, (batch = []))
    batch.push({queued, kept})
  }
  const result: {kept: number; lost: Array<{updates: QueuedUpdate[]; error: unknown}>; signalError?: unknown} = {kept: 0, lost: []}
  for (const [webhookId, batch] of byBot) {
    const key = `${batchPrefix(webhookId)}${String(now).padStart(15, '0')}-${hostname()}-${process.pid}`
    try {
      await kv.set<KeptBatch>(key, {updates: batch.map(({kept}) => kept)}, {ttlMs: KEPT_MS})
      result.kept += batch.length
    } catch (error) {
      result.lost.push({updates: batch.map(({queued}) => queued), error})
    }
  }
  // Without it, running serves find the batches at their hourly look, or the next at its start.
  if (result.kept > 0) {
    await kv.set(KEPT_SIGNAL, {at: now}).catch((error: unknown) => {
      result.signalError = error
    })
  }
  return result
}

/** Removes what is left of batches and signals whose day is over (the file store keeps their files until then). */
export async function pruneKeptUpdates(kv: KeyValueStore): Promise<void> {
  await kv.removeExpired('webhook/kept-updates')
}

/** The signal's version now: read before the batches are taken at start, it is what a watch starts from. */
export async function keptSignal(kv: KeyValueStore): Promise<number> {
  return (await kv.get(KEPT_SIGNAL))?.version ?? 0
}

/**
 * Takes the batches kept for these bots, oldest first, handing each batch's updates to `handle` once the batch is
 * gone from the store. A batch is claimed by compare-and-set before its delete, so that of two serves looking at once
 * only one takes it. On the fallback store both halves are looked at: Redis (when it answers) and this host's files,
 * which hold what was kept while Redis was away; each batch is claimed and deleted in the one that holds it. A batch
 * that fails is left for the next look, and the failure is returned; the others are still taken.
 */
export async function takeKeptUpdates(
  kv: KeyValueStore,
  webhookIds: readonly number[],
  handle: (kept: QueuedUpdate) => void,
  now = Date.now(),
): Promise<{taken: number; failures: unknown[]}> {
  const me = `${hostname()}/${process.pid}`
  const found = {taken: 0, failures: [] as unknown[]}
  const takeFrom = async (store: KeyValueStore) => {
    for (const webhookId of webhookIds) {
      for (const batch of await store.list<KeptBatch>(batchPrefix(webhookId))) {
        if (batch.value.takenBy !== undefined && now - batch.updatedAt < CLAIM_LEFT_MS) continue
        try {
          const claimed = await store.compareAndSet<KeptBatch>(batch.key, batch.version, {...batch.value, takenBy: me}, {ttlMs: KEPT_MS})
          if (!claimed.ok) continue
          await store.delete(batch.key)
        } catch (error) {
          found.failures.push(error)
          continue
        }
        for (const update of batch.value.updates) handle({webhookId, update})
        found.taken += batch.value.updates.length
      }
    }
  }
  await forEachHalf(kv, takeFrom)
  return found
}

/** For `webhook info`: how many updates wait for a serve of this bot, and since when (epoch ms). */
export async function keptUpdatesWaiting(kv: KeyValueStore, webhookId: number): Promise<{updates: number; since?: number}> {
  const waiting: {updates: number; since?: number} = {updates: 0}
  await forEachHalf(kv, async (store) => {
    for (const batch of await store.list<KeptBatch>(batchPrefix(webhookId))) {
      waiting.updates += batch.value.updates.length
      waiting.since = Math.min(waiting.since ?? batch.updatedAt, batch.updatedAt)
    }
  })
  return waiting
}

/** A fallback store's two halves (Redis when it answers, then this host's files); any other store as it is. */
async function forEachHalf(kv: KeyValueStore, visit: (store: KeyValueStore) => Promise<void>): Promise<void> {
  if (kv instanceof FallbackKeyValue) {
    await kv.link.run(() => visit(kv.shared), async () => {})
    await visit(kv.local)
  } else {
    await visit(kv)
  }
}
