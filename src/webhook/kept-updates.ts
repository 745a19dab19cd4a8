// Updates that `webhook serve` answered 200 but had not started handling when it was stopped (SIGTERM after the
// drain time). Telegram will not send them again, so they are kept in the store, per bot, and a serve of that bot
// handles them, exactly one: the next to start, or one already running (a rolling deploy starts the new serve before
// it stops the old), which watches one small key that says when updates were last kept.
import {hostname} from 'node:os'

import type {KeyValueStore} from '../store/types.js'
import {LINK_TOKEN_NOT_KEPT} from './bot-commands.js'
import type {QueuedUpdate} from './webhook-server.js'

const PREFIX = 'webhook/kept-updates/'
/** As long as Telegram itself keeps an update nobody took: 24 hours. */
const KEPT_MS = 24 * 3600 * 1000
/**
 * A batch still there this long after a serve claimed it: that serve died between its claim and the delete that
 * comes right after (it queues the updates only after the delete), so another may take the batch.
 */
const CLAIM_LEFT_MS = 60_000

interface KeptBatch {
  updates: QueuedUpdate['update'][]
  /** Set by the serve that took the batch; the key is deleted right after. */
  takenBy?: string
}

const batchPrefix = (webhookId: number) => `${PREFIX}${webhookId}/`
/** Rewritten whenever a serve keeps updates: its version tells a running serve to look (one read, not a scan). */
const KEPT_SIGNAL = 'webhook/kept-updates-signal'
/** How often a running serve reads the signal. @default 10 s; `FASTPAY_TG_KEPT_UPDATES_POLL_MS` for test suites. */
const POLL_MS = 10_000

// `/link TOKEN`, `/start TOKEN`, `/link@bot TOKEN`: the argument is a link token.
const LINK_WITH_TOKEN = /^(\s*\/(?:link|start)(?:@[A-Za-z0-9_]{3,64})?)\s+\S[\s\S]*$/i

/** The update as kept: a link token's text is never stored (only its sha256 is), so it is left out. */
function withoutLinkToken(update: QueuedUpdate['update']): QueuedUpdate['update'] {
  const text = update.message?.text
  const command = text === undefined ? undefined : LINK_WITH_TOKEN.exec(text)?.[1]
  if (command === undefined || update.message === undefined) return update
  return {...update, message: {...update.message, text: `${command} ${LINK_TOKEN_NOT_KEPT}`, entities: []}}
}

/** Writes one batch per bot. Keys sort by time, so batches of several stops are handled oldest first. */
export async function keepUpdates(kv: KeyValueStore, left: readonly QueuedUpdate[], now = Date.now()): Promise<void> {
  const byBot = new Map<number, QueuedUpdate['update'][]>()
  for (const {webhookId, update} of left) byBot.set(webhookId, [...(byBot.get(webhookId) ?? []), withoutLinkToken(update)])
  for (const [webhookId, updates] of byBot) {
    const key = `${batchPrefix(webhookId)}${String(now).padStart(15, '0')}-${hostname()}-${process.pid}`
    await kv.set<KeptBatch>(key, {updates}, {ttlMs: KEPT_MS})
  }
  if (byBot.size > 0) await kv.set(KEPT_SIGNAL, {at: now}, {ttlMs: KEPT_MS})
}

/** Removes what is left of batches and signals whose day is over (the file store keeps their files until then). */
export async function pruneKeptUpdates(kv: KeyValueStore): Promise<void> {
  await kv.removeExpired('webhook/kept-updates')
}

/** The signal's version now: read before the batches are taken at start, it is what `watchKeptUpdates` starts from. */
export async function keptSignal(kv: KeyValueStore): Promise<number> {
  return (await kv.get(KEPT_SIGNAL))?.version ?? 0
}

/**
 * While a serve runs: each time another serve keeps updates (the signal moved on from `seen`), takes those of these
 * bots and hands them to `handle`. Returns the stop function. A failed look goes to `onError`; the next tick retries.
 */
export function watchKeptUpdates(
  kv: KeyValueStore,
  webhookIds: readonly number[],
  handle: (kept: QueuedUpdate) => void,
  options: {seen: number; env: Readonly<Record<string, string | undefined>>; onError: (error: unknown) => void},
): () => void {
  let {seen} = options
  let looking = false
  const look = async () => {
    if (looking) return
    looking = true
    try {
      const version = await keptSignal(kv)
      if (version !== seen) for (const kept of await takeKeptUpdates(kv, webhookIds)) handle(kept)
      seen = version
    } catch (error) {
      options.onError(error)
    } finally {
      looking = false
    }
  }
  const timer = setInterval(() => void look(), pollMs(options.env)).unref()
  return () => clearInterval(timer)
}

function pollMs(env: Readonly<Record<string, string | undefined>>): number {
  const value = Number(env.FASTPAY_TG_KEPT_UPDATES_POLL_MS)
  return Number.isSafeInteger(value) && value > 0 ? value : POLL_MS
}

/**
 * Takes the batches kept for these bots, oldest first. Each is claimed by compare-and-set before it is deleted, so
 * that of two serves starting at once only one handles a batch.
 */
export async function takeKeptUpdates(kv: KeyValueStore, webhookIds: readonly number[], now = Date.now()): Promise<QueuedUpdate[]> {
  const taken: QueuedUpdate[] = []
  const me = `${hostname()}/${process.pid}`
  for (const webhookId of webhookIds) {
    for (const batch of await kv.list<KeptBatch>(batchPrefix(webhookId))) {
      if (batch.value.takenBy !== undefined && now - batch.updatedAt < CLAIM_LEFT_MS) continue
      const claimed = await kv.compareAndSet<KeptBatch>(batch.key, batch.version, {...batch.value, takenBy: me}, {ttlMs: KEPT_MS})
      if (!claimed.ok) continue
      await kv.delete(batch.key)
      for (const update of batch.value.updates) taken.push({webhookId, update})
    }
  }
  return taken
}
